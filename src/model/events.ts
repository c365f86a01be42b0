// The installer's events: what the engine tells the reporters (ink, lines, NDJSON, recording) and what a run
// folder's events.ndjson keeps for reattach. One zod schema per type, so a replayed file is checked at the edge.
// The table these follow is in docs/ARCHITECTURE.md ("Events").
import { z } from 'zod';

const Count = z.number().int().nonnegative();
const Seconds = z.number().nonnegative();
const Text = z.string().min(1);

/** Fields every event carries. */
const base = {
  at: z.iso.datetime({ offset: true }),
  runId: Text,
};

export const PhaseStatus = z.enum(['done', 'failed', 'stopped', 'aborted']);
export const RunStatus = z.enum(['succeeded', 'failed', 'stopped', 'aborted']);
export const TaskStatus = z.enum(['ok', 'changed', 'failed', 'skipped', 'unreachable', 'ignored']);
/**
 * Why a phase did not run: done earlier with the same inputs, outside --from/--until, not in this plan, or no cloud
 * to talk to (the phases that use the cloud's APIs, with CIAB_CLOUD_PHASES=skip: a stand-in kolla-ansible).
 */
export const SkipReason = z.enum(['done-earlier', 'outside-range', 'not-in-plan', 'no-cloud']);

export const TaskCounts = z.strictObject({ ok: Count, changed: Count, failed: Count, skipped: Count, unreachable: Count });

export const Hint = z.strictObject({ id: Text, title: Text, why: Text, fix: Text });

export const Failure = z.strictObject({
  phase: Text,
  // A phase can fail outside ansible (a command before the first play), so these may be unknown.
  play: Text.nullable(),
  task: Text.nullable(),
  host: Text.nullable(),
  message: z.string(),
  stderrTail: z.string().nullable(),
  hint: Hint.nullable(),
  logPath: Text,
  logLine: z.number().int().positive().nullable(),
  resumeCommand: Text,
});

export const RunStarted = z.strictObject({
  type: z.literal('run_started'),
  ...base,
  action: z.enum(['install', 'destroy']),
  phases: z.array(z.strictObject({ id: Text, title: Text, estimateSeconds: Seconds })).min(1),
  runDir: Text,
});

export const PhaseStarted = z.strictObject({
  type: z.literal('phase_started'),
  ...base,
  phase: Text,
  title: Text,
  estimateSeconds: Seconds,
  expectedTasks: Count.nullable(),
});

export const PhaseSkipped = z.strictObject({ type: z.literal('phase_skipped'), ...base, phase: Text, reason: SkipReason });

export const PhaseFinished = z.strictObject({
  type: z.literal('phase_finished'),
  ...base,
  phase: Text,
  status: PhaseStatus,
  durationMs: Count,
  counts: TaskCounts,
});

export const PlayStarted = z.strictObject({
  type: z.literal('play_started'),
  ...base,
  phase: Text,
  play: Text,
  index: z.number().int().positive(),
  total: z.number().int().positive().nullable(),
});

export const TaskStarted = z.strictObject({
  type: z.literal('task_started'),
  ...base,
  phase: Text,
  play: Text,
  task: Text,
  role: Text.nullable(),
  handler: z.boolean(),
  index: z.number().int().positive(),
  /** Estimated tasks in the phase; shown with a tilde. */
  expected: z.number().int().positive().nullable(),
});

export const TaskResult = z.strictObject({
  type: z.literal('task_result'),
  ...base,
  phase: Text,
  task: Text,
  host: Text,
  status: TaskStatus,
  durationMs: Count,
  message: z.string().nullable(),
  stderrTail: z.string().nullable(),
});

export const TaskRetry = z.strictObject({
  type: z.literal('task_retry'),
  ...base,
  phase: Text,
  task: Text,
  host: Text,
  attempt: z.number().int().positive(),
  retries: z.number().int().positive(),
  delaySeconds: Seconds,
});

export const Eta = z.strictObject({ low: Seconds, high: Seconds }).refine((eta) => eta.low <= eta.high, 'eta.low must not exceed eta.high');

export const Waiting = z.strictObject({
  task: Text,
  seconds: Seconds,
  retry: z.strictObject({ attempt: z.number().int().positive(), retries: z.number().int().positive() }).nullable(),
  usualSeconds: Seconds.nullable(),
});

export const Progress = z.strictObject({
  type: z.literal('progress'),
  ...base,
  phase: Text,
  /** Overall, 0–100; never goes back within a run. */
  percent: z.number().min(0).max(100),
  eta: Eta.nullable(),
  waiting: Waiting.nullable(),
});

export const CancelRequested = z.strictObject({
  type: z.literal('cancel_requested'),
  ...base,
  /** stop: after the current task; abort: now. */
  mode: z.enum(['stop', 'abort']),
  source: Text,
});

export const Notice = z.strictObject({ type: z.literal('notice'), ...base, level: z.enum(['info', 'warning']), message: Text });

