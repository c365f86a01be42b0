// The built CLI in a real 80×24 terminal (tmux) with the stand-in kolla-ansible: `ciab install --answers` shows
// the progress screen, a failure shows the failure panel, and its resume key finishes the install on the same
// screen. Frames are awaited, never slept for.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CIAB } from '../helpers/cli.js';
import { BASE_ARGS, makeRig } from '../run/helpers.js';
import { delay } from './helpers.js';

const hasTmux = (() => {
  try {
    execFileSync('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
})();

const SOCKET = `ciab-screen-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'install');

/** Wait for a frame holding `text`; every frame seen on the way goes to `seen` (for the percentage check). */
async function waitForScreen(text: string | RegExp, seen: string[], timeoutMs = 120_000): Promise<string> {
  const start = Date.now();
  for (;;) {
    const current = screen();
    seen.push(current);
    if (typeof text === 'string' ? current.includes(text) : text.test(current)) return current;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for "${text}"; last screen:\n${current}`);
    await delay(100);
  }
}

afterAll(() => {
  if (hasTmux) {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  }
});

describe.skipIf(!hasTmux)('the progress screen in a real 80×24 terminal', () => {
  test('install --answers: progress, a failure panel, r resumes in place, the result screen', async () => {
    const rig = await makeRig();
    const once = path.join(rig.dir, 'failed-once');
    const exitFile = path.join(rig.dir, 'exit');
    const env = { ...rig.env, STANDIN_FAIL_ERROR: 'K13', STANDIN_FAIL_ONCE: once, STANDIN_SCALE: '0.05', STANDIN_TASK_MS: '30', NO_COLOR: '1', TERM: 'xterm-256color' };
    const script = path.join(rig.dir, 'run.sh');
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    writeFileSync(
      script,
      [
        '#!/bin/sh',
        // A person at a terminal: not a CI run, even when this test runs in CI.
        'unset CI',
        ...Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}`),
        `${quote(process.execPath)} ${quote(CIAB)} install --answers ${quote(rig.answers)} --state-dir ${quote(rig.stateDir)} ${BASE_ARGS.map(quote).join(' ')}`,
        `echo $? > ${quote(exitFile)}`,
        'sleep 600',
      ].join('\n'),
      { mode: 0o755 },
    );
    tmux('new-session', '-d', '-s', 'install', '-x', '80', '-y', '24', script);
    tmux('set-option', '-g', 'escape-time', '0');
    const seen: string[] = [];

    // The first frames can leave a stale row above the live region (ink redraws from its own idea of the frame's
    // height; known, not fixed yet): wait for a whole running frame, footer included, rather than the first task line.
    const running = await waitForScreen(/ · task \d+[\s\S]*d details · l log · \^C stop/, seen);
    expect(running).toMatch(/^ ciab install · Workshop · \S+ +\d+s elapsed ?$/m);
    const failed = await waitForScreen('r resume · l log · q quit', seen);
    expect(failed).toMatch(/✖ Deploy OpenStack failed/);
    expect(failed).toMatch(/task {3}\S.*bootstrap/i);
    expect(failed).toMatch(/why {4}K13 /);
    // Long paths and commands wrap under their label: join them back to read them whole.
    const unwrapped = failed.replace(/\n {10}(?=\S)/g, '');
    expect(unwrapped).toMatch(/log {4}\S+kolla-deploy\.log:\d+/);
    expect(unwrapped).toMatch(/resume ciab install --answers \S+answers\.yaml --state-dir/);
    for (const line of failed.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(existsSync(once)).toBe(true);

    tmux('send-keys', '-t', 'install', 'l');
    expect((await waitForScreen('The log', seen)).replace(/\n {3}(?=\S)/g, '')).toMatch(/kolla-deploy\.log/);
    tmux('send-keys', '-t', 'install', 'Escape');
    await waitForScreen('r resume', seen);
    tmux('send-keys', '-t', 'install', 'r');
    const done = await waitForScreen('The cloud is ready', seen);
    expect(done).toMatch(/dashboard {2}https?:\/\//);
    expect(done.replace(/\n {14}(?=\S)/g, ' ')).toMatch(/try {8}\. \S+admin-openrc\.sh && openstack service list/);
    await waitForScreen(/\S/, seen);
    const start = Date.now();
    while (!existsSync(exitFile) && Date.now() - start < 20_000) await delay(100);
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');

  }, 300_000);
});
