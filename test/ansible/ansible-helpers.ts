// Helpers for tests that run the REAL ansible-playbook from the pinned kolla venv (scripts/kolla-venv.sh) with
// ciab's ansible.cfg and the ciab_events callback, and read the NDJSON events it writes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const REPO = path.join(import.meta.dirname, '..', '..');
export const ANSIBLE_DIR = path.join(REPO, 'ansible');

let venvPromise: Promise<string> | undefined;

/** The pinned venv's directory (the last line scripts/kolla-venv.sh prints); built once per test process. */
export function kollaVenv(): Promise<string> {
  venvPromise ??= new Promise((resolve, reject) => {
    execFile('bash', [path.join(REPO, 'scripts', 'kolla-venv.sh')], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`kolla-venv.sh failed: ${stderr}`));
      const lines = stdout.trim().split('\n');
      resolve(lines[lines.length - 1]!.trim());
    });
  });
  return venvPromise;
}

export async function ansiblePlaybookPath(): Promise<string> {
  return path.join(await kollaVenv(), 'bin', 'ansible-playbook');
}

export interface CallbackEvent {
  v: number;
  seq: number;
  t: number;
  event: string;
  [field: string]: unknown;
}

/** A temp dir with a local-connection inventory; files maps names to contents. */
export async function makeWorkdir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `ciab-ansible-${process.pid}-`));
  await writeFile(
    path.join(dir, 'hosts'),
    `localhost ansible_connection=local ansible_python_interpreter=${process.env['CIAB_TEST_PYTHON'] ?? '/usr/bin/python3'}\n`,
  );
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

/**
 * One play as YAML text: over every inventory host, no fact gathering, `tasks` (and `handlers`) as YAML list
 * items indented by 4 spaces, e.g. `    - name: t1\n      ansible.builtin.command: touch t1.ran\n`.
 */
export function play(tasks: string, opts: { name?: string; hosts?: string; handlers?: string } = {}): string {
  const name = opts.name ? `- name: ${opts.name}\n  hosts: ${opts.hosts ?? 'all'}\n` : `- hosts: ${opts.hosts ?? 'all'}\n`;
  const handlers = opts.handlers ? `  handlers:\n${opts.handlers.replace(/^\n/, '')}` : '';
  return `${name}  gather_facts: false\n  tasks:\n${tasks.replace(/^\n/, '')}${handlers}`;
}

/** A work dir (makeWorkdir) whose play.yml holds these plays, plus any other files. */
export function playbookDir(plays: string[], files: Record<string, string> = {}): Promise<string> {
  return makeWorkdir({ 'play.yml': plays.join(''), ...files });
}

/** The environment ciab gives every ansible run (RUN-ENGINE.md §5.2). */
export function callbackEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ANSIBLE_CONFIG: path.join(ANSIBLE_DIR, 'ansible.cfg'),
    ANSIBLE_CALLBACK_PLUGINS: path.join(ANSIBLE_DIR, 'callback_plugins'),
    ANSIBLE_LOCAL_TEMP: path.join(dir, '.ansible-tmp'),
    ANSIBLE_HOME: path.join(dir, '.ansible'),
    CIAB_EVENT_FILE: path.join(dir, 'events.ndjson'),
    CIAB_STOP_FILE: path.join(dir, 'stop-request'),
    PYTHONUNBUFFERED: '1',
    ...extra,
  };
}

export interface Finished {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  done: Promise<Finished>;
}

/** Starts a command with output captured; `done` resolves when it exits. */
export function start(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Started {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (exitCode, signal) => resolve({ exitCode, signal, stdout, stderr }));
  });
  return { child, done };
}

export async function runPlaybook(dir: string, playbook: string, extraEnv: Record<string, string> = {}, args: string[] = []): Promise<Finished> {
  const bin = await ansiblePlaybookPath();
  return start(bin, ['-i', 'hosts', playbook, ...args], { cwd: dir, env: callbackEnv(dir, extraEnv) }).done;
}

/** Every complete line of an event file (a partial last line is left for the next read). */
export function readEvents(file: string): CallbackEvent[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const end = text.lastIndexOf('\n');
  if (end < 0) return [];
  return text
    .slice(0, end)
    .split('\n')
    .map((line) => JSON.parse(line) as CallbackEvent);
}

/** Polls the event file until an event matches, or fails after timeoutMs. */
export async function waitForEvent(
  file: string,
  match: (event: CallbackEvent) => boolean,
  timeoutMs = 60_000,
  exited?: Promise<unknown>,
): Promise<CallbackEvent> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited?.then(() => (gone = true));
  for (;;) {
    const hit = readEvents(file).find(match);
    if (hit) return hit;
    if (gone) throw new Error(`the process exited before the awaited event appeared in ${file}`);
    if (Date.now() > deadline) throw new Error(`no matching event in ${file} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
