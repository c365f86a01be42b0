// Quick synchronous looks at a file a person named (the offline bundle): the plan is worked out synchronously
// for every keystroke of the wizard, so its checks are handed a function, not a promise.
import { closeSync, constants, openSync, statSync } from 'node:fs';

/**
 * Why a file cannot be read, or null when it is a regular file this process can open for reading. Never reads
 * its content and never waits: a FIFO is refused by its type before any open (O_NONBLOCK besides, for a race).
 */
export function unreadableFileReason(file: string): string | null {
  let kind: 'file' | 'dir' | 'other';
  try {
    const info = statSync(file);
    kind = info.isFile() ? 'file' : info.isDirectory() ? 'dir' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'does not exist';
    if (code === 'ENOTDIR') return 'does not exist (a part of the path is a file)';
    if (code === 'ELOOP') return 'is a symlink loop';
    if (code === 'EACCES') return 'cannot be reached (permission denied on a folder)';
    return `cannot be checked (${code ?? 'error'})`;
  }
  if (kind === 'dir') return 'is a folder, not a file';
  if (kind === 'other') return 'is not a regular file';
  try {
    closeSync(openSync(file, constants.O_RDONLY | constants.O_NONBLOCK));
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM' ? 'is not readable (permission denied)' : `cannot be opened (${code ?? 'error'})`;
  }
}
