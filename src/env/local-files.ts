// The real Files: node's file system, with the durability the run engine needs (fsync of files and folders).
import { constants } from 'node:fs';
import { access, lstat, mkdir, mkdtemp, open, readdir, readlink, rename, rm, rmdir, stat, symlink, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { FileInfo, Files } from './types.js';

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

function fileError(code: string, file: string, message: string): Error {
  return Object.assign(new Error(`${file}: ${message}`), { code, path: file });
}

async function readCapped(file: string, maxBytes: number): Promise<string> {
  // O_NONBLOCK: opening a FIFO without a writer would otherwise wait forever; FIFOs and devices are refused below.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw fileError('EISDIR', file, 'is a directory');
    if (info.isFIFO()) throw fileError('ENOTREG', file, 'is a FIFO (named pipe), not a file');
    if (info.isCharacterDevice() || info.isBlockDevice()) throw fileError('ENOTREG', file, 'is a device, not a file');
    if (info.isSocket()) throw fileError('ENOTREG', file, 'is a socket, not a file');
    // Read in chunks rather than trusting stat's size: /proc files say 0, and a file may grow meanwhile.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw fileError('EFBIG', file, `larger than ${maxBytes} bytes`);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * mkdir -p without { recursive: true }: Node's recursive mkdir spins forever on paths it cannot create but whose
 * parent exists (seen with /proc/x on Node 20), and a user may well type such a path.
 */
export async function makeDirs(dir: string, mode?: number): Promise<void> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const info = await stat(current).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
    if (info) {
      if (!info.isDirectory()) throw fileError('ENOTDIR', current, 'not a directory');
      break;
    }
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing) {
    await mkdir(d, mode === undefined ? undefined : { mode }).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

let tempCounter = 0;
function tempName(target: string): string {
  tempCounter += 1;
  return path.join(path.dirname(target), `.${path.basename(target)}.ciab-tmp-${process.pid}-${tempCounter}`);
}

async function writeSynced(file: string, content: string | Uint8Array, mode: number, flags: number): Promise<void> {
  const handle = await open(file, flags, mode);
  try {
    await handle.writeFile(content);
    await handle.chmod(mode); // the umask may have narrowed it
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function createLocalFiles(): Files {
  const files: Files = {
    readText: (file, options = {}) => readCapped(file, options.maxBytes ?? DEFAULT_MAX_BYTES),
    async readOptional(file, options = {}) {
      try {
        return await readCapped(file, options.maxBytes ?? DEFAULT_MAX_BYTES);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    list: async (dir) => (await readdir(dir)).sort(),
    async stat(file) {
      const info = await lstat(file).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
      if (!info) return null;
      const kind: FileInfo['kind'] = info.isFile() ? 'file' : info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'link' : 'other';
      return { kind, size: info.size, mode: info.mode & 0o777, mtimeMs: info.mtimeMs };
    },
    exists: (file) =>
      access(file, constants.F_OK).then(
        () => true,
        () => false,
      ),
    // access() alone says yes to root everywhere, also on /proc, sysfs or a read-only mount; a folder made and
    // removed at once is the true test (and leaves nothing behind).
    async canWrite(dir) {
      try {
        await access(dir, constants.W_OK);
        await rmdir(await mkdtemp(path.join(dir, '.ciab-write-test-')));
        return true;
      } catch {
        return false;
      }
    },
    writeAtomic: (file, content, options = {}) => files.writeAtomicAll([{ path: file, content, mode: options.mode }]),
    async writeAtomicAll(writes) {
      const staged: Array<{ temp: string; target: string }> = [];
      try {
        for (const w of writes) {
          const temp = tempName(w.path);
          staged.push({ temp, target: w.path });
          await writeSynced(temp, w.content, w.mode ?? 0o644, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
        }
      } catch (error) {
        await Promise.all(staged.map((s) => rm(s.temp, { force: true })));
        throw error;
      }
      let renamed = 0;
      try {
        for (const s of staged) {
          await rename(s.temp, s.target);
          renamed += 1;
        }
      } finally {
        // A rename that fails (a folder in the way) leaves no temp files behind; the error says which target.
        await Promise.all(staged.slice(renamed).map((s) => rm(s.temp, { force: true })));
      }
      for (const dir of new Set(staged.map((s) => path.dirname(s.target)))) await syncDir(dir);
    },
    async append(file, content, options = {}) {
      const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, options.mode ?? 0o644);
      try {
        await handle.appendFile(content);
        if (options.sync) await handle.sync();
      } finally {
        await handle.close();
      }
    },
    makeDirs: (dir, options = {}) => makeDirs(dir, options.mode),
    remove: (file, options = {}) => rm(file, { force: true, recursive: Boolean(options.recursive) }),
    async symlink(target, link) {
      const temp = tempName(link);
      await symlink(target, temp);
      try {
        await rename(temp, link);
      } catch (error) {
        await unlink(temp).catch(() => {});
        throw error;
      }
    },
    readLink: (file) => readlink(file).catch(() => null),
    rename: (from, to) => rename(from, to),
    async createExclusive(file, content, options = {}) {
      try {
        await writeSynced(file, content, options.mode ?? 0o644, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
      await syncDir(path.dirname(file));
      return true;
    },
  };
  return files;
}

