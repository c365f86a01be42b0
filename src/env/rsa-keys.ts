// RSA key generation in child processes. node:crypto's async generateKeyPair runs on the libuv thread pool: seven
// 4096-bit keys fill its four threads for 20-50 s on a loaded machine, file reads of the wizard queue behind them,
// and a process that is done (Ctrl-C) cannot exit before the pool's running jobs end. A child is killed at once.
import { spawn, type ChildProcess } from 'node:child_process';

// CommonJS through `node -e`: no file to find next to this module in dist/ or src/ (tests run both).
// A child whose parent died (a kill, a closed terminal) ends itself: its parent id is no longer the one it was
// given (passed in, since the parent may die before the child starts); SIGKILL
// to itself, since a normal exit would wait for the key job running on its own thread pool.
const CHILD_SCRIPT = `
const { generateKeyPair } = require('node:crypto');
const parent = Number(process.argv[2]);
const watch = setInterval(() => { if (process.ppid !== parent) process.kill(process.pid, 'SIGKILL'); }, 200);
generateKeyPair('rsa', { modulusLength: Number(process.argv[1]), publicExponent: 65537, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }, (error, publicKey, privateKey) => {
  clearInterval(watch);
  if (error) { process.stderr.write(String(error)); process.exitCode = 1; return; }
  process.stdout.write(privateKey);
});
`;

export interface RsaKeyGenerator {
  /** A new RSA private key, PKCS8 PEM. Rejects once stop() was called. */
  privateKeyPem(bits: number): Promise<string>;
  /** Kill every running child and refuse queued and later requests (Ctrl-C, the wizard closing). */
  stop(): void;
  /** Children running now (for tests: none after stop). */
  readonly running: readonly number[];
}

export class KeyGenerationStopped extends Error {
  override readonly name = 'KeyGenerationStopped';
  constructor() {
    super('key generation was stopped');
  }
}

/**
 * At most `parallel` children at a time. Default 4, as many as the libuv pool ran before: on a loaded machine
 * fewer processes get a smaller share of the CPUs, so fewer would make the wait longer, not shorter.
 */
export function createRsaKeyGenerator(options: { parallel?: number } = {}): RsaKeyGenerator {
  const parallel = Math.max(1, options.parallel ?? 4);
  const children = new Set<ChildProcess>();
  const queue: Array<() => void> = [];
  let stopped = false;
  let active = 0;

  const next = () => {
    while (active < parallel && queue.length > 0) queue.shift()!();
  };

  const runOne = (bits: number): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      if (stopped) return reject(new KeyGenerationStopped());
      active += 1;
      const child = spawn(process.execPath, ['-e', CHILD_SCRIPT, String(bits), String(process.pid)], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.add(child);
      let out = '';
      let err = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d.slice(0, 2000)));
      const done = (error: Error | null) => {
        if (!children.delete(child)) return;
        active -= 1;
        next();
        if (error) reject(error);
        else resolve(out);
      };
      child.once('error', (error) => done(stopped ? new KeyGenerationStopped() : error));
      child.once('close', (code, signal) => {
        if (stopped) return done(new KeyGenerationStopped());
        if (code === 0 && out.startsWith('-----BEGIN PRIVATE KEY-----')) return done(null);
        done(new Error(`RSA key generation failed (${signal ?? `exit ${code}`})${err ? `: ${err.trim().split('\n').pop()}` : ''}`));
      });
    });

  return {
    privateKeyPem(bits) {
      if (stopped) return Promise.reject(new KeyGenerationStopped());
      return new Promise<string>((resolve, reject) => {
        queue.push(() => runOne(bits).then(resolve, reject));
        next();
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const start of queue.splice(0)) start(); // each rejects at once: stopped
      for (const child of children) child.kill('SIGKILL');
    },
    get running() {
      return [...children].map((c) => c.pid ?? -1);
    },
  };
}
