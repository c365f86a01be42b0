// Start a long-running command the way the run engine needs it: its own session (an ssh drop or a crash of
// ciab does not reach it), stdin closed, stdout and stderr into a file (a pipe would break when ciab dies).
import { spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';

export interface DetachedChild {
  pid: number;
  /** Resolves when the child exits: its code, or 128 + signal number when a signal ended it. */
  exited: Promise<{ code: number; signal: NodeJS.Signals | null }>;
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

export function spawnDetached(command: string, args: readonly string[], options: { cwd: string; env: Record<string, string>; outputFile: string }): DetachedChild {
  const fd = openSync(options.outputFile, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND, 0o600);
  try {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', fd, fd] });
    const exited = new Promise<{ code: number; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', (error) => resolve({ code: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 126, signal: null }));
      child.once('exit', (code, signal) => resolve({ code: code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 0) : 0), signal }));
    });
    return { pid: child.pid ?? -1, exited };
  } finally {
    closeSync(fd);
  }
}
