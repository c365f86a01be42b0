// InstallerEvent as docs/ARCHITECTURE.md defines it: what the run engine tells reporters. (The `events` branch
// brings the zod schema in src/model/events.ts; these types follow the same table so the two can be unified.)
export type PhaseStatus = 'done' | 'failed' | 'stopped' | 'aborted';
export type ResultStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'ignored';
export type Counts = Record<'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable', number>;

export interface Hint {
  id: string;
  title: string;
  why: string;
  fix: string;
}

export interface RunFailure {
  phase: string;
  play: string | null;
  task: string | null;
  host: string | null;
  message: string;
  stderrTail: string | null;
  hint: Hint | null;
  logPath: string;
  logLine: number | null;
  resumeCommand: string;
}

type Base = { at: string; runId: string };
export type InstallerEvent = Base &
  (
    | { type: 'run_started'; action: 'install' | 'destroy'; phases: Array<{ id: string; title: string; estimateSeconds: number }>; runDir: string }
    | { type: 'phase_started'; phase: string; title: string; estimateSeconds: number; expectedTasks: number | null }
    | { type: 'phase_skipped'; phase: string; reason: string }
    | { type: 'phase_finished'; phase: string; status: PhaseStatus; durationMs: number; counts: Counts }
    | { type: 'play_started'; phase: string; play: string; index: number; total: number | null }
    | { type: 'task_started'; phase: string; play: string; task: string; role: string | null; handler: boolean; index: number; expected: number | null }
    | { type: 'task_result'; phase: string; task: string; host: string; status: ResultStatus; durationMs: number; message: string | null; stderrTail: string | null }
    | { type: 'task_retry'; phase: string; task: string; host: string; attempt: number; retries: number; delaySeconds: number }
    | {
        type: 'progress';
        phase: string;
        percent: number;
        eta: { low: number; high: number } | null;
        waiting: { task: string; seconds: number; retry: { attempt: number; retries: number } | null; usualSeconds: number | null } | null;
      }
    | { type: 'cancel_requested'; mode: 'stop' | 'abort'; source: string }
    | { type: 'notice'; level: 'info' | 'warning'; message: string }
    | { type: 'run_finished'; status: 'succeeded' | 'failed' | 'stopped' | 'aborted'; durationMs: number; changedMachine: boolean; failure: RunFailure | null }
  );

export type InstallerEventType = InstallerEvent['type'];

export interface EventSink {
  emit(event: InstallerEvent): void;
}
