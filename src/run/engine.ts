// The run engine: take the lock, open a run folder, run the phases that are not done (or whose inputs changed)
// within --from/--until, record each in state.json atomically, and turn Ctrl-C into a safe stop or an abort.
import path from 'node:path';
import { acquireLock, LockedError, type Lock } from '../env/lock.js';
import { LockHeldError } from '../model/errors.js';
import { processTree, sendSignal } from '../env/proc.js';
import { createRunDir, FileTail, LineAppender, listFilesRecursive, nextRunDir, pathExists, removeFile, writeFileAtomic } from '../env/run-files.js';
import type { DeploymentPlan, PhaseId } from '../model/plan.js';
import type { EventSink, InstallerEvent, Failure as RunFailure } from '../model/events.js';
import type { RunState } from '../model/run-state.js';
import { matchKnownError } from './known-errors.js';
import type { RunPaths } from './paths.js';
import { runPhaseCommand, type PhaseOutcome } from './phase-runner.js';
import { readCloudResult } from './cloud-result.js';
import { CLOUD_PHASE_IDS, cloudPhaseOptions, DESTROY_PHASES, RUN_PHASES, type CloudPhaseOptions, type PhaseInputs, type RunPhase } from './phases.js';
import { phaseWeight, readCalibration, type Calibration } from './calibration.js';
import { ProgressTracker, type PlayTiming } from './progress.js';
import { createRedactor, type Redactor } from './redact.js';
import { changedInputs, hashDigests, hashInputs, inputDigests, loadState, readConfigTree, saveState } from './state.js';

export type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export interface EngineOptions {
  action?: 'install' | 'destroy';
  plan: DeploymentPlan;
  paths: RunPaths;
  projectRoot: string;
  /** kolla-ansible to run (the venv's, or CIAB_KOLLA_ANSIBLE). */
  kollaAnsible: string;
  /** ansible-playbook for the project's own playbooks. */
  ansiblePlaybook: string;
  callbackDir: string;
  from?: PhaseId;
  until?: PhaseId;
  confirmedWipe: string[];
  stopServices: string[];
  skipChecks: string[];
  secrets: string[];
  sink: EventSink;
  /** The command that resumes this install, shown on failure. */
  resumeCommand: string;
  onSignal(signal: SignalName, handler: () => void): () => void;
  now(): Date;
  vars: Readonly<Record<string, string | undefined>>;
  pollMs?: number;
  /** Seconds between the abort's SIGINT, SIGTERM and SIGKILL (default 10). */
  abortGraceMs?: number;
  /** How long a SIGTERM's safe stop may take before it becomes an abort (default 30 s). */
  termGraceMs?: number;
  /** The calibration table (default: profiles/calibration/<kolla version>.json; null: the plan's estimates only). */
  calibration?: Calibration | null;
  /** How the cloud phases run (default: from vars, see cloudPhaseOptions). */
  cloud?: CloudPhaseOptions;
}

export interface RunOutcome {
  status: 'succeeded' | 'failed' | 'stopped' | 'aborted';
  runId: string;
  runDir: string;
  failure: RunFailure | null;
}

export function phasesFor(plan: DeploymentPlan, catalogue: readonly RunPhase[] = RUN_PHASES): RunPhase[] {
  return catalogue.filter((p) => p.applies(plan));
}

/** Where the run starts and stops, checked against the plan's phases; bad names are the user's error. */
export function selectPhases(plan: DeploymentPlan, from?: string, until?: string, catalogue: readonly RunPhase[] = RUN_PHASES): { all: RunPhase[]; inRange: Set<string> } {
  const all = phasesFor(plan, catalogue);
  const ids = all.map((p) => p.id as string);
  const index = (flag: string, id: string | undefined, fallback: number) => {
    if (id === undefined) return fallback;
    const i = ids.indexOf(id);
    if (i < 0) throw new RangeError(`${flag} ${id}: not a phase of this plan (phases: ${ids.join(', ')})`);
    return i;
  };
  const start = index('--from', from, 0);
  const end = index('--until', until, ids.length - 1);
  if (start > end) throw new RangeError(`--from ${from} comes after --until ${until}`);
  return { all, inRange: new Set(ids.slice(start, end + 1)) };
}

