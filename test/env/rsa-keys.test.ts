// SSH keys are generated in child processes: the event loop and file reads stay quick while seven RSA-4096 keys
// are made, stop() ends every child at once, and a process whose person pressed Ctrl-C during key generation
// (the installer's cancel, as the wizard's Ctrl-C path calls it) exits promptly instead of waiting for the keys.
import { spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRsaKeyGenerator, KeyGenerationStopped } from '../../src/env/rsa-keys.js';
import { sshKeyPairFromPrivatePem } from '../../src/render/passwords.js';
import { writeFixtureFacts } from '../helpers/facts.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), `ciab-rsa-${process.pid}-`));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('RSA keys in child processes', () => {
  it('makes a real RSA-4096 key that the SSH formatting accepts', async () => {
    const keys = createRsaKeyGenerator();
    const pem = await keys.privateKeyPem(4096);
    expect(createPrivateKey(pem).asymmetricKeyDetails?.modulusLength).toBe(4096);
    const pair = sshKeyPairFromPrivatePem(pem);
    expect(pair.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pair.public_key).toMatch(/^ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB[A-Za-z0-9+/]+=*$/);
  }, 120_000);

  it('the event loop ticks and files read quickly while seven keys are made', async () => {
    const keys = createRsaKeyGenerator();
    let last = performance.now();
    let maxGap = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks += 1;
    }, 10);
    const started = performance.now();
    const all = Promise.all(Array.from({ length: 7 }, () => keys.privateKeyPem(4096)));
    // File reads go through the libuv thread pool, which the keys no longer occupy.
    const reads: number[] = [];
    for (let i = 0; i < 10 && keys.running.length > 0; i++) {
      const t = performance.now();
      await readFile(path.join(ROOT, 'package.json'));
      reads.push(performance.now() - t);
    }
    const pems = await all;
    clearInterval(timer);
    const took = performance.now() - started;
    expect(new Set(pems).size).toBe(7);
    expect(reads.length).toBeGreaterThan(0);
    expect(Math.max(...reads)).toBeLessThan(1000);
    expect(maxGap).toBeLessThan(1000);
    expect(ticks).toBeGreaterThan(took / 10 / 4); // the 10 ms timer ran at least a quarter of its rounds
  }, 240_000);

  it('stop() kills every child at once and rejects what is running and queued', async () => {
    const keys = createRsaKeyGenerator({ parallel: 2 });
    const requests = Array.from({ length: 7 }, () => keys.privateKeyPem(8192).then(() => 'made', (error: unknown) => error));
    const deadline = Date.now() + 30_000;
    while (keys.running.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const pids = keys.running;
    expect(pids).toHaveLength(2);
    const t = performance.now();
    keys.stop();
    const results = await Promise.all(requests);
    expect(performance.now() - t).toBeLessThan(2000);
    for (const result of results) expect(result).toBeInstanceOf(KeyGenerationStopped);
    expect(keys.running).toEqual([]);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    await expect(keys.privateKeyPem(2048)).rejects.toBeInstanceOf(KeyGenerationStopped);
  }, 60_000);

  it('Ctrl-C during the first render: the installer cancels and the process exits within seconds', async () => {
    const facts = await writeFixtureFacts('server', dir);
    const answers = path.join(dir, 'answers.yaml');
    writeFileSync(answers, 'profile: sandbox\nnetwork:\n  vip: 198.51.100.250\nstorage:\n  backend: lvm\n  disks: [/dev/nvme1n1]\n');
    // What runInteractive does when the wizard closes on Ctrl-C: cancel, set the exit code, return (no process.exit).
    const script = `
      import { createInstaller } from ${JSON.stringify(path.join(ROOT, 'dist', 'app', 'installer.js'))};
      import { createEnv } from ${JSON.stringify(path.join(ROOT, 'dist', 'env', 'index.js'))};
      const installer = await createInstaller(createEnv(), { factsFile: ${JSON.stringify(facts)}, answersFile: ${JSON.stringify(answers)}, out: ${JSON.stringify(path.join(dir, 'out'))}, stateDir: ${JSON.stringify(path.join(dir, 'state'))}, vars: {} });
      const render = installer.render(installer.evaluate({}));
      render.then(() => process.stdout.write('rendered\\n'), (e) => process.stdout.write('render ended: ' + e.name + '\\n'));
      process.on('SIGINT', () => { installer.cancel(); process.exitCode = 130; });
      setTimeout(() => process.stdout.write('generating\\n'), 300);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!out.includes('generating') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(out, err).toContain('generating');
    expect(out).not.toContain('rendered'); // seven RSA-4096 keys take longer than 300 ms
    const t = performance.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(performance.now() - t).toBeLessThan(3000);
    expect(code).toBe(130);
    expect(out).toContain('render ended: KeyGenerationStopped');
  }, 120_000);

  it('a child whose parent is killed (kill -9, a closed terminal) ends itself within seconds', async () => {
    const script = `
      import { createRsaKeyGenerator } from ${JSON.stringify(path.join(ROOT, 'dist', 'env', 'rsa-keys.js'))};
      const keys = createRsaKeyGenerator({ parallel: 2 });
      for (let i = 0; i < 4; i++) keys.privateKeyPem(8192).catch(() => {});
      const tick = setInterval(() => { if (keys.running.length === 2) { clearInterval(tick); process.stdout.write(keys.running.join(' ') + '\\n'); } }, 20);
    `;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const pids = out.trim().split(' ').map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    const gone = Date.now() + 5000;
    while (pids.some(alive) && Date.now() < gone) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter(alive)).toEqual([]);
  }, 90_000);
});
