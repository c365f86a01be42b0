// The edge: every read of the machine goes through a HostReader. Real implementation in ./host.ts,
// a fixture-backed one for tests in test/fakes/fixture-host.ts. Nothing here throws for a missing
// file or a failed command: callers turn absence into an unknown fact with a note.

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
  /** Run a command without a shell; never throws. */
  run(command: string, args: readonly string[], options?: { timeoutMs?: number }): Promise<CommandResult>;
  /** Free bytes on the filesystem holding path, or null. */
  freeBytes(path: string): Promise<number | null>;
  /** Resolve and connect to host:port, with a timeout. */
  tcpConnect(host: string, port: number, timeoutMs: number): Promise<TcpProbe>;
  hostname(): string;
  arch(): string;
  isRoot(): boolean;
  now(): Date;
}