export async function runInstall(o: EngineOptions): Promise<RunOutcome> {
  const now = () => o.now();
  const action = o.action ?? 'install';
  const cloud = o.cloud ?? cloudPhaseOptions(action === 'install' ? o.vars : {});
  const noCloud = (id: string) => cloud.skip && CLOUD_PHASE_IDS.includes(id);
  const { all, inRange } = selectPhases(o.plan, o.from, o.until, action === 'destroy' ? DESTROY_PHASES : RUN_PHASES);
  let state: RunState = loadState(o.paths.stateFile);
  const tree = readConfigTree(o.paths.configDir);
  const { runId, runDir } = nextRunDir(o.paths.runsDir, action, now());
  const lock = takeLock(o.paths.lockFile, action, runDir, now());
  try {
    createRunDir(o.paths.runsDir, runId);
  } catch (error) {
    lock.release();
    throw error;
  }
  const eventLog = new LineAppender(path.join(runDir, 'events.ndjson'));
  let tracker: ProgressTracker | null = null;
  const emit = (event: InstallerEvent) => {
    eventLog.append(JSON.stringify(event));
    tracker?.observe(event);
    o.sink.emit(event);
  };
  const at = () => now().toISOString();
  const stopFile = path.join(runDir, 'stop-request');
  const control = { stop: false, abort: false, childPid: null as number | null, ansiblePid: null as number | null, timers: [] as NodeJS.Timeout[] };
  const graceMs = o.abortGraceMs ?? 10_000;

  const requestStop = (source: string) => {
    if (control.stop) return;
    control.stop = true;
    writeFileAtomic(stopFile, `${source} ${at()}\n`);
    emit({ type: 'cancel_requested', at: at(), runId, mode: 'stop', source });
  };
  const requestAbort = (source: string) => {
    if (control.abort) return;
    control.abort = true;
    emit({ type: 'cancel_requested', at: at(), runId, mode: 'abort', source });
    // Signal ansible-playbook itself (kolla-ansible would SIGKILL it and orphan its workers), then escalate.
    const target = control.ansiblePid ?? control.childPid;
    const tree = control.childPid ? processTree(control.childPid) : [];
    if (target) sendSignal(target, 'SIGINT');
    control.timers.push(
      setTimeout(() => {
        if (target) sendSignal(target, 'SIGTERM');
      }, graceMs),
      setTimeout(() => {
        if (control.childPid) sendSignal(-control.childPid, 'SIGKILL');
        // Workers call setsid: their own groups, found through ppid before anything died.
        for (const pid of new Set([...tree, ...(control.childPid ? processTree(control.childPid) : [])])) {
          sendSignal(-pid, 'SIGKILL');
          sendSignal(pid, 'SIGKILL');
        }
      }, 2 * graceMs),
    );
  };
  const unsubscribe = [
    o.onSignal('SIGINT', () => (control.stop ? requestAbort('SIGINT') : requestStop('SIGINT'))),
    o.onSignal('SIGTERM', () => {
      if (control.stop) return requestAbort('SIGTERM');
      requestStop('SIGTERM');
      control.timers.push(setTimeout(() => requestAbort('SIGTERM grace'), o.termGraceMs ?? 30_000));
    }),
    // An ssh drop: the child runs in its own session and writes to files; keep going.
    o.onSignal('SIGHUP', () => {}),
  ];

  const started = now().getTime();
  const redactor = createRedactor(o.secrets);
  const inputs: PhaseInputs = {
    plan: o.plan,
    configDir: o.paths.configDir,
    kollaVenv: o.paths.kollaVenv,
    stateDir: path.dirname(o.paths.stateFile),
    confirmedWipe: o.confirmedWipe,
    stopServices: o.stopServices,
    skipChecks: o.skipChecks,
    cloud,
  };
  const planPhase = (id: string) => {
    const fromPlan = o.plan.phases.find((p) => p.id === id);
    if (fromPlan) return fromPlan;
    const own = all.find((p) => p.id === id);
    return own ? { title: own.title ?? id, estimateMinutes: own.estimateMinutes ?? 1, tasks: null } : undefined;
  };
  let calibration: Calibration | null;
  try {
    calibration = o.calibration !== undefined ? o.calibration : readCalibration(o.projectRoot);
  } catch (error) {
    for (const off of unsubscribe) off();
    eventLog.close();
    lock.release();
    throw error;
  }
  // Weights in seconds: this host's history first, then the calibration table, then the plan's estimate.
  const weightOf = (id: string) =>
    phaseWeight(id, {
      calibration,
      services: o.plan.services,
      history: state.history[id],
      playHistory: state.playHistory[id],
      estimateSeconds: (planPhase(id)?.estimateMinutes ?? 1) * 60,
      estimateTasks: planPhase(id)?.tasks ?? null,
    });
  const weights = new Map(all.map((p) => [p.id as string, weightOf(p.id)]));
  const estimate = (id: string) => Math.round(weights.get(id)?.seconds ?? 60);
  const expectedTasks = (id: string) => weights.get(id)?.tasks ?? null;
  const toRun = all.filter((p) => inRange.has(p.id) && !noCloud(p.id) && !p.isDone(state.phases[p.id], hashInputs(tree, p.dependsOn)));
  tracker = new ProgressTracker(
    toRun.map((p) => weights.get(p.id)!),
    started,
  );
  const timingsFile = path.join(runDir, 'timings.json');
  const runTimings: Record<string, { status: string; seconds: number; plays: Array<Omit<PlayTiming, 'phase'>> }> = {};
  const record = (patch: (s: RunState) => RunState) => {
    state = patch(state);
    saveState(o.paths.stateFile, state);
  };
  try {
    // A ciab killed with SIGKILL leaves its raw (unredacted) output behind: redact it into the logs now.
    recoverRawFiles(o.paths.runsDir, redactor);
    // Destroying starts to undo the install at once: nothing of it may be skipped as done afterwards.
    record((s) => ({ ...s, runId, phases: action === 'destroy' ? {} : s.phases, lastRun: { runId, action, status: 'running', runDir, startedAt: new Date(started).toISOString(), finishedAt: null } }));
  } catch (error) {
    for (const off of unsubscribe) off();
    eventLog.close();
    lock.release();
    throw error;
  }

  emit({ type: 'run_started', at: at(), runId, action, phases: all.map((p) => ({ id: p.id, title: planPhase(p.id)?.title ?? p.id, estimateSeconds: estimate(p.id) })), runDir });

  // This host's history: each finished play's seconds, in the run folder and (the last 10) in state.json.
  const recordTimings = (phaseId: string, status: string, durationMs: number) => {
    const plays = tracker!.plays.filter((p) => p.phase === phaseId).map(({ play, seconds, tasks }) => ({ play, seconds: Math.round(seconds * 10) / 10, tasks }));
    runTimings[phaseId] = { status, seconds: Math.round(durationMs / 100) / 10, plays };
    writeFileAtomic(timingsFile, `${JSON.stringify({ runId, phases: runTimings }, null, 2)}\n`);
    if (plays.length === 0) return;
    record((s) => {
      const kept = { ...(s.playHistory[phaseId] ?? {}) };
      for (const p of plays) kept[p.play] = [...(kept[p.play] ?? []), p.seconds].slice(-10);
      return { ...s, playHistory: { ...s.playHistory, [phaseId]: kept } };
    });
  };

  let lastProgress = 0;
  let currentPhase: string | null = null;
  const emitProgress = (force = false) => {
    const t = now().getTime();
    if (!currentPhase || (!force && t - lastProgress < 1000)) return;
    lastProgress = t;
    const snap = tracker!.snapshot(t);
    emit({ type: 'progress', at: at(), runId, phase: currentPhase, percent: snap.percent, eta: snap.eta, waiting: snap.waiting });
  };
  const heartbeat = setInterval(() => emitProgress(), 1000);

  let outcome: RunOutcome = { status: 'succeeded', runId, runDir, failure: null };
  let changedMachine = false;
  const baseEnv = childEnv(o, stopFile);
  try {
    for (const phase of all) {
      const inputFiles = inputDigests(tree, phase.dependsOn);
      const hash = hashDigests(inputFiles);
      const previous = state.phases[phase.id];
      if (!inRange.has(phase.id)) {
        emit({ type: 'phase_skipped', at: at(), runId, phase: phase.id, reason: 'outside-range' });
        continue;
      }
      if (noCloud(phase.id)) {
        emit({ type: 'phase_skipped', at: at(), runId, phase: phase.id, reason: 'no-cloud' });
        continue;
      }
      if (phase.isDone(previous, hash)) {
        emit({ type: 'phase_skipped', at: at(), runId, phase: phase.id, reason: 'done-earlier' });
        continue;
      }
      if (control.stop || control.abort) {
        outcome = { ...outcome, status: control.abort ? 'aborted' : 'stopped' };
        break;
      }
      if (previous?.status === 'done' && previous.inputFiles) {
        // Done once, running again: say why, so a re-run that should have been a skip is visible at once.
        const changed = changedInputs(previous.inputFiles, inputFiles);
        if (changed.length > 0) emit({ type: 'notice', at: at(), runId, level: 'info', message: `${phase.id} runs again: changed since it ran: ${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ` and ${changed.length - 5} more` : ''}` });
      }
      const command = phase.command(inputs, previous);
      const program = command.kind === 'kolla' ? o.kollaAnsible : o.ansiblePlaybook;
      const args = command.kind === 'kolla' ? command.args : ['-i', 'localhost,', '-c', 'local', path.join(o.projectRoot, command.action), ...command.args];
      const title = planPhase(phase.id)?.title ?? phase.id;
      const phaseStarted = now();
      currentPhase = phase.id;
      record((s) => ({
        ...s,
        phases: { ...s.phases, [phase.id]: { status: 'running', inputHash: hash, inputFiles, runId, startedAt: phaseStarted.toISOString(), finishedAt: null, durationMs: null, exitCode: null, command: command.kind === 'kolla' ? command.action : 'ansible-playbook' } },
      }));
      emit({ type: 'phase_started', at: at(), runId, phase: phase.id, title, estimateSeconds: estimate(phase.id), expectedTasks: expectedTasks(phase.id) });
      emitProgress(true);
      const result: PhaseOutcome = await runPhaseCommand({
        phase: phase.id,
        runId,
        runDir,
        command: program,
        args,
        env: baseEnv,
        expectedTasks: expectedTasks(phase.id),
        redactor,
        sink: { emit },
        now,
        pollMs: o.pollMs ?? 200,
        onChild: (pid) => {
          control.childPid = pid;
          lock.setChild(pid);
          if (control.abort) sendSignal(pid, 'SIGINT');
        },
        onAnsiblePid: (pid) => {
          control.ansiblePid = pid;
        },
        onTaskStarted: () => emitProgress(),
        aborting: () => control.abort,
      });
      control.childPid = null;
      control.ansiblePid = null;
      lock.setChild(null);
      changedMachine = changedMachine || result.counts.changed > 0;
      const finishedAt = now();
      record((s) => ({
        ...s,
        phases: { ...s.phases, [phase.id]: { ...s.phases[phase.id]!, status: result.status, finishedAt: finishedAt.toISOString(), durationMs: result.durationMs, exitCode: result.exitCode } },
        history: result.status === 'done' ? { ...s.history, [phase.id]: [...(s.history[phase.id] ?? []), result.durationMs / 1000].slice(-10) } : s.history,
      }));
      emit({ type: 'phase_finished', at: at(), runId, phase: phase.id, status: result.status, durationMs: result.durationMs, counts: result.counts });
      recordTimings(phase.id, result.status, result.durationMs);
      emitProgress(true);
      if (result.status === 'done') continue;
      if (result.status === 'failed' && result.failure) {
        const f = result.failure;
        outcome = {
          ...outcome,
          status: 'failed',
          failure: {
            phase: phase.id,
            play: f.play,
            task: f.task,
            host: f.host,
            message: f.message,
            stderrTail: f.stderrTail,
            hint: matchKnownError({ phase: phase.id, task: f.task, message: f.message, stderrTail: f.stderrTail }),
            logPath: result.logPath,
            logLine: f.logLine,
            resumeCommand: o.resumeCommand,
          },
        };
      } else {
        outcome = { ...outcome, status: result.status === 'aborted' ? 'aborted' : 'stopped' };
      }
      break;
    }
  } finally {
    clearInterval(heartbeat);
    for (const t of control.timers) clearTimeout(t);
    for (const off of unsubscribe) off();
    if (pathExists(stopFile)) removeFile(stopFile);
    record((s) => ({
      ...s,
      // A finished destroy leaves nothing installed: every phase runs again on the next install.
      phases: action === 'destroy' && outcome.status === 'succeeded' ? {} : s.phases,
      lastRun: { ...s.lastRun!, status: outcome.status, finishedAt: now().toISOString() },
    }));
    // The cloud's result once the cloud phases are in the plan's range and the run got that far.
    const reachedCloud = action === 'install' && [...inRange].some((id) => CLOUD_PHASE_IDS.includes(id)) && (outcome.status === 'succeeded' || CLOUD_PHASE_IDS.includes(outcome.failure?.phase ?? ''));
    const cloudResult = reachedCloud ? safeCloudResult(() => readCloudResult({ plan: o.plan, configDir: o.paths.configDir, stateDir: inputs.stateDir, projectRoot: o.projectRoot, state, skipped: cloud.skip, now: now() })) : null;
    emit({ type: 'run_finished', at: at(), runId, status: outcome.status, durationMs: now().getTime() - started, changedMachine, failure: outcome.failure, cloud: cloudResult });
    eventLog.close();
    lock.release();
  }
  return outcome;
}

