// File reads and writes of the installer's own data (profiles, answers, rendered files) — the one place that
// touches the filesystem outside detection.
import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../model/errors.js';

/** The project folder (holds profiles/, templates/, ansible/), found from this file's place in dist/. */
export const PROJECT_ROOT = path.join(import.meta.dirname, '..', '..');

/** Read a file the user named; a missing or unreadable file is their error, not a crash. */
export async function readUserFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code;
    throw new UserError(`${file}: cannot read ${what} (${why})`);
  }
}

export async function readOptionalFile(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}

export async function fileExists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

export async function listYamlFiles(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    throw new UserError(`${dir}: cannot read the profiles folder`);
  }
  return entries.filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}
