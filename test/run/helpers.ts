// The engine's test rig: a configuration rendered once per test folder (workshop answers, this machine's facts),
// the pinned venv's ansible-playbook, the test callback and mini-kolla (until the project's own land), and
// `ciab install --from kolla-prechecks` so prepare-host never runs on the build machine.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { CIAB, runCiab, type CliResult } from '../helpers/cli.js';
import { seedPasswords } from '../helpers/passwords.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const FIXTURES = path.join(import.meta.dirname, 'fixtures');

let venv: string | null = null;
export function kollaVenv(): string {
  venv ??= execFileSync('bash', [path.join(ROOT, 'scripts', 'kolla-venv.sh')], { encoding: 'utf8' }).trim().split('\n').pop()!;
  return venv;
}

/** The project's own callback: the engine's tests see exactly the events a real run gives. */
function callbackDir(): string {
  return path.join(ROOT, 'ansible', 'callback_plugins');
}

export interface Rig {
  dir: string;
  stateDir: string;
  answers: string;
  calls: string;
  env: Record<string, string>;
}

export function tempDir(prefix = 'ciab-run-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Checks that depend on what else runs on this shared build machine at the moment; the rig tests the engine.
export const BASE_ARGS = ['--no-uplink-check', '--from', 'kolla-prechecks', ...['services', 'ports', 'time', 'memory', 'docker'].flatMap((id) => ['--skip-check', id])];

const STAND_IN = path.join(ROOT, 'test', 'stand-ins', 'kolla-ansible');

/** kolla-ansible for the tests: the project's stand-in (small scale), or mini-kolla where a test needs its knobs. */
export function rigEnv(dir: string, extra: Record<string, string> = {}, kolla: 'stand-in' | 'mini' = 'stand-in'): Record<string, string> {
  return {
    CIAB_KOLLA_ANSIBLE: kolla === 'stand-in' ? STAND_IN : path.join(FIXTURES, 'mini-kolla'),
    STANDIN_ANSIBLE_PLAYBOOK: path.join(kollaVenv(), 'bin', 'ansible-playbook'),
    STANDIN_SCALE: '0.02',
    STANDIN_TASK_MS: '20',
    CIAB_CALLBACK_PLUGINS: callbackDir(),
    MINI_ANSIBLE_PLAYBOOK: path.join(kollaVenv(), 'bin', 'ansible-playbook'),
    MINI_CALLS: path.join(dir, 'calls'),
    MINI_TASKS: '3',
    MINI_TASK_MS: '20',
    CIAB_ABORT_GRACE_MS: '1000',
    // The stand-in makes no cloud: bootstrap-cloud and verify are skipped (reason no-cloud). test/cloud runs them
    // against the real APIs of the fixture instead.
    CIAB_CLOUD_PHASES: 'skip',
    ...extra,
  };
}

/** A folder with answers and a rendered configuration (written once, copied for each trial). */
export async function makeRig(answersText?: string): Promise<Rig> {
  const dir = tempDir();
  const answers = path.join(dir, 'answers.yaml');
  // The workshop seat without its registry mirror: kolla's public quay.io images, so prechecks run with
  // --use-test-images (the stand-in, like kolla, refuses them otherwise).
  const workshop = readFileSync(path.join(ROOT, 'test', 'fixtures', 'answers', 'workshop.yaml'), 'utf8').replace(/^images:\n(?: .*\n)+/m, '');
  writeFileSync(answers, answersText ?? workshop);
  const stateDir = path.join(dir, 'state');
  // Passwords with the pre-generated keys (test/helpers/random.ts), kept by the render like any earlier
  // passwords.yml: the engine's tests are not about keys, and 7 fresh RSA-4096 pairs timed the hook out at load 25.
  await seedPasswords(path.join(stateDir, 'config'), `rig ${dir}`);
  const result = await runCiab(['install', '--answers', answers, '--state-dir', stateDir, '--configure-only', ...BASE_ARGS.filter((a) => a !== '--from' && a !== 'kolla-prechecks')]);
  if (result.code !== 0) throw new Error(`rendering the rig failed: ${result.stderr}`);
  return { dir, stateDir, answers, calls: path.join(dir, 'calls'), env: rigEnv(dir) };
}

/** A fresh copy of a rig (rendered configuration included, no state, no runs). */
export function cloneRig(rig: Rig): Rig {
  const dir = tempDir();
  cpSync(rig.stateDir, path.join(dir, 'state'), { recursive: true });
  const answers = path.join(dir, 'answers.yaml');
  cpSync(rig.answers, answers);
  return { dir, stateDir: path.join(dir, 'state'), answers, calls: path.join(dir, 'calls'), env: rigEnv(dir) };
}

export function install(rig: Rig, args: string[] = [], env: Record<string, string> = {}): Promise<CliResult> {
  return runCiab(['install', '--answers', rig.answers, '--state-dir', rig.stateDir, ...BASE_ARGS, ...args], { env: { ...rig.env, ...env } });
}

export function spawnInstall(rig: Rig, args: string[] = [], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [CIAB, 'install', '--answers', rig.answers, '--state-dir', rig.stateDir, ...BASE_ARGS, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...rig.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * What ciab ran, from the run folders (oldest first): "<kolla action> <phase status>" per phase started, e.g.
 * "deploy done", "reconfigure done", "deploy failed", "post-deploy ?" (ciab killed before the phase ended).
 */
export function calls(rig: Rig): string[] {
  const runs = path.join(rig.stateDir, 'runs');
  if (!existsSync(runs)) return [];
  const out: string[] = [];
  for (const run of readdirSync(runs).filter((n) => /^\d{8}-/.test(n)).sort()) {
    const file = path.join(runs, run, 'events.ndjson');
    if (!existsSync(file)) continue;
    const events = readFileSync(file, 'utf8').split('\n').filter(Boolean).flatMap((l) => {
      try {
        return [JSON.parse(l) as { type: string; phase?: string; status?: string }];
      } catch {
        return [];
      }
    });
    for (const started of events.filter((e) => e.type === 'phase_started')) {
      const log = readFileSync(path.join(runs, run, `${started.phase}.log`), 'utf8').split('\n')[0] ?? '';
      const action = /kolla-ansible (\S+)|mini-kolla (\S+)/.exec(log);
      const finished = events.find((e) => e.type === 'phase_finished' && e.phase === started.phase);
      out.push(`${action?.[1] ?? action?.[2] ?? started.phase} ${finished?.status ?? '?'}`);
    }
  }
  return out;
}

export function readState(rig: Rig): { phases: Record<string, { status: string; command: string | null }> } {
  return JSON.parse(readFileSync(path.join(rig.stateDir, 'state', 'state.json'), 'utf8'));
}

export function passwords(rig: Rig): string[] {
  const values: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string' && v.length >= 6) values.push(...v.split('\n').map((l) => l.trim()).filter((l) => l.length >= 6 && !l.startsWith('-----')));
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(parse(readFileSync(path.join(rig.stateDir, 'config', 'kolla', 'passwords.yml'), 'utf8')));
  return values;
}

/** Every file under dir with its text. */
export function filesUnder(dir: string): Array<{ file: string; text: string }> {
  const out: Array<{ file: string; text: string }> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const s = statSync(p, { throwIfNoEntry: false });
      if (!s) continue;
      if (s.isDirectory()) walk(p);
      else if (s.isFile()) out.push({ file: p, text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

/** Resolve once a line matching re appears on the stream, or reject after timeoutMs. */
export function waitForLine(stream: NodeJS.ReadableStream, re: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; got:\n${buffer.slice(-2000)}`)), timeoutMs);
    stream.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n').find((l) => re.test(l));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(line);
      }
    });
  });
}

export function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : signal === 'SIGTERM' ? 143 : 130)));
  });
}

/** Phases of the `--from kolla-deploy` runs the kill tests use, and the kolla action each one runs. */
const KILL_ACTIONS: Record<string, string> = { 'kolla-deploy': 'deploy', 'kolla-post-deploy': 'post-deploy' };
export const KILL_ARGS = ['--from', 'kolla-deploy'];

export interface KillTrial {
  /** How the first run ended: its exit code, whether the signal was sent while it still ran, its stderr. */
  code: number;
  killed: boolean;
  stderr: string;
  /** Phases recorded done in state.json when the first run had ended. */
  recordedDone: string[];
}

/**
 * After `trial` (a run of `ciab install ${KILL_ARGS}` that was killed), run `ciab install` again and check what
 * the kill tests prove: it finishes, no phase recorded done runs a second time, every phase ends done, the lock
 * is gone, no raw (unredacted) capture is left, and no secret is in any run file. `what` labels failures.
 */
export async function expectCleanResume(rig: Rig, trial: KillTrial, what: string, env: Record<string, string> = {}): Promise<void> {
  const before = calls(rig).length;
  const again = await install(rig, KILL_ARGS, env);
  const where = `${what}: first run exit ${trial.code}, done: ${trial.recordedDone.join(',') || '-'}\n${trial.stderr}\n--- again:\n${again.stderr}`;
  if (again.code !== 0) throw new Error(`the run after the kill failed (exit ${again.code})\n${where}`);
  const rerun = calls(rig).slice(before).map((c) => c.split(' ')[0]);
  for (const id of trial.recordedDone) if (rerun.includes(KILL_ACTIONS[id]!)) throw new Error(`${id} ran again\n${where}`);
  const statuses = Object.values(readState(rig).phases).map((p) => p.status);
  if (statuses.join() !== 'done,done') throw new Error(`phases ended ${statuses.join(',')}\n${where}`);
  if (existsSync(path.join(rig.stateDir, 'run', 'lock'))) throw new Error(`the lock was left behind\n${where}`);
  const runFiles = filesUnder(path.join(rig.stateDir, 'runs'));
  const raw = runFiles.filter((f) => f.file.includes('.raw')).map((f) => f.file);
  if (raw.length > 0) throw new Error(`raw captures left: ${raw.join(', ')}\n${where}`);
  const secrets = passwords(rig);
  for (const f of runFiles) if (secrets.some((s) => f.text.includes(s))) throw new Error(`a secret in ${f.file}\n${what}`);
}

/** Phases state.json records as done (none when there is no state yet). */
export function recordedDone(rig: Rig): string[] {
  if (!existsSync(path.join(rig.stateDir, 'state', 'state.json'))) return [];
  return Object.entries(readState(rig).phases).filter(([, p]) => p.status === 'done').map(([id]) => id);
}

/** Resolve with the first NDJSON event on the stream that `match` accepts, or reject after timeoutMs. */
export function waitForEvent(stream: NodeJS.ReadableStream, match: (event: Record<string, unknown>) => boolean, what: string, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let pending = '';
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no event ${what} within ${timeoutMs} ms; got:\n${seen.slice(-2000)}`)), timeoutMs);
    stream.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        seen += `${line}\n`;
        let event: Record<string, unknown>;
        try {
          event = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (match(event)) {
          clearTimeout(timer);
          resolve(event);
          return;
        }
      }
    });
  });
}