/** The result screen's cloud data is a courtesy: a file it cannot read must not turn a finished run into a crash. */
function safeCloudResult(read: () => ReturnType<typeof readCloudResult>): ReturnType<typeof readCloudResult> {
  try {
    return read();
  } catch {
    return null;
  }
}

/** The environment of every ansible and kolla command (RUN-ENGINE §5.2). */
function childEnv(o: EngineOptions, stopFile: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.vars)) if (v !== undefined) env[k] = v;
  const proxy = o.plan.proxy;
  if (proxy.http) env.http_proxy = proxy.http;
  if (proxy.https) env.https_proxy = proxy.https;
  if (proxy.no_proxy) env.no_proxy = proxy.no_proxy;
  return {
    ...env,
    // Without it an unparsable inventory makes kolla-ansible warn, run on no hosts and exit 0.
    ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true',
    ANSIBLE_CONFIG: path.join(o.projectRoot, 'ansible', 'ansible.cfg'),
    ANSIBLE_CALLBACK_PLUGINS: o.callbackDir,
    ANSIBLE_CALLBACKS_ENABLED: 'ciab_events',
    ANSIBLE_NOCOLOR: '1',
    CIAB_STOP_FILE: stopFile,
    // kolla-ansible runs `ansible-playbook` from PATH: the venv's own first, or a host without ansible fails with
    // "No such file or directory: 'ansible-playbook'" (found in the VM testbed).
    PATH: [path.join(o.paths.kollaVenv, 'bin'), env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'].join(':'),
    // For ansible/run-playbook.sh: the venv whose ansible-playbook runs the project's playbooks; an install
    // builds it when missing (trusting the extra CA files first), a destroy never does.
    CIAB_KOLLA_VENV: o.paths.kollaVenv,
    CIAB_BOOTSTRAP_VENV: (o.action ?? 'install') === 'install' ? '1' : '0',
    CIAB_EXTRA_CA_FILES: (o.plan.trust?.caCertificates ?? []).join(' '),
    PYTHONUNBUFFERED: '1',
  };
}

