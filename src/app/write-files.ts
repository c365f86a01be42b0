// Write a FileSet into a folder through env.files: every file staged and fsynced before the first rename (all or
// nothing as far as the file system allows), secret files 0600 from the first byte, a diff against what is there,
// and --dry-run that writes nothing.
import path from 'node:path';
import type { Files } from '../env/types.js';
import { UserError } from '../model/errors.js';
import type { FileChange, FileSet, PlannedWrite } from '../model/files.js';

function explain(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only filesystem' : code === 'ENOSPC' ? 'no space left' : code === 'ENOTDIR' ? 'a path component is a file' : code === 'ENOENT' ? 'it cannot be created there' : (code ?? String(error));
}

/** What writing would change; reads the folder, writes nothing. */
export async function compareWithDisk(files: Files, outDir: string, fileSet: FileSet): Promise<PlannedWrite[]> {
  return Promise.all(
    fileSet.map(async (file) => {
      const target = path.join(outDir, file.path);
      const previous = await files.readOptional(target).catch(() => null);
      const mode = previous === null ? null : ((await files.stat(target))?.mode ?? null);
      const change: FileChange = previous === null ? 'create' : previous !== file.content ? 'update' : mode !== file.mode ? 'mode' : 'unchanged';
      return { file, target, change, previous };
    }),
  );
}

/** Fails early, with the flag named, when the folder cannot be written. */
export async function ensureWritableDir(files: Files, outDir: string, flag = '--out'): Promise<void> {
  try {
    await files.makeDirs(outDir);
  } catch (error) {
    throw new UserError(`${flag} ${outDir}: cannot write there (${explain(error)})`, 'choose a folder you can write, or run as root for /etc paths');
  }
  if (!(await files.canWrite(outDir))) {
    throw new UserError(`${flag} ${outDir}: cannot write there (permission denied)`, 'choose a folder you can write, or run as root for /etc paths');
  }
}

export async function writeFileSet(files: Files, outDir: string, writes: readonly PlannedWrite[]): Promise<void> {
  const pending = writes.filter((w) => w.change !== 'unchanged');
  let current = outDir;
  try {
    for (const w of pending) {
      current = w.target;
      await files.makeDirs(path.dirname(w.target));
    }
    await files.writeAtomicAll(pending.map((w) => ({ path: w.target, content: w.file.content, mode: w.file.mode })));
  } catch (error) {
    const failed = (error as { path?: string }).path ?? current;
    const shown = path.relative(outDir, failed);
    throw new UserError(`--out ${outDir}: cannot write ${shown && !shown.startsWith('..') ? shown.replace(/\.([^/]+)\.ciab-tmp-[\d-]+$/, '$1') : failed} (${explain(error)}); nothing was changed`);
  }
}
