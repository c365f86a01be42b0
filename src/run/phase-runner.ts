// Run one phase's command and turn what it writes into InstallerEvents: the child runs detached with its output
// in a 0600 raw file and the callback's events in another; both are tailed, redacted into <phase>.log and
// <phase>.ansible.ndjson, and the raw files removed at the end. Memory stays bounded: only a tail of lines is kept.
import path from 'node:path';
import { createPrivateFile, FileTail, LineAppender, removeFile } from '../env/run-files.js';
import { spawnDetached } from '../env/spawn.js';
import type { TaskCounts as Counts, EventSink, InstallerEvent, PhaseStatus, TaskStatus as ResultStatus } from '../model/events.js';
import { parseCallbackLine, type CallbackEvent } from './callback-events.js';
import type { Redactor } from './redact.js';

export interface PhaseRun {
  phase: string;
  runId: string;
  runDir: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  expectedTasks: number | null;
  redactor: Redactor;
  sink: EventSink;
  now(): Date;
  pollMs: number;
  /** Called with the child's pid once it runs, and the ansible-playbook pid once the callback names it. */
  onChild(pid: number): void;
  onAnsiblePid(pid: number): void;
  onTaskStarted(): void;
  /** Was an abort asked for (then a non-zero exit is "aborted", not "failed")? */
  aborting(): boolean;
}

export interface PhaseFailure {
  play: string | null;
  task: string | null;
  host: string | null;
  message: string;
  stderrTail: string | null;
  logLine: number | null;
}

export interface PhaseOutcome {
  status: PhaseStatus;
  exitCode: number;
  durationMs: number;
  counts: Counts;
  failure: PhaseFailure | null;
  logPath: string;
}

const TAIL_LINES = 40;

/** Reduces the callback's events to InstallerEvents for one phase (pure but for the sink). */
export class CallbackReducer {
  counts: Counts = { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0 };
  play: string | null = null;
  playIndex = 0;
  taskIndex = 0;
  ansiblePid: number | null = null;
  stopping = false;
  lastFailure: Omit<PhaseFailure, 'logLine'> | null = null;
  failureLogLine: number | null = null;
  lastSeq = -1;
  gaps = 0;
  private readonly taskStarts = new Map<string, number>();

  constructor(
    private readonly phase: string,
    private readonly runId: string,
    private readonly expectedTasks: number | null,
    private readonly redactor: Redactor,
    private readonly emit: (event: InstallerEvent) => void,
    private readonly hooks: { onAnsiblePid(pid: number): void; onTaskStarted(): void } = { onAnsiblePid: () => {}, onTaskStarted: () => {} },
  ) {}

  private at(t: number): string {
    return new Date(t * 1000).toISOString();
  }

  private text(value: string | null): string | null {
    return value === null ? null : this.redactor.redact(value);
  }

  reduce(e: CallbackEvent, logLine: number): void {
    if (this.lastSeq >= 0 && e.seq !== this.lastSeq + 1) this.gaps += 1;
    this.lastSeq = e.seq;
    const base = { at: this.at(e.t), runId: this.runId, phase: this.phase };
    switch (e.event) {
      case 'playbook_start':
        this.ansiblePid = e.pid;
        this.hooks.onAnsiblePid(e.pid);
        return;
      case 'play_start':
        this.play = e.name;
        this.playIndex += 1;
        this.emit({ ...base, type: 'play_started', play: e.name, index: this.playIndex, total: null });
        return;
      case 'task_start':
        this.taskIndex += 1;
        this.taskStarts.set(e.uuid, e.t);
        this.hooks.onTaskStarted();
        this.emit({ ...base, type: 'task_started', play: this.play ?? '', task: e.name, role: e.role, handler: e.handler ?? false, index: this.taskIndex, expected: this.expectedTasks });
        return;
      case 'result': {
        const status: ResultStatus = e.status;
        if (status !== 'ignored') this.counts[status] += 1;
        const started = this.taskStarts.get(e.task_uuid) ?? e.t;
        const message = this.text(e.msg);
        const stderrTail = this.text(e.stderr_tail);
        this.emit({ ...base, type: 'task_result', task: e.task, host: e.host, status, durationMs: Math.max(0, Math.round((e.t - started) * 1000)), message, stderrTail });
        if (status === 'failed' || status === 'unreachable') {
          this.lastFailure = { play: this.play, task: e.task, host: e.host, message: message ?? `${status} (rc ${e.rc ?? 'unknown'})`, stderrTail };
          this.failureLogLine = logLine;
        }
        return;
      }
      case 'retry':
        this.emit({ ...base, type: 'task_retry', task: e.task, host: e.host, attempt: e.attempt, retries: e.retries, delaySeconds: e.delay ?? 0 });
        return;
      case 'warning':
        this.emit({ at: base.at, runId: this.runId, type: 'notice', level: 'warning', message: this.redactor.redact(e.msg) });
        return;
      case 'stopping':
        this.stopping = true;
        this.emit({ at: base.at, runId: this.runId, type: 'notice', level: 'info', message: 'stopping before the next task, as asked' });
        return;
      default:
        return;
    }
  }
}

