// The block devices and LVM are one per machine: `losetup`, `vgs` and udev see every test's loop devices and
// volume groups. So is the process table: a fake daemon in a child PID namespace is still in the host's /proc,
// where prepare-host's service scan (like kolla's `pgrep nscd`) finds it. The test files that create or watch
// these hold one machine-wide lock for their whole run, so they never overlap one another, while every other
// file runs beside them. The lock is flock(1) held by a child process: it ends when the lock is released, and
// also when the test worker dies (its stdin closes), so a crashed run leaves no stale lock. The sequencer
// (test/sequencer.ts) spreads these files over the run so that they rarely wait for each other.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/**
 * Files that hold the lock: every *.loop test; the --check run on this machine, which snapshots `losetup --list`
 * and `vgs` and scans the processes; services.netns, whose fake nscd and mysqld that scan would find.
 */
const HOLDERS = [
  /\.loop\.test\.ts$/,
  /(^|\/)test\/ansible\/prepare-host\.check\.test\.ts$/,
  /(^|\/)test\/ansible\/services\.netns\.test\.ts$/,
];

export const holdsBlockDevices = (file: string): boolean => HOLDERS.some((re) => re.test(file.split(path.sep).join('/')));

export const BLOCK_DEVICE_LOCK = path.join(os.tmpdir(), 'ciab-test-block-devices.lock');

/** Waits until this process holds the lock; the returned function releases it. */
export function lockBlockDevices(lockFile = BLOCK_DEVICE_LOCK): Promise<() => Promise<void>> {
  const child: ChildProcess = spawn('flock', ['--exclusive', lockFile, 'sh', '-c', 'echo held; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error) => reject(new Error(`flock ${lockFile}: ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`flock ${lockFile} ended (exit ${code}) before the lock was held: ${stderr.trim()}`)));
    child.stdout!.once('data', () => {
      child.removeAllListeners('exit');
      resolve(async () => {
        child.stdin!.end();
        await exited;
      });
    });
  });
}
