// The run lock against real processes: a live holder blocks (named with pid and age), a dead one, an earlier
// boot or a recycled pid is taken over, and an orphaned child that still runs blocks.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { acquireLock, inspectLock, LockedError } from '../../src/env/lock.js';
import { readBootId, readPidStart } from '../../src/env/proc.js';
import { LockHeldError } from '../../src/model/errors.js';
import { takeLock } from '../../src/run/engine.js';
import { tempDir } from './helpers.js';

const sleepers: Array<{ kill(): void }> = [];
afterEach(() => {
  for (const s of sleepers.splice(0)) s.kill();
});

function sleeper(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  sleepers.push(child);
  return child.pid!;
}

function deadPid(): number {
  return spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim() as unknown as number;
}

function writeLock(file: string, info: Partial<Record<string, unknown>>): void {
  writeFileSync(
    file,
    JSON.stringify({ pid: 1, pidStart: null, bootId: readBootId(), action: 'install', runDir: '/x', startedAt: new Date(Date.now() - 125_000).toISOString(), childPid: null, childStart: null, ...info }),
  );
}

describe('the run lock', () => {
  test('a live holder blocks, named with its pid and how long it has run; release frees it', () => {
    const file = path.join(tempDir(), 'lock');
    const pid = sleeper();
    writeLock(file, { pid, pidStart: readPidStart(pid) });
    expect(() => acquireLock(file, 'install', '/r', new Date())).toThrow(LockedError);
    expect(() => takeLock(file, 'install', '/r', new Date())).toThrow(LockHeldError);
    expect(() => takeLock(file, 'install', '/r', new Date())).toThrow(new RegExp(`ciab install \\(pid ${pid}\\) has been running for 2m0[45]s`));
    writeFileSync(file, '');
    const lock = acquireLock(file, 'install', '/r', new Date());
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(inspectLock(file)).toBeNull();
    const again = acquireLock(file, 'install', '/r', new Date());
    again.release();
  });

  test('a dead pid, a recycled pid (other start time) and an earlier boot are stale and taken over', () => {
    const dir = tempDir();
    const cases: Array<Record<string, unknown>> = [
      { pid: Number(deadPid()) },
      { pid: sleeper(), pidStart: 1 },
      { pid: sleeper(), bootId: '00000000-0000-0000-0000-000000000000' },
    ];
    for (const [i, info] of cases.entries()) {
      const file = path.join(dir, `lock${i}`);
      if (info.pidStart === undefined && typeof info.pid === 'number' && info.bootId) info.pidStart = readPidStart(info.pid);
      writeLock(file, info);
      const lock = acquireLock(file, 'install', '/r', new Date());
      expect(lock.info.pid).toBe(process.pid);
      lock.release();
    }
  });

  test('a still-running orphaned child of a dead ciab blocks', () => {
    const file = path.join(tempDir(), 'lock');
    const child = sleeper();
    writeLock(file, { pid: Number(deadPid()), childPid: child, childStart: readPidStart(child) });
    expect(inspectLock(file)?.kind).toBe('orphan');
    expect(() => takeLock(file, 'install', '/r', new Date())).toThrow(/the ansible child \(pid \d+\) of an ended ciab install/);
  });
});
