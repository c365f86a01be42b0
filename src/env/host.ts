// The real HostReader: /proc, /sys, commands and sockets of this machine.
import { constants } from 'node:fs';
import { open, readdir, readFile, readlink, statfs, access } from 'node:fs/promises';
import { Socket } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import type { CommandResult, HostReader, TcpProbe } from './types.js';

export function createHostReader(): HostReader {
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
    async run(command, args, options = {}) {
      const result = await execa(command, args, {
        reject: false,
        timeout: options.timeoutMs ?? 10_000,
        stdin: 'ignore',
        env: { LC_ALL: 'C' },
      });
      const notFound = (result as { code?: string }).code === 'ENOENT';
      const commandResult: CommandResult = {
        exitCode: typeof result.exitCode === 'number' ? result.exitCode : -1,
        stdout: typeof result.stdout === 'string' ? result.stdout : '',
        stderr: typeof result.stderr === 'string' ? result.stderr : '',
        notFound,
        timedOut: Boolean(result.timedOut),
      };
      return commandResult;
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