/** Where in `--from kolla-deploy` (two phases of 3 mini-kolla tasks) a kill trial's signal goes out. */
type KillEvent = Record<string, unknown>;
export const KILL_POINTS = {
  'before the first phase': (e: KillEvent) => e.type === 'run_started',
  'inside a kolla-deploy task': (e: KillEvent) => e.type === 'task_started' && e.phase === 'kolla-deploy' && e.index === 2,
  'between the two phases': (e: KillEvent) => e.type === 'phase_finished' && e.phase === 'kolla-deploy',
  "inside the last phase's task": (e: KillEvent) => e.type === 'task_started' && e.phase === 'kolla-post-deploy',
} as const;
export type KillPoint = keyof typeof KILL_POINTS;
/** What each point leaves recorded done: proves the signal landed where the trial says. */
const DONE_AT: Record<KillPoint, string[]> = {
  'before the first phase': [],
  'inside a kolla-deploy task': [],
  'between the two phases': ['kolla-deploy'],
  "inside the last phase's task": ['kolla-deploy'],
};

// SIGKILL at every point (nothing of ciab's own cleanup runs); SIGINT and SIGTERM (graceful: stop, abort the
// phase, release the lock) inside a task and between phases, where their handling differs.
export const KILL_TRIALS: ReadonlyArray<readonly [NodeJS.Signals, KillPoint]> = [
  ['SIGKILL', 'before the first phase'],
  ['SIGKILL', 'inside a kolla-deploy task'],
  ['SIGKILL', 'between the two phases'],
  ['SIGKILL', "inside the last phase's task"],
  ['SIGINT', 'inside a kolla-deploy task'],
  ['SIGINT', 'between the two phases'],
  ['SIGTERM', 'inside a kolla-deploy task'],
  ['SIGTERM', "inside the last phase's task"],
];
/**
 * The fewest of KILL_TRIALS that still cover every point, every signal, and the graceful stop both inside a task
 * and between phases: `npm test` runs these (test/run/kill.test.ts), the soak runs the others.
 */
