// The state a reporter shows, folded from installer events. Pure: the same events give the same view, so a
// replayed events.ndjson rebuilds exactly what a live run showed.
import type { CloudResult, Failure, InstallerEvent, RunStatus, SkipReason, TaskCounts, TaskStatus } from '../../model/events.js';

export type PhaseState = 'pending' | 'running' | 'done' | 'failed' | 'stopped' | 'aborted' | 'skipped';

export interface PhaseView {
  id: string;
  title: string;
  estimateSeconds: number;
  state: PhaseState;
  durationMs: number | null;
  /** The contract's SkipReason, or the engine's own words for it. */
  skipReason: string | null;
  expectedTasks: number | null;
}

export interface RecentTask {
  task: string;
  host: string;
  status: TaskStatus;
  durationMs: number;
}

/** One line of the finished-work record (ink's <Static>): printed once, never redrawn. */
export interface HistoryItem {
  key: string;
  kind: 'phase' | 'play' | 'skip' | 'note' | 'run';
  state: PhaseState;
  text: string;
  detail: string;
  durationMs: number | null;
}

/** The latest task that did not go well (failed or ignored): what "d" shows. */
export interface TaskProblem {
  task: string;
  host: string;
  status: TaskStatus;
  message: string | null;
  stderrTail: string | null;
}

export interface RunView {
  runId: string | null;
  action: string;
  runDir: string | null;
  /** Time of the first and the latest event, in ms since the epoch: elapsed time is event time, not wall time. */
  startedAt: number | null;
  now: number | null;
  phases: PhaseView[];
  currentPhase: string | null;
  play: { name: string; index: number; total: number | null } | null;
  task: { name: string; role: string | null; index: number; expected: number | null; handler: boolean } | null;
  retry: { task: string; host: string; attempt: number; retries: number; delaySeconds: number } | null;
  counts: TaskCounts;
  /** Overall percentage: the highest reported, so it never goes back. */
  percent: number;
  eta: { low: number; high: number } | null;
  waiting: { task: string; seconds: number; retry: { attempt: number; retries: number } | null; usualSeconds: number | null } | null;
  /** Event time of the engine's latest progress event: its "waiting" (or none) is the word on the task running then. */
  progressAt: number | null;
  recent: RecentTask[];
  notices: { level: 'info' | 'warning'; message: string }[];
  cancel: 'stop' | 'abort' | null;
  finished: { status: RunStatus; durationMs: number; changedMachine: boolean; failure: Failure | null; cloud: CloudResult | null } | null;
  /** Finished phases and plays, skipped phases, warnings: the <Static> history. Kept across a resume in place. */
  history: HistoryItem[];
  /** Event time the current play and task started (ms since the epoch), and the play's task starts so far. */
  phaseStartedAt: number | null;
  playStartedAt: number | null;
  playTasks: number;
  taskStartedAt: number | null;
  problem: TaskProblem | null;
  /** Runs seen by this view: a resume in place starts a second one. */
  runs: number;
}

export const RECENT_TASKS = 3;
const KEPT_NOTICES = 3;

export function createRunView(): RunView {
  return {
    runId: null,
    action: 'install',
    runDir: null,
    startedAt: null,
    now: null,
    phases: [],
    currentPhase: null,
    play: null,
    task: null,
    retry: null,
    counts: { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0 },
    percent: 0,
    eta: null,
    waiting: null,
    progressAt: null,
    recent: [],
    notices: [],
    cancel: null,
    finished: null,
    history: [],
    phaseStartedAt: null,
    playStartedAt: null,
    playTasks: 0,
    taskStartedAt: null,
    problem: null,
    runs: 0,
  };
}

/** The skip reasons of the zod contract, plus the engine's own wording, as text. */
export function skipReasonText(reason: string): string {
  return (SKIP_REASON_WORDS as Record<string, string>)[reason] ?? reason;
}
const SKIP_REASON_WORDS: Record<SkipReason, string> = {
  'done-earlier': 'done earlier with the same inputs',
  'outside-range': 'outside --from/--until',
  'not-in-plan': 'not in this plan',
  'no-cloud': 'no cloud to talk to (CIAB_CLOUD_PHASES=skip)',
};

