// The run lock: one install or destroy at a time. Created with O_EXCL; it names its holder by pid, pid start time
// and boot id, so a lock left by a dead process or an earlier boot is recognised and taken over, while a live
// holder, or a still-running orphaned ansible child of a dead one, keeps others out.
import { closeSync, constants, openSync, renameSync, writeFileSync, writeSync, fsyncSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isProcessAlive, readBootId, readPidStart } from './proc.js';
import { ensureDir, readTextOrNull, writeFileAtomic } from './run-files.js';

export const LockInfo = z.object({
  pid: z.number().int(),
  pidStart: z.number().nullable(),
  bootId: z.string().nullable(),
  action: z.string(),
  runDir: z.string(),
  startedAt: z.string(),
  childPid: z.number().int().nullable(),
  childStart: z.number().nullable(),
});
export type LockInfo = z.infer<typeof LockInfo>;

export type LockHolder =
  | { kind: 'running'; info: LockInfo }
  /** ciab is gone but the ansible child it started still runs. */
  | { kind: 'orphan'; info: LockInfo };

export interface Lock {
  readonly file: string;
  readonly info: LockInfo;
  setChild(pid: number | null): void;
  release(): void;
}

/** Who holds the lock now, or null when it is free or stale. */
export function inspectLock(file: string): LockHolder | null {
  const text = readTextOrNull(file);
  if (text === null) return null;
  let info: LockInfo;
  try {
    info = LockInfo.parse(JSON.parse(text));
  } catch {
    return null; // a torn or foreign file: nobody can be proven to hold it
  }
  const bootId = readBootId();
  if (info.bootId !== null && bootId !== null && info.bootId !== bootId) return null; // an earlier boot
  if (isProcessAlive(info.pid, info.pidStart)) return { kind: 'running', info };
  if (info.childPid !== null && isProcessAlive(info.childPid, info.childStart)) return { kind: 'orphan', info };
  return null;
}

export class LockedError extends Error {
  override readonly name = 'LockedError';
  constructor(readonly holder: LockHolder) {
    super(`another ciab ${holder.info.action} holds the lock`);
  }
}

/** Take the lock or throw LockedError; a stale lock is replaced by an atomic rename. */
export function acquireLock(file: string, action: string, runDir: string, now: Date): Lock {
  ensureDir(path.dirname(file));
  const info: LockInfo = {
    pid: process.pid,
    pidStart: readPidStart(process.pid),
    bootId: readBootId(),
    action,
    runDir,
    startedAt: now.toISOString(),
    childPid: null,
    childStart: null,
  };
  const text = `${JSON.stringify(info)}\n`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return makeLock(file, info);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = inspectLock(file);
    if (holder) throw new LockedError(holder);
    // Stale: replace it whole. Two takers racing both rename; the loser sees the winner's live pid next time.
    const temp = `${file}.take-${process.pid}`;
    writeFileAtomic(temp, text);
    renameSync(temp, file);
    const now2 = inspectLock(file);
    if (now2?.info.pid === process.pid) return makeLock(file, info);
  }
  const holder = inspectLock(file);
  if (holder) throw new LockedError(holder);
  throw new Error(`cannot take the lock ${file}`);
}

function makeLock(file: string, info: LockInfo): Lock {
  let current = info;
  return {
    file,
    get info() {
      return current;
    },
    setChild(pid) {
      current = { ...current, childPid: pid, childStart: pid === null ? null : readPidStart(pid) };
      // Rename without fsync: the lock lives on tmpfs and must name the child within a millisecond of its start,
      // or a ciab killed in between leaves an orphan nobody waits for.
      const temp = `${file}.child-${process.pid}`;
      writeFileSync(temp, `${JSON.stringify(current)}\n`);
      renameSync(temp, file);
    },
    release() {
      const text = readTextOrNull(file);
      if (text && text.includes(`"pid":${process.pid},`)) rmSync(file, { force: true });
    },
  };
}