/** The lock, or an error naming who holds it and for how long. */
export function takeLock(file: string, action: string, runDir: string, now: Date): Lock {
  try {
    return acquireLock(file, action, runDir, now);
  } catch (error) {
    if (!(error instanceof LockedError)) throw error;
    const h = error.holder.info;
    const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(h.startedAt)) / 1000));
    const who = error.holder.kind === 'running' ? `ciab ${h.action} (pid ${h.pid})` : `the ansible child (pid ${h.childPid}) of an ended ciab ${h.action}`;
    throw new LockHeldError(`${who} has been running for ${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s (since ${h.startedAt}); its run folder: ${h.runDir}`);
  }
}

/** Turn the raw files of runs that ended without cleaning up into redacted logs, and remove them. */
export function recoverRawFiles(runsDir: string, redactor: Redactor): void {
  for (const rel of listFilesRecursive(runsDir)) {
    const match = /^(.*)\.(out\.raw|ansible\.raw\.ndjson)$/.exec(rel);
    if (!match) continue;
    const raw = path.join(runsDir, rel);
    const target = new LineAppender(path.join(runsDir, match[2] === 'out.raw' ? `${match[1]}.log` : `${match[1]}.ansible.ndjson`));
    const tail = new FileTail(raw);
    for (const line of tail.flush()) target.append(match[2] === 'out.raw' ? `(recovered) ${redactor.redact(line)}` : redactor.redact(line));
    target.close();
    removeFile(raw);
  }
}