function historyItem(view: RunView, item: Omit<HistoryItem, 'key'>): HistoryItem[] {
  return [...view.history, { ...item, key: `${view.history.length}` }];
}

/** The current play, closed into the history (plays with no task, like disabled services, are left out). */
function closePlay(view: RunView, at: number): HistoryItem[] {
  if (view.play === null || view.playStartedAt === null || view.playTasks === 0) return view.history;
  const name = view.play.name.startsWith('Apply role ') ? view.play.name.slice('Apply role '.length) : view.play.name;
  return historyItem(view, { kind: 'play', state: 'done', text: name, detail: `${view.playTasks} task${view.playTasks === 1 ? '' : 's'}`, durationMs: at - view.playStartedAt });
}

function updatePhase(view: RunView, id: string, change: Partial<PhaseView> & { title?: string }): PhaseView[] {
  const known = view.phases.some((phase) => phase.id === id);
  const phases = known
    ? view.phases
    : [...view.phases, { id, title: change.title ?? id, estimateSeconds: 0, state: 'pending' as const, durationMs: null, skipReason: null, expectedTasks: null }];
  return phases.map((phase) => (phase.id === id ? { ...phase, ...change } : phase));
}

/** Counts by ansible's stats words: an ignored failure is not a failure. */
function countResult(counts: TaskCounts, status: TaskStatus): TaskCounts {
  const key = status === 'ignored' ? 'ok' : status;
  return { ...counts, [key]: counts[key] + 1 };
}

