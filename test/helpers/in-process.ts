// Run the CLI inside the test process, the way main does, but over an Env with injected streams, a recorded
// host and its own folders: no process start per case, and the host is a fixture that is never touched.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli.js';
import { createEnv, systemClock } from '../../src/env/index.js';
import { createTerminal } from '../../src/env/terminal.js';
import type { Env, HostReader, SignalName, Signals } from '../../src/env/types.js';
import { createFixtureHost, loadHostFixture } from '../fakes/fixture-host.js';
import { fixtureRsaKeys } from './random.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Signals that only the test raises. */
export function createTestSignals(): Signals & { raise(name: SignalName): number } {
  const handlers = new Map<SignalName, Set<(name: SignalName) => void>>();
  return {
    on(name, handler) {
      const set = handlers.get(name) ?? new Set();
      set.add(handler);
      handlers.set(name, set);
      return () => set.delete(handler);
    },
    raise(name) {
      const set = [...(handlers.get(name) ?? [])];
      for (const handler of set) handler(name);
      return set.length;
    },
  };
}

export interface InProcessOptions {
  /** A recorded host from test/fixtures/hosts (default laptop), or a HostReader of your own. */
  host?: string | HostReader;
  vars?: Record<string, string | undefined>;
  /** The working folder (default: a fresh temp folder). */
  cwd?: string;
  /** What stdin holds (not a TTY). */
  input?: string;
}

/** Build the Env a test runs the CLI over: real files and processes, everything else injected. */
export function createTestEnv(options: InProcessOptions = {}): Env & { output(): { stdout: string; stderr: string } } {
  const real = createEnv();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const vars = { NO_COLOR: '1', ...options.vars };
  // Off-script reads still fail; which recorded parts are read depends on the command and its flags.
  const host = typeof options.host === 'object' ? options.host : createFixtureHost(loadHostFixture(options.host ?? 'laptop'), {}, { requireAllRead: false });
  return {
    ...real,
    host,
    clock: systemClock,
    terminal: createTerminal({ stdin, stdout, stderr }, vars),
    signals: createTestSignals(),
    vars,
    cwd: options.cwd ?? mkdtempSync(path.join(tmpdir(), `ciab-inproc-${process.pid}-`)),
    rsaKeys: fixtureRsaKeys,
    output: () => ({ stdout: out, stderr: err }),
  };
}

/** `ciab ARGS` in this process; resolves with the exit code and what it printed. */
export async function runCiabInProcess(args: string[], options: InProcessOptions | Env = {}): Promise<InProcessResult> {
  const env = 'terminal' in options ? options : createTestEnv(options);
  const code = await runCli(['node', 'ciab', ...args], env);
  // Let the PassThroughs deliver what was written (they emit 'data' on the next tick).
  await new Promise((resolve) => setImmediate(resolve));
  const output = 'output' in env && typeof env.output === 'function' ? (env.output as () => { stdout: string; stderr: string })() : { stdout: '', stderr: '' };
  return { code, ...output };
}
