// Write a FileSet into a folder: all or nothing per run, each file atomically (temp file + rename), secret
// files 0600 from the first byte, a diff against what is there, and --dry-run that writes nothing.
import { constants } from 'node:fs';
import { access, chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../model/errors.js';
import type { FileSet, RenderedFile } from '../model/files.js';

export type FileChange = 'create' | 'update' | 'unchanged' | 'mode';

export interface PlannedWrite {
  file: RenderedFile;
  target: string;
  change: FileChange;
  previous: string | null;
}

function explain(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only filesystem' : code === 'ENOSPC' ? 'no space left' : code === 'ENOTDIR' ? 'a path component is a file' : code === 'ENOENT' ? 'it cannot be created there' : (code ?? String(error));
}

/** What writing would change; reads the folder, writes nothing. */
export async function compareWithDisk(outDir: string, files: FileSet): Promise<PlannedWrite[]> {
  return Promise.all(
    files.map(async (file) => {
      const target = path.join(outDir, file.path);
      const previous = await readFile(target, 'utf8').catch(() => null);
      const mode = previous === null ? null : (await stat(target)).mode & 0o777;
      const change: FileChange = previous === null ? 'create' : previous !== file.content ? 'update' : mode !== file.mode ? 'mode' : 'unchanged';
      return { file, target, change, previous };
    }),
  );
}

/**
 * mkdir -p without { recursive: true }: Node's recursive mkdir spins forever on paths it cannot create but whose
 * parent exists (seen with /proc/x on Node 20), and a user may well type such a path.
 */
export async function makeDirs(dir: string): Promise<void> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  while (!(await stat(current).then((s) => s.isDirectory() || Promise.reject(Object.assign(new Error('not a directory'), { code: 'ENOTDIR' })), (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? false : Promise.reject(e))))) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of missing) {
    await mkdir(d).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
  }
}

/** Fails early, with the flag named, when the folder cannot be written. */
export async function ensureWritableDir(outDir: string): Promise<void> {
  try {
    await makeDirs(outDir);
    await access(outDir, constants.W_OK);
  } catch (error) {
    throw new UserError(`--out ${outDir}: cannot write there (${explain(error)})`, 'choose a folder you can write, or run as root for /etc paths');
  }
}

export async function writeFileSet(outDir: string, writes: readonly PlannedWrite[]): Promise<void> {
  const pending = writes.filter((w) => w.change !== 'unchanged');
  const temps: Array<{ temp: string; target: string }> = [];
  try {
    // Stage every file next to its target first; nothing is replaced until all of them are written.
    for (const w of pending) {
      await makeDirs(path.dirname(w.target));
      const temp = `${w.target}.ciab-tmp-${process.pid}`;
      temps.push({ temp, target: w.target });
      await writeFile(temp, w.file.content, { mode: w.file.mode, flag: 'w' });
      await chmod(temp, w.file.mode); // the umask may have narrowed it
    }
  } catch (error) {
    await Promise.all(temps.map((t) => rm(t.temp, { force: true })));
    const failed = temps.at(-1)?.target ?? outDir;
    throw new UserError(`--out ${outDir}: cannot write ${path.relative(outDir, failed) || failed} (${explain(error)}); nothing was changed`);
  }
  for (const t of temps) await rename(t.temp, t.target);
}
