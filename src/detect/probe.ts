// A command whose output is a fact. A probe that fails (not there, timed out, killed, or a non-zero exit with
// no output at all) gives no answer: the caller then reports the fact as unknown with a note, never as a
// definite "no". A timeout is retried once with a longer limit, because under load it is the usual failure.
import type { CommandResult, HostReader } from '../env/types.js';

export type Probe = { answered: true; result: CommandResult } | { answered: false; why: string; result: CommandResult };

const RETRY_FACTOR = 3;

/** Why a run gave no answer, or null when it did. */
export function probeFailure(command: string, result: CommandResult, timeoutMs: number): string | null {
  if (result.notFound) return `${command} is not available`;
  if (result.timedOut) return `${command} timed out after ${timeoutMs} ms`;
  if (result.exitCode < 0) return `${command} was killed or could not be started`;
  if (result.exitCode !== 0 && result.stdout.trim() === '' && result.stderr.trim() === '') return `${command} exited ${result.exitCode} without output`;
  return null;
}

export async function runProbe(reader: HostReader, command: string, args: readonly string[], timeoutMs: number): Promise<Probe> {
  let result = await reader.run(command, args, { timeoutMs });
  let limit = timeoutMs;
  if (result.timedOut) {
    limit = timeoutMs * RETRY_FACTOR;
    result = await reader.run(command, args, { timeoutMs: limit });
  }
  const why = probeFailure(command, result, limit);
  return why === null ? { answered: true, result } : { answered: false, why, result };
}
