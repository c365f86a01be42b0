// The edge: every side effect of the installer goes through an Env, built once in main (createEnv in ./index.ts)
// and passed down. Tests pass a fake or a sandbox. Readers of the machine (detect) use the HostReader, which never
// throws for a missing file or a failed command: callers turn absence into an unknown fact with a note.
import type { RsaKeyGenerator } from './rsa-keys.js';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The command was not found or could not be started. */
  notFound: boolean;
  timedOut: boolean;
}

export interface TcpProbe {
  ok: boolean;
  ms: number | null;
  error: string | null;
}

export interface HostReader {
  /** File contents, or null when missing or unreadable. */
  readText(path: string): Promise<string | null>;
  /** Entry names of a directory, or null when missing. */
  listDir(path: string): Promise<string[] | null>;
  /** Target of a symlink, or null when not a link. */
  readLink(path: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  /** Try to open a path (e.g. /dev/kvm read-write) and close it again. */
  canOpen(path: string, mode: 'r' | 'rw'): Promise<{ ok: boolean; error: string | null }>;
  /** Run a command without a shell; never throws. input is written to its stdin (e.g. a script for `python3 -`). */
  run(command: string, args: readonly string[], options?: { timeoutMs?: number; input?: string }): Promise<CommandResult>;
  /** Free bytes on the filesystem holding path, or null. */
  freeBytes(path: string): Promise<number | null>;
  /** Resolve and connect to host:port, with a timeout. */
  tcpConnect(host: string, port: number, timeoutMs: number): Promise<TcpProbe>;
  hostname(): string;
  arch(): string;
  isRoot(): boolean;
  now(): Date;
}

/** What a file-system call failed with: the errno code (ENOENT, EACCES…) and the path. Thrown by Files. */
export interface FileError extends Error {
  code?: string;
  path?: string;
}

export interface FileInfo {
  kind: 'file' | 'dir' | 'link' | 'other';
  size: number;
  /** Permission bits (mode & 0o777). */
  mode: number;
  mtimeMs: number;
}

/**
 * The installer's own files (profiles, templates, answers, rendered configuration, run state, logs, the lock).
 * Unlike the HostReader these throw (a FileError with its code) so callers can name the file and the reason.
 */
export interface Files {
  /**
   * Read a text file; refuses files larger than maxBytes (default 16 MiB) with code EFBIG, and FIFOs, devices and
   * sockets with code ENOTREG (without waiting for a writer).
   */
  readText(path: string, options?: { maxBytes?: number }): Promise<string>;
  /** Like readText, but null when the file does not exist (other errors still throw). */
  readOptional(path: string, options?: { maxBytes?: number }): Promise<string | null>;
  /** Entry names of a folder, sorted. */
  list(dir: string): Promise<string[]>;
  /** Information about a path without following a final symlink; null when it does not exist. */
  stat(path: string): Promise<FileInfo | null>;
  exists(path: string): Promise<boolean>;
  /** Can this process create files in the folder? (Tried: a folder is made in it and removed at once.) */
  canWrite(dir: string): Promise<boolean>;
  /**
   * Replace a file atomically: write a temp file beside it (mode from the first byte), fsync it, rename it over the
   * target, fsync the folder. A crash (even SIGKILL) leaves the old or the new content, never a mix.
   */
  writeAtomic(path: string, content: string | Uint8Array, options?: { mode?: number }): Promise<void>;
  /**
   * Several files, all or nothing as far as a file system allows: every temp file is written and fsynced before
   * the first rename; a failure while staging removes the temp files and changes nothing.
   */
  writeAtomicAll(writes: ReadonlyArray<{ path: string; content: string | Uint8Array; mode?: number }>): Promise<void>;
  /** Append to a file (created with mode 0644 or the given one), optionally fsynced. */
  append(path: string, content: string | Uint8Array, options?: { mode?: number; sync?: boolean }): Promise<void>;
  /** mkdir -p (see makeDirs for why not { recursive: true }). */
  makeDirs(dir: string, options?: { mode?: number }): Promise<void>;
  /** rm -f, or rm -rf with recursive. Never fails for a missing path. */
  remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  /** Point link at target, replacing an existing link atomically. */
  symlink(target: string, link: string): Promise<void>;
  readLink(path: string): Promise<string | null>;
  rename(from: string, to: string): Promise<void>;
  /**
   * Create a file that must not exist yet (O_CREAT | O_EXCL), write content, fsync: the lock. Returns false when
   * it already exists; other errors throw.
   */
  createExclusive(path: string, content: string, options?: { mode?: number }): Promise<boolean>;
}

export interface ExitStatus {
  /** The exit code, or null when a signal ended it. */
  code: number | null;
  signal: string | null;
}

export interface RunOptions {
  cwd?: string;
  /** Replaces the environment when given (LC_ALL=C is always added); otherwise the Env's vars are inherited. */
  env?: Record<string, string | undefined>;
  /** Added to the inherited environment. */
  extraEnv?: Record<string, string | undefined>;
  timeoutMs?: number;
  input?: string;
}

export interface SpawnDetachedOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  extraEnv?: Record<string, string | undefined>;
  /** stdout and stderr both go here (appended; created 0600 if missing). */
  outputFile: string;
}

