// state.json: what the run engine has done on this machine. Written atomically after each phase; read to resume.
import { z } from 'zod';

export const STATE_VERSION = 1;

export const PhaseRecord = z.object({
  status: z.enum(['running', 'done', 'failed', 'stopped', 'aborted']),
  /** What the phase depended on when it last ran (rendered configuration and answers). */
  inputHash: z.string(),
  /** The digest of each input file then, to say which changed when the phase runs again (older files have none). */
  inputFiles: z.record(z.string(), z.string()).optional(),
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  exitCode: z.number().nullable(),
  /** kolla's action for this phase when it ran (deploy or reconfigure). */
  command: z.string().nullable(),
});
export type PhaseRecord = z.infer<typeof PhaseRecord>;

export const RunState = z.object({
  version: z.literal(STATE_VERSION),
  /** The run that last wrote this file. */
  runId: z.string().nullable(),
  lastRun: z
    .object({ runId: z.string(), action: z.string(), status: z.string(), runDir: z.string(), startedAt: z.string(), finishedAt: z.string().nullable() })
    .nullable(),
  phases: z.record(z.string(), PhaseRecord),
  /** Seconds each phase took on this host, newest last (at most 10): the ETA's calibration. */
  history: z.record(z.string(), z.array(z.number())),
  /** Seconds each play took on this host, by phase and play name, newest last (at most 10); older files have none. */
  playHistory: z.record(z.string(), z.record(z.string(), z.array(z.number()))).default({}),
});
export type RunState = z.infer<typeof RunState>;

export function emptyState(): RunState {
  return { version: STATE_VERSION, runId: null, lastRun: null, phases: {}, history: {}, playHistory: {} };
}

/** What `ciab status` reports. */
export type Health = 'healthy' | 'unhealthy' | 'unknown';

export interface StatusReport {
  installed: boolean;
  configDir: string;
  configured: boolean;
  lastRun: { runId: string; action: string; status: string; runDir: string; startedAt: string; finishedAt: string | null } | null;
  phases: Array<{ id: string; status: string; finishedAt: string | null; durationMs: number | null; command: string | null }>;
  running: { pid: number; action: string; startedAt: string; runDir: string; orphan: boolean } | null;
  containers: { health: Health; running: number | null; unhealthy: string[]; note: string | null } | null;
  endpoints: Array<{ name: string; address: string; health: Health; note: string | null }> | null;
}