/** Child output → timestamped, redacted log lines; only the last TAIL_LINES stay in memory. */
export class RedactedLog {
  readonly tail: string[] = [];
  lines = 0;
  constructor(
    private readonly log: LineAppender,
    private readonly redactor: Redactor,
    private readonly now: () => Date,
  ) {}
  write(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const stamp = this.now().toISOString();
    for (const line of lines) {
      const clean = this.redactor.redact(line);
      this.lines = this.log.append(`${stamp} ${clean}`);
      this.tail.push(clean);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
    }
  }
}

export async function runPhaseCommand(run: PhaseRun): Promise<PhaseOutcome> {
  const started = run.now().getTime();
  const rawOutput = path.join(run.runDir, `${run.phase}.out.raw`);
  const rawEvents = path.join(run.runDir, `${run.phase}.ansible.raw.ndjson`);
  const logPath = path.join(run.runDir, `${run.phase}.log`);
  createPrivateFile(rawOutput);
  createPrivateFile(rawEvents);
  const log = new LineAppender(logPath);
  const events = new LineAppender(path.join(run.runDir, `${run.phase}.ansible.ndjson`));
  const outputTail = new FileTail(rawOutput);
  const eventTail = new FileTail(rawEvents);
  let logLine = 0;
  log.append(`${run.now().toISOString()} ciab: ${[run.command, ...run.args].map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  logLine += 1;

  const reducer = new CallbackReducer(run.phase, run.runId, run.expectedTasks, run.redactor, (e) => run.sink.emit(e), {
    onAnsiblePid: run.onAnsiblePid,
    onTaskStarted: run.onTaskStarted,
  });

  const output = new RedactedLog(log, run.redactor, run.now);
  const drainOutput = (lines: string[]) => {
    output.write(lines);
    logLine = Math.max(logLine, output.lines);
  };
  const drainEvents = (lines: string[]) => {
    for (const line of lines) {
      if (line.length === 0) continue;
      events.append(run.redactor.redact(line));
      const event = parseCallbackLine(line);
      if (event) reducer.reduce(event, logLine);
    }
  };
  // In batches of about 1 MiB, so a burst of output never sits in memory whole.
  const drain = (final: boolean) => {
    for (let batch = outputTail.readLines(); batch.length > 0; batch = outputTail.readLines()) drainOutput(batch);
    for (let batch = eventTail.readLines(); batch.length > 0; batch = eventTail.readLines()) drainEvents(batch);
    if (final) {
      drainOutput(outputTail.flush());
      drainEvents(eventTail.flush());
    }
  };

  const child = spawnDetached(run.command, run.args, {
    cwd: run.runDir,
    env: { ...run.env, CIAB_EVENT_FILE: rawEvents },
    outputFile: rawOutput,
  });
  if (child.pid > 0) run.onChild(child.pid);
  let exited: { code: number; signal: NodeJS.Signals | null } | null = null;
  void child.exited.then((r) => {
    exited = r;
  });
  while (exited === null) {
    drain(false);
    await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, run.pollMs))]);
  }
  drain(true);
  const result = exited as { code: number; signal: NodeJS.Signals | null };
  log.append(`${run.now().toISOString()} ciab: exit ${result.code}${result.signal ? ` (${result.signal})` : ''}`);
  log.close();
  events.close();
  removeFile(rawOutput);
  removeFile(rawEvents);

  const status: PhaseStatus =
    result.code === 0 ? 'done' : run.aborting() ? 'aborted' : reducer.stopping || result.code === 99 ? 'stopped' : 'failed';
  let failure: PhaseFailure | null = null;
  if (status === 'failed') {
    const tail = output.tail.filter((l) => l.trim() !== '').slice(-10).join('\n') || null;
    failure = reducer.lastFailure
      ? { ...reducer.lastFailure, stderrTail: reducer.lastFailure.stderrTail ?? tail, logLine: reducer.failureLogLine }
      : {
          play: reducer.play,
          task: null,
          host: null,
          message: result.code === 127 ? `${run.command}: command not found` : `${path.basename(run.command)} exited with ${result.code}`,
          stderrTail: tail,
          logLine,
        };
  }
  return { status, exitCode: result.code, durationMs: run.now().getTime() - started, counts: reducer.counts, failure, logPath };
}