export const KILL_TRIALS_COVERING: ReadonlyArray<readonly [NodeJS.Signals, KillPoint]> = [
  ['SIGKILL', 'before the first phase'],
  ['SIGKILL', "inside the last phase's task"],
  ['SIGINT', 'inside a kolla-deploy task'],
  ['SIGTERM', 'between the two phases'],
];

/**
 * One kill trial: `ciab install --from kolla-deploy` (mini-kolla, 2 s tasks), `signal` when the NDJSON stream shows
 * `point`, then `ciab install` again (expectCleanResume). Throws (fails the test) with both runs' stderr.
 */
export async function killAndResume(base: Rig, signal: NodeJS.Signals, point: KillPoint): Promise<void> {
  const rig = cloneRig(base);
  rig.env = rigEnv(rig.dir, {}, 'mini');
  // Slow tasks in the run that is killed (2 s each: seconds of margin between the event and the end of its
  // phase, even at load 25), so the signal lands where the event says.
  const child = spawnInstall(rig, [...KILL_ARGS, '--json'], { MINI_TASKS: '3', MINI_TASK_MS: '2000' });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = exited(child);
  await waitForEvent(child.stdout!, KILL_POINTS[point], point, 180_000);
  const killed = child.exitCode === null && child.kill(signal);
  const code = await done;
  const what = `${signal} ${point}`;
  if (!killed) throw new Error(`${what}: ciab had already ended (exit ${code})\n${stderr}`);
  if (code === 0) throw new Error(`${what}: ciab exited 0 after the signal\n${stderr}`);
  const first = { code, killed, stderr, recordedDone: recordedDone(rig) };
  if (first.recordedDone.join() !== DONE_AT[point].join()) throw new Error(`${what}: recorded done ${first.recordedDone.join(',') || '-'}, expected ${DONE_AT[point].join(',') || '-'}\n${stderr}`);
  await expectCleanResume(rig, first, what, { MINI_TASKS: '3', MINI_TASK_MS: '20' });
}
