// The suite's own machinery: the block-device lock keeps two holders apart, and the sequencer starts heavy files
// first and spreads the lock holders.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEAVY, arrange } from '../sequencer.js';
import { holdsBlockDevices, lockBlockDevices } from './block-devices.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ciab-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the block-device lock', () => {
  it('keeps two holders apart: the second holds it only once the first let go', async () => {
    const lock = path.join(dir, 'a.lock');
    const free = () => spawnSync('flock', ['--nonblock', lock, 'true']).status === 0;
    const releaseFirst = await lockBlockDevices(lock);
    expect(free()).toBe(false);
    let secondHeld = false;
    const second = lockBlockDevices(lock).then((release) => {
      secondHeld = true;
      return release;
    });
    // Give the second flock time to start (an async child process); it must still be waiting.
    await new Promise((resolve) => execFile('flock', ['--nonblock', lock, 'true'], () => resolve(undefined)));
    expect(secondHeld).toBe(false);
    await releaseFirst();
    const releaseSecond = await second;
    expect(free()).toBe(false);
    await releaseSecond();
    expect(free()).toBe(true);
  });

  it('a holder that dies leaves the lock free', async () => {
    const lock = path.join(dir, 'b.lock');
    await lockBlockDevices(lock); // never released: its flock child ends when this worker ends, or here below
    // flock -n fails at once while the lock is held…
    expect(() => execFileSync('flock', ['--nonblock', lock, 'true'])).toThrow();
    // …and the holder's child is what holds it: kill it, and the lock is free.
    execFileSync('pkill', ['-f', `flock --exclusive ${lock}`]);
    await (await lockBlockDevices(lock))();
  });

  it('holders are the *.loop files and prepare-host.check', () => {
    expect(holdsBlockDevices('test/ansible/storage.loop.test.ts')).toBe(true);
    expect(holdsBlockDevices('test/ansible/prepare-host.check.test.ts')).toBe(true);
    expect(holdsBlockDevices('test/ansible/services.netns.test.ts')).toBe(true); // its fake daemons are in /proc
    expect(holdsBlockDevices('test/ansible/network.netns.test.ts')).toBe(false);
  });
});

describe('the order of the files', () => {
  const heavy = HEAVY.map(([file]) => file);

  it('starts the heavy files first, heaviest first, the first lock holder before them all', () => {
    const light = Array.from({ length: 30 }, (_, i) => `test/x/f${i}.test.ts`);
    const files = [...light, ...[...heavy].reverse()];
    const order = arrange(files, (f) => f, 3);
    expect([...order].sort()).toEqual([...files].sort());
    expect(order[0]).toBe(heavy.find((f) => holdsBlockDevices(f)));
    const rest = heavy.filter((f) => !holdsBlockDevices(f));
    expect(order.filter((f) => !holdsBlockDevices(f)).slice(0, rest.length)).toEqual(rest);
  });

  it('starts a lock holder once the one before it is expected to have ended', () => {
    // Unlisted files count one second each; with two workers the second second begins after two files.
    const order = arrange(['f0', 'f1', 'f2', 'f3', 'a.loop.test.ts', 'b.loop.test.ts', 'c.loop.test.ts'], (f) => f, 2);
    expect(order).toEqual(['a.loop.test.ts', 'f0', 'b.loop.test.ts', 'f1', 'c.loop.test.ts', 'f2', 'f3']);
    // More holders than time to spread them in: the rest run last, one after another.
    expect(arrange(['f0', 'a.loop.test.ts', 'b.loop.test.ts', 'c.loop.test.ts'], (f) => f, 2)).toEqual(['a.loop.test.ts', 'f0', 'b.loop.test.ts', 'c.loop.test.ts']);
  });
});