/** What the finished cloud offers, for the result screen: from the files bootstrap-cloud and verify wrote. */
export const CloudResult = z.strictObject({
  /** The demo project's openrc (0600), once bootstrap-cloud made it. */
  demoCredentials: Text.nullable(),
  /** ssh into the kept test instance, or null (then verify.note says why). */
  ssh: Text.nullable(),
  verify: z.strictObject({ status: z.enum(['passed', 'failed', 'skipped', 'not-run']), note: Text.nullable() }),
  /** The SCS checks on the cloud's flavors and images (scs-0100/0102/0103/0104), null when not read. */
  scs: z
    .strictObject({
      status: z.enum(['passed', 'failed']),
      pass: Count,
      fail: Count,
      warn: Count,
      /** "standard subject" of each failed rule, at most 20. */
      failing: z.array(Text),
    })
    .nullable(),
});

export const RunFinished = z.strictObject({
  type: z.literal('run_finished'),
  ...base,
  status: RunStatus,
  durationMs: Count,
  /** Whether anything on the machine changed: what the screen may say after a stop depends on it. */
  changedMachine: z.boolean(),
  failure: Failure.nullable(),
  /** An install that reached the cloud phases (or skipped them): what the cloud offers. Older event files lack it. */
  cloud: CloudResult.nullable().optional(),
});

export const InstallerEvent = z.discriminatedUnion('type', [
  RunStarted,
  PhaseStarted,
  PhaseSkipped,
  PhaseFinished,
  PlayStarted,
  TaskStarted,
  TaskResult,
  TaskRetry,
  Progress,
  CancelRequested,
  Notice,
  RunFinished,
]);

export type InstallerEvent = z.infer<typeof InstallerEvent>;
export type InstallerEventType = InstallerEvent['type'];
/** One event type by name: EventOf<'task_result'>. */
export type EventOf<T extends InstallerEventType> = Extract<InstallerEvent, { type: T }>;
export type PhaseStatus = z.infer<typeof PhaseStatus>;
export type RunStatus = z.infer<typeof RunStatus>;
export type TaskStatus = z.infer<typeof TaskStatus>;
export type SkipReason = z.infer<typeof SkipReason>;
export type TaskCounts = z.infer<typeof TaskCounts>;
export type Failure = z.infer<typeof Failure>;
export type Hint = z.infer<typeof Hint>;
export type CloudResult = z.infer<typeof CloudResult>;

/** Where events go. Reporters are sinks; the engine emits into one. */
export interface EventSink {
  emit(event: InstallerEvent): void;
}

/** A sink for library use and tests that do not look at events. */
export const discardEvents: EventSink = { emit: () => undefined };

/** A line of an event file that is not an event: names the line (1-based) and what is wrong. */
export class EventLineError extends Error {
  override readonly name = 'EventLineError';
  constructor(
    readonly source: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${source}:${line}: ${reason}`);
  }
}

export interface ParsedEventLines {
  events: InstallerEvent[];
  /** Text after the last newline: a line still being written (or cut by a kill). Feed it back with the next chunk. */
  partial: string;
  /** Number of complete lines read, so the next chunk's line numbers continue from here. */
  lines: number;
}

export interface ParseEventLinesOptions {
  /** Named in errors: a file path, or "events" */
  source?: string;
  /** Complete lines already read before this text (for line numbers across chunks). */
  linesBefore?: number;
}

/**
 * Events from NDJSON text. Blank lines are skipped; the text after the last newline is returned as `partial`
 * rather than parsed, since a writer may be in the middle of it. A bad complete line throws EventLineError
 * naming the line number and the first problem (never the line's content: it may hold command output).
 */
export function parseEventLines(text: string, options: ParseEventLinesOptions = {}): ParsedEventLines {
  const source = options.source ?? 'events';
  const before = options.linesBefore ?? 0;
  const pieces = text.split('\n');
  const partial = pieces.pop() ?? '';
  const events: InstallerEvent[] = [];
  pieces.forEach((raw, offset) => {
    const line = before + offset + 1;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (content.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch {
      throw new EventLineError(source, line, 'not JSON');
    }
    const parsed = InstallerEvent.safeParse(json);
    if (!parsed.success) throw new EventLineError(source, line, describeIssue(parsed.error));
    events.push(parsed.data);
  });
  return { events, partial, lines: before + pieces.length };
}

/** A reader for a growing event file: push chunks as they arrive, get the complete events so far. */
export function createEventLineReader(source = 'events'): { push(chunk: string): InstallerEvent[]; pending(): string } {
  let partial = '';
  let lines = 0;
  return {
    push(chunk) {
      const parsed = parseEventLines(partial + chunk, { source, linesBefore: lines });
      partial = parsed.partial;
      lines = parsed.lines;
      return parsed.events;
    },
    pending: () => partial,
  };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'not an installer event';
  const where = issue.path.map(String).join('.');
  // An unknown key is most often a typo: name the key itself.
  if (issue.code === 'unrecognized_keys') return `${[where, issue.keys.join(', ')].filter((part) => part !== '').join('.')}: unknown key`;
  return `${where === '' ? 'event' : where}: ${issue.message}`;
}
