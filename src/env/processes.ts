// The real Processes: commands run without a shell, and detached children for the run engine.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { ExternalError } from '../model/errors.js';
import type { CommandResult, DetachedChild, ExitStatus, Processes, RunOptions } from './types.js';

const MAX_CAPTURE = 32 * 1024 * 1024;

function environment(vars: Readonly<Record<string, string | undefined>>, options: { env?: Record<string, string | undefined>; extraEnv?: Record<string, string | undefined> }): NodeJS.ProcessEnv {
  return { ...(options.env ?? vars), ...options.extraEnv, LC_ALL: 'C' };
}

function signalProcess(target: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

export function createProcesses(vars: Readonly<Record<string, string | undefined>>): Processes {
  return {
    pid: process.pid,
    run(command, args, options: RunOptions = {}) {
      return new Promise<CommandResult>((resolve) => {
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        let settled = false;
        const finish = (result: CommandResult) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(result);
        };
        const child = spawn(command, [...args], { cwd: options.cwd, env: environment(vars, options), stdio: ['pipe', 'pipe', 'pipe'] });
        const timer = options.timeoutMs
          ? setTimeout(() => {
              timedOut = true;
              child.kill('SIGTERM');
            }, options.timeoutMs)
          : undefined;
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          if (stdout.length < MAX_CAPTURE) stdout += d;
        });
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          if (stderr.length < MAX_CAPTURE) stderr += d;
        });
        child.stdin.on('error', () => {}); // a child that does not read its input
        child.stdin.end(options.input ?? '');
        child.once('error', (error: NodeJS.ErrnoException) =>
          finish({ exitCode: -1, stdout, stderr: stderr || error.message, notFound: error.code === 'ENOENT' || error.code === 'EACCES', timedOut }),
        );
        child.once('close', (code) => finish({ exitCode: code ?? -1, stdout, stderr, notFound: false, timedOut }));
      });
    },
    spawnDetached(command, args, options) {
      return new Promise<DetachedChild>((resolve, reject) => {
        let output: number;
        try {
          output = openSync(options.outputFile, 'a', 0o600);
        } catch (error) {
          reject(new ExternalError(`cannot open ${options.outputFile} for the output of ${command}`, command, (error as Error).message));
          return;
        }
        // detached: setsid() in the child, so it has its own session and process group and outlives us.
        const child = spawn(command, [...args], { cwd: options.cwd, env: environment(vars, options), detached: true, stdio: ['ignore', output, output] });
        closeSync(output);
        const exited = new Promise<ExitStatus>((done) => child.once('exit', (code, signal) => done({ code, signal })));
        child.once('error', (error) => reject(new ExternalError(`cannot start ${command}: ${error.message}`, [command, ...args].join(' '), '')));
        child.once('spawn', () => resolve({ pid: child.pid!, exited }));
      });
    },
    kill: (pid, signal) => signalProcess(pid, signal),
    killGroup: (pgid, signal) => signalProcess(-pgid, signal),
    isAlive(pid) {
      try {
        process.kill(pid, 0);
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'EPERM';
      }
    },
  };
}
