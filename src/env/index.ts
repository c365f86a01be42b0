// createEnv: the one Env of this process, built in main and passed down. Nothing else reads process.env,
// process.cwd() or the process's streams.
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { createHostReader } from './host.js';
import { createLocalFiles } from './local-files.js';
import { createProcesses } from './processes.js';
import { createRsaKeyGenerator } from './rsa-keys.js';
import { createProcessSignals, createTerminal } from './terminal.js';
import type { Clock, Env } from './types.js';

/** The project folder (holds profiles/, templates/, ansible/), found from this file's place in dist/. */
export const PROJECT_ROOT = path.join(import.meta.dirname, '..', '..');

export const systemClock: Clock = {
  now: () => new Date(),
  monotonicMs: () => performance.now(),
  sleep: (ms, signal) => delay(ms, undefined, { signal }).catch((error: unknown) => (signal?.aborted ? undefined : Promise.reject(error))),
};

/**
 * A reader that went away (`ciab plan | head`, a terminal lost with its ssh connection) is not an error of ciab's:
 * writes fail with EPIPE or EIO, what is left to print is dropped, and the command goes on to its end (an install
 * keeps running; its log and state have everything). Without a listener node throws the error, with a stack trace.
 */
const ignoring = new WeakSet<NodeJS.WriteStream>();
export function ignoreClosedReader(stream: NodeJS.WriteStream): void {
  if (ignoring.has(stream)) return; // once per stream: tests build many Envs in one process
  ignoring.add(stream);
  stream.on('error', () => {});
}

export function createEnv(): Env {
  ignoreClosedReader(process.stdout);
  ignoreClosedReader(process.stderr);
  const vars: Readonly<Record<string, string | undefined>> = { ...process.env };
  return {
    host: createHostReader(vars),
    files: createLocalFiles(),
    processes: createProcesses(vars),
    clock: systemClock,
    terminal: createTerminal({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }, vars),
    signals: createProcessSignals(),
    vars,
    cwd: process.cwd(),
    projectRoot: PROJECT_ROOT,
    rsaKeys: () => createRsaKeyGenerator(),
  };
}

export type * from './types.js';
