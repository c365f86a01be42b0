// The real HostReader: /proc, /sys, commands and sockets of this machine.
import { constants } from 'node:fs';
import { open, readdir, readFile, readlink, statfs, access } from 'node:fs/promises';
import { Socket } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { execFile } from 'node:child_process';
import type { CommandResult, HostReader, TcpProbe } from './types.js';

export function createHostReader(vars: Readonly<Record<string, string | undefined>> = process.env): HostReader {
  return {
    async readText(path) {
      try {
        return await readFile(path, 'utf8');
      } catch {
        return null;
      }
    },
    async listDir(path) {
      try {
        return await readdir(path);
      } catch {
        return null;
      }
    },
    async readLink(path) {
      try {
        return await readlink(path);
      } catch {
        return null;
      }
    },
    async exists(path) {
      try {
        await access(path, constants.F_OK);
        return true;
      } catch {
        return false;
      }
    },
    async canOpen(path, mode) {
      try {
        const handle = await open(path, mode === 'rw' ? constants.O_RDWR : constants.O_RDONLY);
        await handle.close();
        return { ok: true, error: null };
      } catch (error) {
        return { ok: false, error: (error as NodeJS.ErrnoException).code ?? String(error) };
      }
    },
    run(command, args, options = {}) {
      // node:child_process rather than execa here: detection runs on every start and execa costs
      // ~130 ms to import; execa is used where its streaming matters (the run engine).
      return new Promise<CommandResult>((resolve) => {
        const child = execFile(
          command,
          [...args],
          { timeout: options.timeoutMs ?? 10_000, env: { ...vars, LC_ALL: 'C' }, maxBuffer: 32 * 1024 * 1024 },
          (error, stdout, stderr) => {
            const err = error as (NodeJS.ErrnoException & { killed?: boolean; signal?: string }) | null;
            resolve({
              exitCode: err ? (typeof err.code === 'number' ? err.code : -1) : 0,
              stdout: String(stdout),
              stderr: String(stderr),
              notFound: err?.code === 'ENOENT',
              timedOut: Boolean(err?.killed && err.signal === 'SIGTERM'),
            });
          },
        );
        // A child that exits before reading its input closes the pipe: EPIPE is its business, not ours.
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(options.input ?? '');
      });
    },
    async freeBytes(path) {
      try {
        const stats = await statfs(path);
        return stats.bavail * stats.bsize;
      } catch {
        return null;
      }
    },
    tcpConnect(host, port, timeoutMs) {
      return new Promise<TcpProbe>((resolve) => {
        const started = performance.now();
        const socket = new Socket();
        const finish = (probe: TcpProbe) => {
          socket.destroy();
          resolve(probe);
        };
        socket.setTimeout(timeoutMs, () => finish({ ok: false, ms: null, error: `no answer within ${timeoutMs} ms` }));
        socket.once('error', (error: NodeJS.ErrnoException) =>
          finish({ ok: false, ms: null, error: error.code ?? error.message }),
        );
        socket.connect(port, host, () => finish({ ok: true, ms: Math.round(performance.now() - started), error: null }));
      });
    },
    hostname: () => os.hostname(),
    arch: () => os.arch(),
    isRoot: () => process.getuid?.() === 0,
    now: () => new Date(),
  };
}
