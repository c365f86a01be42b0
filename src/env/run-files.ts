// The run engine's own files: state written atomically (temp, fsync, rename, fsync of the folder), one folder
// per run with a `latest` link and the last 20 kept, append-only logs, and tails of files another process writes.
import { closeSync, constants, fsyncSync, openSync, readSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeSync, readdirSync, readFileSync, existsSync, mkdirSync, fstatSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

export function ensureDir(dir: string, mode = 0o755): void {
  mkdirSync(dir, { recursive: true, mode });
}

/** Replace file with content so a reader sees the old or the new file, never a torn one, even after a crash. */
export function writeFileAtomic(file: string, content: string, mode = 0o644): void {
  ensureDir(path.dirname(file));
  const temp = `${file}.tmp-${process.pid}`;
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  const dirFd = openSync(path.dirname(file), constants.O_RDONLY);
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

export function readTextOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function pathExists(file: string): boolean {
  return existsSync(file);
}

export function removeFile(file: string): void {
  rmSync(file, { force: true });
}

/** Remove a folder and everything in it (nothing when it is not there). */
export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Create an empty file readable only by us (raw output that may hold secrets until it is redacted). */
export function createPrivateFile(file: string): void {
  closeSync(openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600));
}

/** The name and folder the next run gets (created by createRunDir). */
export function nextRunDir(runsDir: string, action: string, now: Date): { runId: string; runDir: string } {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  let runId = `${stamp}-${action}`;
  for (let n = 2; existsSync(path.join(runsDir, runId)); n += 1) runId = `${stamp}-${action}-${n}`;
  return { runId, runDir: path.join(runsDir, runId) };
}

/** Create the run's folder, point `latest` at it, and keep only the newest `keep` runs. */
export function createRunDir(runsDir: string, runId: string, keep = 20): string {
  ensureDir(runsDir, 0o750);
  const runDir = path.join(runsDir, runId);
  mkdirSync(runDir, { mode: 0o750 });
  const link = path.join(runsDir, 'latest');
  const tempLink = `${link}.tmp-${process.pid}`;
  rmSync(tempLink, { force: true });
  symlinkSync(runId, tempLink);
  renameSync(tempLink, link);
  const runs = readdirSync(runsDir)
    .filter((name) => /^\d{8}-\d{6}-/.test(name))
    .sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - keep))) rmSync(path.join(runsDir, old), { recursive: true, force: true });
  return runDir;
}

/** An append-only file kept open; each line is written whole with one write(2). */
export class LineAppender {
  private readonly fd: number;
  private lines = 0;
  constructor(readonly file: string, mode = 0o640) {
    ensureDir(path.dirname(file));
    this.fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, mode);
  }
  /** Writes the line; returns its 1-based line number in this file. */
  append(line: string): number {
    writeSync(this.fd, `${line}\n`);
    this.lines += 1;
    return this.lines;
  }
  sync(): void {
    fsyncSync(this.fd);
  }
  close(): void {
    try {
      fsyncSync(this.fd);
    } catch {
      // a file on a filesystem without fsync support still closes
    }
    closeSync(this.fd);
  }
}

/**
 * Reads the complete lines another process appended since the last call. A partial last line waits for its
 * newline; `flush()` hands it over once the writer is gone.
 */
export class FileTail {
  private offset = 0;
  private partial = '';
  private readonly buffer = Buffer.alloc(256 * 1024);
  private readonly decoder = new StringDecoder('utf8');
  constructor(readonly file: string) {}

  /** At most about maxBytes per call, so a burst never sits in memory whole; call again until it returns []. */
  readLines(maxBytes = 1024 * 1024): string[] {
    let fd: number;
    try {
      fd = openSync(this.file, constants.O_RDONLY);
    } catch {
      return [];
    }
    const lines: string[] = [];
    let read = 0;
    try {
      if (fstatSync(fd).size < this.offset) this.offset = 0; // truncated: start over
      for (;;) {
        const n = readSync(fd, this.buffer, 0, this.buffer.length, this.offset);
        if (n <= 0) break;
        this.offset += n;
        const text = this.partial + this.decoder.write(this.buffer.subarray(0, n));
        const parts = text.split('\n');
        this.partial = parts.pop() ?? '';
        for (const p of parts) lines.push(p);
        read += n;
        if (read >= maxBytes) break;
      }
    } finally {
      closeSync(fd);
    }
    return lines;
  }

  /** The unterminated last line, if any (call when the writer has exited). */
  flush(): string[] {
    const rest: string[] = [];
    for (let batch = this.readLines(); batch.length > 0; batch = this.readLines()) rest.push(...batch);
    if (this.partial) rest.push(this.partial);
    this.partial = '';
    return rest;
  }
}

export function fileSize(file: string): number | null {
  try {
    return statSync(file).size;
  } catch {
    return null;
  }
}

export function removeLink(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

/** Every regular file under dir, as paths relative to it, sorted (for input hashes). */
export function listFilesRecursive(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  walk('');
  return out.sort();
}
