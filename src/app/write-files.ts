// Write a FileSet into a folder through env.files: every target checked before the first byte, every file staged
// and fsynced before the first rename (all or nothing as far as the file system allows, across folders too),
// secret files 0600 from the first byte, a diff against what is there, a manifest of what ciab wrote (so a
// re-render removes the files the new plan no longer makes, and only those), and --dry-run that writes nothing.
import path from 'node:path';
import type { Files } from '../env/types.js';
import { UserError } from '../model/errors.js';
import type { FileChange, FileSet, PlannedWrite, RenderedFile } from '../model/files.js';

/** The list of files ciab wrote into a folder, one relative path a line. */
export const MANIFEST = '.ciab-files';

function explain(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM'
    ? 'permission denied'
    : code === 'EROFS'
      ? 'read-only filesystem'
      : code === 'ENOSPC'
        ? 'no space left'
        : code === 'ENOTDIR'
          ? 'a path component is a file'
          : code === 'ELOOP'
            ? 'a symlink loop'
            : code === 'EISDIR'
              ? 'a folder is in the way'
              : code === 'ENOENT'
                ? 'it cannot be created there'
                : (code ?? String(error));
}

/** Refuse folder flags that cannot be meant: empty (the current folder, silently) and / itself. */
export function checkFolderFlag(raw: string | undefined, flag: string, cwd: string): void {
  if (raw === undefined) return;
  if (raw.trim() === '') throw new UserError(`${flag}: the folder name is empty`, `name a folder, e.g. ${flag} ./cloud-config`);
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw new UserError(`${flag}: the folder name contains control characters`);
  if (path.resolve(cwd, raw) === '/') throw new UserError(`${flag} ${raw}: refusing to write into the root folder`, `name a folder of its own, e.g. ${flag} /etc/ciab`);
}

function manifestText(fileSet: FileSet): string {
  return `${[...fileSet.map((f) => f.path), MANIFEST].sort().join('\n')}\n`;
}