export function reduceRunView(view: RunView, event: InstallerEvent): RunView {
  const at = Date.parse(event.at);
  const next: RunView = { ...view, runId: event.runId, now: at, startedAt: view.startedAt ?? at };
  switch (event.type) {
    case 'run_started': {
      // A resume in place starts over, but the record of what was done stays and the percentage never goes back.
      const fresh = createRunView();
      const history = view.runs === 0 ? view.history : historyItem(view, { kind: 'run', state: 'running', text: `resumed · run ${event.runId}`, detail: '', durationMs: null });
      return {
        ...fresh,
        runId: event.runId,
        now: at,
        percent: view.percent,
        history,
        runs: view.runs + 1,
        action: event.action,
        runDir: event.runDir,
        startedAt: at,
        phases: event.phases.map((phase) => ({ ...phase, state: 'pending', durationMs: null, skipReason: null, expectedTasks: null })),
      };
    }
    case 'phase_started':
      return {
        ...next,
        currentPhase: event.phase,
        play: null,
        task: null,
        retry: null,
        waiting: null,
        recent: [],
        history: historyItem(view, { kind: 'phase', state: 'running', text: event.title, detail: 'started', durationMs: null }),
        phaseStartedAt: at,
        playStartedAt: null,
        playTasks: 0,
        taskStartedAt: null,
        phases: updatePhase(view, event.phase, { title: event.title, state: 'running', estimateSeconds: event.estimateSeconds, expectedTasks: event.expectedTasks }),
      };
    case 'phase_skipped': {
      const phases = updatePhase(view, event.phase, { state: 'skipped', skipReason: event.reason });
      const title = phases.find((phase) => phase.id === event.phase)?.title ?? event.phase;
      return { ...next, phases, history: historyItem(view, { kind: 'skip', state: 'skipped', text: title, detail: skipReasonText(event.reason), durationMs: null }) };
    }
    case 'phase_finished': {
      const withPlay = { ...view, history: closePlay(view, at) };
      const title = view.phases.find((phase) => phase.id === event.phase)?.title ?? event.phase;
      const tasks = event.counts.ok + event.counts.changed + event.counts.failed + event.counts.skipped + event.counts.unreachable;
      return {
        ...next,
        task: null,
        retry: null,
        waiting: null,
        play: null,
        playStartedAt: null,
        playTasks: 0,
        taskStartedAt: null,
        history: historyItem(withPlay, { kind: 'phase', state: event.status, text: title, detail: tasks > 0 ? `${tasks} results` : '', durationMs: event.durationMs }),
        phases: updatePhase(view, event.phase, { state: event.status, durationMs: event.durationMs }),
      };
    }
    case 'play_started':
      return { ...next, history: closePlay(view, at), play: { name: event.play, index: event.index, total: event.total }, playStartedAt: at, playTasks: 0 };
    case 'task_started':
      return {
        ...next,
        task: { name: event.task, role: event.role, index: event.index, expected: event.expected, handler: event.handler },
        taskStartedAt: at,
        playTasks: view.playTasks + 1,
        retry: null,
        waiting: null,
      };
    case 'task_result': {
      const recent = [...view.recent, { task: event.task, host: event.host, status: event.status, durationMs: event.durationMs }].slice(-RECENT_TASKS);
      const problem =
        event.status === 'failed' || event.status === 'ignored' || event.status === 'unreachable'
          ? { task: event.task, host: event.host, status: event.status, message: event.message, stderrTail: event.stderrTail }
          : view.problem;
      return { ...next, counts: countResult(view.counts, event.status), recent, problem, retry: view.retry?.task === event.task ? null : view.retry };
    }
    case 'task_retry':
      return { ...next, retry: { task: event.task, host: event.host, attempt: event.attempt, retries: event.retries, delaySeconds: event.delaySeconds } };
    case 'progress':
      return { ...next, percent: Math.max(view.percent, event.percent), eta: event.eta, waiting: event.waiting, progressAt: at };
    case 'cancel_requested':
      return { ...next, cancel: view.cancel === 'abort' ? 'abort' : event.mode };
    case 'notice': {
      const notices = [...view.notices, { level: event.level, message: event.message }].slice(-KEPT_NOTICES);
      // Warnings are part of the record; info notices only show while they are new.
      const history = event.level === 'warning' ? historyItem(view, { kind: 'note', state: 'stopped', text: event.message, detail: '', durationMs: null }) : view.history;
      return { ...next, notices, history };
    }
    case 'run_finished':
      return {
        ...next,
        task: null,
        retry: null,
        waiting: null,
        eta: null,
        taskStartedAt: null,
        history: closePlay(view, at),
        play: null,
        percent: event.status === 'succeeded' ? 100 : view.percent,
        finished: { status: event.status, durationMs: event.durationMs, changedMachine: event.changedMachine, failure: event.failure, cloud: event.cloud ?? null },
      };
  }
}

/** The title a phase id was announced with, or the id itself. */
export function phaseTitle(view: RunView, id: string): string {
  return view.phases.find((phase) => phase.id === id)?.title ?? id;
}

/**
 * What to say instead of a frozen number while one task takes long: the engine's own "waiting" (it knows the
 * task's calibrated time), its seconds ticking on between progress events; a retry at once. Only a stream without
 * the engine's word on this task falls back to a rule of thumb (20 s on one task). Null while tasks move quickly.
 */
export function waitingAt(view: RunView, nowMs: number): RunView['waiting'] {
  if (view.finished !== null || view.task === null || view.taskStartedAt === null) return null;
  const seconds = Math.max(0, (nowMs - view.taskStartedAt) / 1000);
  if (view.waiting !== null && view.waiting.task === view.task.name) return { ...view.waiting, seconds: Math.max(view.waiting.seconds, seconds) };
  const engineSaidNo = view.progressAt !== null && view.progressAt >= view.taskStartedAt;
  if (view.retry === null && (engineSaidNo || seconds < 20)) return null;
  return { task: view.task.name, seconds, retry: view.retry === null ? null : { attempt: view.retry.attempt, retries: view.retry.retries }, usualSeconds: view.retry === null ? null : view.retry.retries * Math.max(1, view.retry.delaySeconds) };
}