export interface DetachedChild {
  pid: number;
  /** Settles when the child exits (only while this process lives: a reattaching process polls isAlive instead). */
  exited: Promise<ExitStatus>;
}

export interface Processes {
  /** Run a command (no shell) and capture its output; never throws for a non-zero exit or a missing command. */
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /**
   * Start a child in its own session (setsid: its own process group, no controlling terminal), with stdin from
   * /dev/null and stdout+stderr appended to a file, so it survives this process and a closed terminal.
   * Throws an ExternalError when it cannot start.
   */
  spawnDetached(command: string, args: readonly string[], options: SpawnDetachedOptions): Promise<DetachedChild>;
  /** Send a signal to one process; false when it no longer exists. */
  kill(pid: number, signal: NodeJS.Signals): boolean;
  /** Send a signal to a process group (the detached child's pid is its group id); false when it no longer exists. */
  killGroup(pgid: number, signal: NodeJS.Signals): boolean;
  /** Does the process exist (signal 0; EPERM counts as alive)? */
  isAlive(pid: number): boolean;
  /** This process's id. */
  readonly pid: number;
}

export interface Clock {
  /** Wall-clock time. */
  now(): Date;
  /** Monotonic milliseconds, for durations. */
  monotonicMs(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface TerminalStream extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface Terminal {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: TerminalStream;
  stderr: TerminalStream;
  /** stdin and stdout are both terminals, not in CI and TERM is not dumb: a person can be asked. */
  interactive: boolean;
  /** Size of stdout (80×24 when it is not a terminal). */
  columns(): number;
  rows(): number;
  /** Colour on stdout: a TTY, NO_COLOR unset, TERM not dumb (FORCE_COLOR forces it). */
  colour(stream?: 'stdout' | 'stderr'): boolean;
}

export type SignalName = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export interface Signals {
  /** Handle a signal; while any handler is registered the default (exit) is suppressed. Returns unsubscribe. */
  on(name: SignalName, handler: (name: SignalName) => void): () => void;
}

export interface Env {
  /** Reads the machine (detect): files, /proc, /sys, commands, sockets. */
  host: HostReader;
  files: Files;
  processes: Processes;
  clock: Clock;
  terminal: Terminal;
  signals: Signals;
  /** The process environment. */
  vars: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** The folder holding profiles/, templates/, ansible/. */
  projectRoot: string;
  /** A new RSA key maker (one per installer, stopped on Ctrl-C): child processes here, fixture keys in tests. */
  rsaKeys: () => RsaKeyGenerator;
}
