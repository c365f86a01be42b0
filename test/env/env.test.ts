// The real Env against a temp folder and real child processes.
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createEnv } from '../../src/env/index.js';
import { createTerminal } from '../../src/env/terminal.js';

const env = createEnv();
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), `ciab-env-${process.pid}-`));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await env.files.remove(dir, { recursive: true });
});

describe('files', () => {
  it('writes atomically with the mode from the first byte and leaves no temp file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'secret.yml');
    await env.files.writeAtomic(file, 'a: 1\n', { mode: 0o600 });
    await env.files.writeAtomic(file, 'a: 2\n', { mode: 0o600 });
    expect(readFileSync(file, 'utf8')).toBe('a: 2\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['secret.yml']);
  });

  it('changes nothing when one file of a set cannot be staged', async () => {
    const dir = tempDir();
    await env.files.writeAtomic(path.join(dir, 'a'), 'old');
    await expect(
      env.files.writeAtomicAll([
        { path: path.join(dir, 'a'), content: 'new' },
        { path: path.join(dir, 'missing-folder', 'b'), content: 'x' },
      ]),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    expect(readFileSync(path.join(dir, 'a'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['a']);
  });

  it('refuses a file over the size cap and reads /proc files whose size says 0', async () => {
    const dir = tempDir();
    await env.files.writeAtomic(path.join(dir, 'big'), 'x'.repeat(200_000));
    await expect(env.files.readText(path.join(dir, 'big'), { maxBytes: 100_000 })).rejects.toMatchObject({ code: 'EFBIG' });
    expect(await env.files.readText('/proc/self/status')).toContain('Pid:');
    expect(await env.files.readOptional(path.join(dir, 'none'))).toBeNull();
  });

  it('creates a lock file only once, makes folders, appends and swaps a symlink', async () => {
    const dir = tempDir();
    const nested = path.join(dir, 'a', 'b', 'c');
    await env.files.makeDirs(nested);
    const lock = path.join(nested, 'lock');
    expect(await env.files.createExclusive(lock, 'pid 1\n', { mode: 0o600 })).toBe(true);
    expect(await env.files.createExclusive(lock, 'pid 2\n')).toBe(false);
    expect(readFileSync(lock, 'utf8')).toBe('pid 1\n');
    await env.files.append(path.join(dir, 'log'), 'one\n');
    await env.files.append(path.join(dir, 'log'), 'two\n', { sync: true });
    expect(readFileSync(path.join(dir, 'log'), 'utf8')).toBe('one\ntwo\n');
    await env.files.symlink('run-1', path.join(dir, 'latest'));
    await env.files.symlink('run-2', path.join(dir, 'latest'));
    expect(await env.files.readLink(path.join(dir, 'latest'))).toBe('run-2');
    await expect(env.files.makeDirs(path.join(dir, 'log', 'x'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});

describe('processes', () => {
  it('runs and captures, and reports a missing command without throwing', async () => {
    const ok = await env.processes.run('sh', ['-c', 'cat; echo err >&2; exit 3'], { input: 'hello' });
    expect(ok).toMatchObject({ exitCode: 3, stdout: 'hello', stderr: 'err\n', notFound: false, timedOut: false });
    const missing = await env.processes.run(`no-such-command-${process.pid}`, []);
    expect(missing).toMatchObject({ notFound: true });
    const slow = await env.processes.run('sleep', ['10'], { timeoutMs: 100 });
    expect(slow.timedOut).toBe(true);
  });

  it('spawns a detached child in its own session with output to a file, and signals its group', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'out.log');
    const child = await env.processes.spawnDetached('sh', ['-c', 'echo out; echo err >&2; ps -o sid= -p $$; sleep 30 & wait'], { outputFile: log });
    expect(env.processes.isAlive(child.pid)).toBe(true);
    // Wait for the child to report its session id (no fixed sleep: poll the file, bounded).
    const deadline = Date.now() + 10_000;
    let text = '';
    while (!/\d+\s*$/.test(text) && Date.now() < deadline) {
      text = readFileSync(log, 'utf8');
      await env.clock.sleep(20);
    }
    const [out, err, sid] = text.trim().split('\n').map((l) => l.trim());
    expect([out, err]).toEqual(['out', 'err']);
    expect(Number(sid)).toBe(child.pid); // setsid: the child leads its own session
    expect(env.processes.killGroup(child.pid, 'SIGTERM')).toBe(true);
    expect(await child.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(env.processes.isAlive(child.pid)).toBe(false);
    expect(env.processes.kill(child.pid, 'SIGTERM')).toBe(false);
    expect(statSync(log).mode & 0o777).toBe(0o600);
  });
});

describe('signals and terminal', () => {
  it('delivers a signal to a handler until unsubscribed', async () => {
    const got: string[] = [];
    const off = env.signals.on('SIGHUP', (name) => got.push(name));
    process.kill(process.pid, 'SIGHUP');
    const deadline = Date.now() + 5000;
    while (got.length === 0 && Date.now() < deadline) await env.clock.sleep(10);
    off();
    expect(got).toEqual(['SIGHUP']);
  });

  it('wants colour only on a TTY without NO_COLOR, and sizes from the stream', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 120, rows: 40 });
    const pipe = new PassThrough();
    const streams = { stdin: Object.assign(new PassThrough(), { isTTY: true }), stdout: tty, stderr: pipe };
    const term = createTerminal(streams, { TERM: 'xterm' });
    expect([term.colour(), term.colour('stderr'), term.interactive, term.columns(), term.rows()]).toEqual([true, false, true, 120, 40]);
    expect(createTerminal(streams, { TERM: 'xterm', NO_COLOR: '1' }).colour()).toBe(false);
    expect(createTerminal(streams, { TERM: 'xterm', CI: 'true' }).interactive).toBe(false);
    expect(createTerminal({ ...streams, stdout: pipe }, {}).columns()).toBe(80);
  });
});

describe('stdout and stderr', () => {
  it('each Env built in one process leaves one error listener on them, not one more each time', () => {
    createEnv();
    const counts = () => [process.stdout.listenerCount('error'), process.stderr.listenerCount('error')];
    const before = counts();
    for (let i = 0; i < 12; i++) createEnv();
    expect(counts()).toEqual(before);
  });
});
