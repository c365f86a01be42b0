// A real terminal for the screen tests: a private tmux server (its own socket, named with the pid), panes of a
// fixed size, keys as a person types them, and the screen read with capture-pane. What a key does is always
// waited for on the screen, never slept for.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { waitFor } from './wait.js';

export const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
})();

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Tmux {
  /** Any tmux command on this server. */
  run(...args: string[]): string;
  /** A detached session of `columns`×`rows` running `command` (a shell command line). */
  start(session: string, command: string, options?: { columns?: number; rows?: number; env?: Record<string, string> }): void;
  /** What the pane shows now, one line per row. */
  screen(session: string): string;
  /** Wait for a frame holding `text`; every frame read on the way is pushed to `seen` when given. */
  waitForScreen(session: string, text: string | RegExp, options?: { timeoutMs?: number; seen?: string[] }): Promise<string>;
  /** Is the pane's terminal in raw mode now (no line discipline between keys and the program)? One read. */
  rawMode(session: string): boolean;
  /** tmux key names ("Enter", "Tab", "C-c"), paced as a person types. */
  keys(session: string, ...names: string[]): Promise<void>;
  /** Literal text. */
  type(session: string, text: string): Promise<void>;
  /** Stop the server and everything in it. */
  kill(): void;
}

export function createTmux(name: string): Tmux {
  const socket = `${name}-${process.pid}`;
  const run = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const screen = (session: string) => run('capture-pane', '-p', '-t', session);
  let started = false;
  return {
    run,
    start(session, command, options = {}) {
      const env = Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
      run('new-session', '-d', '-s', session, '-x', String(options.columns ?? 80), '-y', String(options.rows ?? 24), ...env, command);
      if (!started) run('set-option', '-g', 'escape-time', '0');
      started = true;
    },
    screen,
    waitForScreen(session, text, options = {}) {
      const read = () => {
        const current = screen(session);
        options.seen?.push(current);
        return current;
      };
      return waitFor(read, text, { timeoutMs: options.timeoutMs ?? 60_000, what: `the tmux pane ${session}` });
    },
    rawMode(session) {
      const tty = run('display-message', '-p', '-t', session, '#{pane_tty}').trim();
      return /(^|\s)-icanon(\s|$)/.test(execFileSync('stty', ['-a', '-F', tty], { encoding: 'utf8' }));
    },
    async keys(session, ...names) {
      for (const key of names) {
        run('send-keys', '-t', session, key);
        await pause(150);
      }
    },
    async type(session, text) {
      run('send-keys', '-t', session, '-l', text);
      await pause(150);
    },
    kill() {
      try {
        run('kill-server');
      } catch {
        // already gone
      }
    },
  };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * A script for a pane: a person's terminal (CI unset, even when the tests run in CI), `env` exported, `argv` run,
 * its exit code written to `exitFile`, and the pane kept open for reading.
 */
export function writePaneScript(file: string, argv: string[], env: Record<string, string>, exitFile: string): string {
  writeFileSync(
    file,
    ['#!/bin/sh', 'unset CI', ...Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}`), argv.map(quote).join(' '), `echo $? > ${quote(exitFile)}`, 'sleep 600', ''].join('\n'),
    { mode: 0o755 },
  );
  return file;
}
