// The state a reporter shows, folded from installer events. Pure: the same events give the same view, so a
// replayed events.ndjson rebuilds exactly what a live run showed.
import type { Failure, InstallerEvent, RunStatus, SkipReason, TaskCounts, TaskStatus } from '../../model/events.js';

export type PhaseState = 'pending' | 'running' | 'done' | 'failed' | 'stopped' | 'aborted' | 'skipped';

export interface PhaseView {
  id: string;
  title: string;
  estimateSeconds: number;
  state: PhaseState;
  durationMs: number | null;
  skipReason: SkipReason | null;
  expectedTasks: number | null;
}

export interface RecentTask {
  task: string;
  host: string;
  status: TaskStatus;
  durationMs: number;
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
  recent: RecentTask[];
  notices: { level: 'info' | 'warning'; message: string }[];
  cancel: 'stop' | 'abort' | null;
  finished: { status: RunStatus; durationMs: number; changedMachine: boolean; failure: Failure | null } | null;
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
    recent: [],
    notices: [],
    cancel: null,
    finished: null,
  };
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
    case 'run_started':
      return {
        ...next,
        action: event.action,
        runDir: event.runDir,
        startedAt: at,
        phases: event.phases.map((phase) => ({ ...phase, state: 'pending', durationMs: null, skipReason: null, expectedTasks: null })),
      };
    case 'phase_started':
      return {
        ...next,
        currentPhase: event.phase,
        play: null,
        task: null,
        retry: null,
        waiting: null,
        recent: [],
        phases: updatePhase(view, event.phase, { title: event.title, state: 'running', estimateSeconds: event.estimateSeconds, expectedTasks: event.expectedTasks }),
      };
    case 'phase_skipped':
      return { ...next, phases: updatePhase(view, event.phase, { state: 'skipped', skipReason: event.reason }) };
    case 'phase_finished':
      return {
        ...next,
        task: null,
        retry: null,
        waiting: null,
        phases: updatePhase(view, event.phase, { state: event.status, durationMs: event.durationMs }),
      };
    case 'play_started':
      return { ...next, play: { name: event.play, index: event.index, total: event.total } };
    case 'task_started':
      return {
        ...next,
        task: { name: event.task, role: event.role, index: event.index, expected: event.expected, handler: event.handler },
        retry: null,
        waiting: null,
      };
    case 'task_result': {
      const recent = [...view.recent, { task: event.task, host: event.host, status: event.status, durationMs: event.durationMs }].slice(-RECENT_TASKS);
      return { ...next, counts: countResult(view.counts, event.status), recent, retry: view.retry?.task === event.task ? null : view.retry };
    }
    case 'task_retry':
      return { ...next, retry: { task: event.task, host: event.host, attempt: event.attempt, retries: event.retries, delaySeconds: event.delaySeconds } };
    case 'progress':
      return { ...next, percent: Math.max(view.percent, event.percent), eta: event.eta, waiting: event.waiting };
    case 'cancel_requested':
      return { ...next, cancel: view.cancel === 'abort' ? 'abort' : event.mode };
    case 'notice':
      return { ...next, notices: [...view.notices, { level: event.level, message: event.message }].slice(-KEPT_NOTICES) };
    case 'run_finished':
      return {
        ...next,
        task: null,
        retry: null,
        waiting: null,
        eta: null,
        percent: event.status === 'succeeded' ? 100 : view.percent,
        finished: { status: event.status, durationMs: event.durationMs, changedMachine: event.changedMachine, failure: event.failure },
      };
  }
}

/** The title a phase id was announced with, or the id itself. */
export function phaseTitle(view: RunView, id: string): string {
  return view.phases.find((phase) => phase.id === id)?.title ?? id;
}