/** What writing would change (and which files of an earlier render it would remove); reads the folder, writes nothing. */
export async function compareWithDisk(files: Files, outDir: string, fileSet: FileSet, { manifest = true } = {}): Promise<PlannedWrite[]> {
  const all: RenderedFile[] = manifest ? [...fileSet, { path: MANIFEST, mode: 0o644, content: manifestText(fileSet), secret: false }] : [...fileSet];
  const writes = await Promise.all(
    all.map(async (file) => {
      const target = path.join(outDir, file.path);
      const previous = await files.readOptional(target).catch(() => null);
      const mode = previous === null ? null : ((await files.stat(target))?.mode ?? null);
      const change: FileChange = previous === null ? 'create' : previous !== file.content ? 'update' : mode !== file.mode ? 'mode' : 'unchanged';
      return { file, target, change, previous };
    }),
  );
  if (!manifest) return writes;
  // Only what an earlier render listed is ever removed: files a person put beside it stay.
  const earlier = await files.readOptional(path.join(outDir, MANIFEST)).catch(() => null);
  const now = new Set(all.map((f) => f.path));
  const stale = (earlier ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((rel) => rel !== '' && !now.has(rel) && !path.isAbsolute(rel) && !rel.split('/').includes('..'));
  const removals = await Promise.all(
    stale.map(async (rel): Promise<PlannedWrite | null> => {
      const target = path.join(outDir, rel);
      const info = await files.stat(target).catch(() => null);
      if (info?.kind !== 'file') return null;
      return { file: { path: rel, mode: info.mode, content: '', secret: false }, target, change: 'remove', previous: null };
    }),
  );
  return [...writes, ...removals.filter((r): r is PlannedWrite => r !== null)];
}

/** The nearest existing folder at or above dir, checked to be a folder; throws a UserError naming the flag. */
async function nearestFolder(files: Files, dir: string, flag: string, shown: string): Promise<string> {
  let current = path.resolve(dir);
  for (;;) {
    let info;
    try {
      info = await files.stat(current);
    } catch (error) {
      // A file further up: the loop reaches it and names it.
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') info = null;
      else throw new UserError(`${flag} ${shown}: cannot write there (${current}: ${explain(error)}); nothing was written`);
    }
    if (info?.kind === 'link') {
      // A link is fine when it leads to a folder; a loop or a file is not.
      try {
        await files.list(current);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UserError(`${flag} ${shown}: ${current} is ${code === 'ELOOP' ? 'a symlink loop' : code === 'ENOTDIR' ? 'a link to a file, not a folder' : `a link that does not lead to a folder (${explain(error)})`}; nothing was written`);
      }
      return current;
    }
    if (info) {
      if (info.kind !== 'dir') throw new UserError(`${flag} ${shown}: ${current} is ${info.kind === 'file' ? 'a file' : 'not a folder'}, where a folder must be; nothing was written`);
      return current;
    }
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

/** Fails early, with the flag named, when the folder cannot be written. Leaves nothing behind. */
export async function ensureWritableDir(files: Files, outDir: string, flag = '--out'): Promise<void> {
  const existing = await nearestFolder(files, outDir, flag, outDir);
  if (!(await files.canWrite(existing))) {
    throw new UserError(`${flag} ${outDir}: cannot write there (nothing can be created in ${existing}); nothing was written`, 'choose a folder you can write to (as root for /etc paths; /proc, /sys and read-only mounts take nothing)');
  }
}

/**
 * Every target of the writes checked before anything is written: no folder where a file goes (passwords.yml as a
 * folder), no file where a folder must be, folders writable.
 */
export async function checkTargets(files: Files, outDir: string, writes: readonly PlannedWrite[], flag = '--out'): Promise<void> {
  await ensureWritableDir(files, outDir, flag);
  const checkedDirs = new Set<string>();
  for (const w of writes) {
    if (w.change === 'unchanged' || w.change === 'remove') continue;
    const info = await files.stat(w.target).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return null; // nearestFolder names the file in the way
      throw new UserError(`${flag} ${outDir}: cannot write ${w.file.path} (${explain(error)}); nothing was written`);
    });
    if (info && info.kind !== 'file') {
      throw new UserError(`${flag} ${outDir}: ${w.file.path} is ${info.kind === 'dir' ? 'a folder' : info.kind === 'link' ? 'a symbolic link' : 'not a regular file'} where ciab writes a file; move it away; nothing was written`);
    }
    const dir = path.dirname(w.target);
    if (checkedDirs.has(dir)) continue;
    checkedDirs.add(dir);
    const existing = await nearestFolder(files, dir, flag, outDir);
    if (!(await files.canWrite(existing))) throw new UserError(`${flag} ${outDir}: cannot write into ${existing} (nothing can be created there); nothing was written`);
  }
}

export interface FolderWrites {
  outDir: string;
  flag: string;
  writes: readonly PlannedWrite[];
}

/**
 * Write into one or more folders, all or nothing: every target is checked first, every file of every folder is
 * staged before the first rename, and files an earlier render made that the plan no longer makes are removed last.
 */
export async function writeFolders(files: Files, folders: readonly FolderWrites[]): Promise<void> {
  for (const f of folders) await checkTargets(files, f.outDir, f.writes, f.flag);
  const pending = folders.flatMap((f) => f.writes.filter((w) => w.change !== 'unchanged' && w.change !== 'remove').map((w) => ({ ...w, folder: f })));
  let current = folders[0];
  try {
    for (const w of pending) {
      current = w.folder;
      await files.makeDirs(path.dirname(w.target));
    }
    await files.writeAtomicAll(pending.map((w) => ({ path: w.target, content: w.file.content, mode: w.file.mode })));
  } catch (error) {
    const failedPath = (error as { path?: string }).path;
    const folder = folders.find((f) => failedPath?.startsWith(`${f.outDir}/`)) ?? current!;
    const shown = (failedPath ? path.relative(folder.outDir, failedPath).replace(/\.([^/]+)\.ciab-tmp-[\d-]+$/, '$1') : '') || 'the folder itself';
    throw new UserError(`${folder.flag} ${folder.outDir}: cannot write ${shown} (${explain(error)}); nothing was changed`);
  }
  for (const f of folders) for (const w of f.writes) if (w.change === 'remove') await files.remove(w.target);
}

export async function writeFileSet(files: Files, outDir: string, writes: readonly PlannedWrite[], flag = '--out'): Promise<void> {
  await writeFolders(files, [{ outDir, flag, writes }]);
}
