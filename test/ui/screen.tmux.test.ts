// The built CLI in a real 80×24 terminal (tmux) with the stand-in kolla-ansible: `ciab install --answers` shows
// the progress screen, a failure shows the failure panel, and its resume key finishes the install on the same
// screen; the wizard goes straight from Confirm into the install; a second terminal (and one after an ssh drop)
// shows a running install's progress instead of a lock error. Frames are awaited, never slept for.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { CIAB, runCiab } from '../helpers/cli.js';
import { seedPasswords } from '../helpers/passwords.js';
import { describeIfAvailable } from '../helpers/require.js';
import { createTmux, hasTmux, writePaneScript } from '../helpers/tmux.js';
import { waitUntil } from '../helpers/wait.js';
import { BASE_ARGS, filesUnder, makeRig, rigEnv, tempDir } from '../run/helpers.js';

const term = createTmux('ciab-screen');
const HEADER = /^ ciab install · Workshop · \S+ +\d+(?:m\d+)?s elapsed ?$/m;

afterAll(() => {
  if (hasTmux) term.kill();
});

/** Every frame seen: lines within the pane's width, and the live region drawn once (never a header left above it). */
function expectWholeFrames(frames: string[], columns = 80): void {
  for (const frame of frames) {
    for (const line of frame.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
    expect(frame.match(/ ciab install · Workshop · /g)?.length ?? 0, frame).toBeLessThanOrEqual(1);
  }
}

/** The pane with its escape sequences: under NO_COLOR it holds no colour (SGR 30–49, 90–107). */
function expectNoColour(session: string): void {
  const raw = term.run('capture-pane', '-p', '-e', '-t', session);
  expect(raw).not.toMatch(/\u001b\[[0-9;]*(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])m/);
}

const exitCode = async (file: string) => {
  await waitUntil(() => existsSync(file) && readFileSync(file, 'utf8').trim() !== '', `${file} is written`, 30_000);
  return readFileSync(file, 'utf8').trim();
};

describeIfAvailable('the progress screen in a real 80×24 terminal', hasTmux ? null : 'tmux is not installed (apt: tmux)', () => {
  test('install --answers: progress, a failure panel, r resumes in place, the result screen', async () => {
    const rig = await makeRig();
    const once = path.join(rig.dir, 'failed-once');
    const exitFile = path.join(rig.dir, 'exit');
    const env = { ...rig.env, STANDIN_FAIL_ERROR: 'K13', STANDIN_FAIL_ONCE: once, STANDIN_SCALE: '0.05', STANDIN_TASK_MS: '30', NO_COLOR: '1', TERM: 'xterm-256color' };
    const argv = [process.execPath, CIAB, 'install', '--answers', rig.answers, '--state-dir', rig.stateDir, ...BASE_ARGS];
    term.start('install', writePaneScript(path.join(rig.dir, 'run.sh'), argv, env, exitFile));
    const seen: string[] = [];

    const running = await term.waitForScreen('install', /play \d+[\s\S]* · task \d+[\s\S]*d details · l log · \^C stop/, { seen, timeoutMs: 120_000 });
    expect(running).toMatch(HEADER);
    expectNoColour('install');
    const failed = await term.waitForScreen('install', 'r resume · l log · q quit', { seen, timeoutMs: 120_000 });
    expect(failed).toMatch(/✖ Deploy OpenStack failed/);
    expect(failed).toMatch(/task {3}\S.*bootstrap/i);
    expect(failed).toMatch(/why {4}K13 /);
    // Long paths and commands wrap under their label: join them back to read them whole.
    const unwrapped = failed.replace(/\n {10}(?=\S)/g, '');
    expect(unwrapped).toMatch(/log {4}\S+kolla-deploy\.log:\d+/);
    expect(unwrapped).toMatch(/resume ciab install --answers \S+answers\.yaml --state-dir/);
    expect(existsSync(once)).toBe(true);

    await term.keys('install', 'l');
    expect((await term.waitForScreen('install', 'The log', { seen })).replace(/\n {3}(?=\S)/g, '')).toMatch(/kolla-deploy\.log/);
    await term.keys('install', 'Escape');
    await term.waitForScreen('install', 'r resume', { seen });
    await term.keys('install', 'r');
    const done = await term.waitForScreen('install', 'The cloud is ready', { seen, timeoutMs: 120_000 });
    expect(done).toMatch(/dashboard {2}https?:\/\//);
    expect(done.replace(/\n {14}(?=\S)/g, ' ')).toMatch(/try {8}\. \S+admin-openrc\.sh && openstack service list/);
    expect(await exitCode(exitFile)).toBe('0');
    expectWholeFrames(seen);
  }, 300_000);

  test('Ctrl-C asks, s stops after the current task, the panel says so and q leaves with exit code 130', async () => {
    const rig = await makeRig();
    const exitFile = path.join(rig.dir, 'exit');
    const env = { ...rig.env, STANDIN_SCALE: '0.05', STANDIN_TASK_MS: '60', NO_COLOR: '1', TERM: 'xterm-256color' };
    const argv = [process.execPath, CIAB, 'install', '--answers', rig.answers, '--state-dir', rig.stateDir, ...BASE_ARGS];
    term.start('stop', writePaneScript(path.join(rig.dir, 'run.sh'), argv, env, exitFile));
    await term.waitForScreen('stop', /Prechecks · play \d+/, { timeoutMs: 120_000 });
    await term.keys('stop', 'C-c');
    expect(await term.waitForScreen('stop', 'Stop the install?')).toMatch(/s stop · k keep going · \^C abort ?$/m);
    await term.keys('stop', 's');
    const stopped = await term.waitForScreen('stop', 'r resume · l log · q quit', { timeoutMs: 120_000 });
    expect(stopped).toMatch(/■ install stopped after \S+ \(after a finished task: safe to resume\)/);
    await term.keys('stop', 'q');
    expect(await exitCode(exitFile)).toBe('130');
  }, 300_000);

  test('the wizard on this machine: questions, Confirm, straight into the install, the result; resized on the way', async () => {
    const dir = tempDir();
    const stateDir = path.join(dir, 'state');
    const exitFile = path.join(dir, 'exit');
    // This build machine fits no profile as it is (2 threads, no spare disk): the same skips as the rig's answers.
    const skips = ['cpu', 'storage', 'disk-space'].flatMap((id) => ['--skip-check', id]);
    // The secrets of an earlier render (no keys to make here: this test is about the screens).
    await seedPasswords(path.join(stateDir, 'config'), `wizard ${dir}`);
    const argv = [process.execPath, CIAB, 'install', '--state-dir', stateDir, ...BASE_ARGS, ...skips];
    const env = { ...rigEnv(dir), STANDIN_SCALE: '0.05', STANDIN_TASK_MS: '30', NO_COLOR: '1', TERM: 'xterm-256color' };
    term.start('wizard', writePaneScript(path.join(dir, 'run.sh'), argv, env, exitFile));
    const seen: string[] = [];

    await term.waitForScreen('wizard', 'Hardware — what', { timeoutMs: 90_000 });
    await term.keys('wizard', 'Enter');
    expect(await term.waitForScreen('wizard', 'Profile — which cloud fits')).toMatch(/› workshop +✔ recommended/);
    await term.keys('wizard', 'Enter');
    expect(await term.waitForScreen('wizard', 'Questions — the workshop cloud')).toContain('every question has an answer');
    await term.keys('wizard', 'Tab');
    await term.waitForScreen('wizard', /files to write in[\s\S]*Tab\/→ confirm/, { timeoutMs: 180_000 });
    const config = path.join(stateDir, 'config');
    expect(filesUnder(config).map((f) => path.relative(config, f.file))).toEqual(['kolla/passwords.yml']); // nothing written before Confirm
    await term.keys('wizard', 'Tab');
    const confirm = await term.waitForScreen('wizard', 'Confirm — write the configuration and install');
    expect(confirm).toContain('Then the install starts at once');
    await term.keys('wizard', 'Enter');

    const running = await term.waitForScreen('wizard', /play \d+[\s\S]* · task \d+[\s\S]*d details · l log · \^C stop/, { seen, timeoutMs: 120_000 });
    expect(running).toMatch(HEADER);
    expect(running).toMatch(/ok \d+ · changed \d+ · skipped \d+ · failed 0/);
    // A wider terminal, then 80×24 again: the next frames fit each size and the live region is drawn once.
    term.run('resize-window', '-t', 'wizard', '-x', '100', '-y', '30');
    const wide = await term.waitForScreen('wizard', /^ ciab install · Workshop · .{60,} elapsed ?$/m, { timeoutMs: 60_000 });
    expectWholeFrames([wide], 100);
    term.run('resize-window', '-t', 'wizard', '-x', '80', '-y', '24');
    const narrow = await term.waitForScreen('wizard', /^ ciab install · Workshop · .{40,54} elapsed ?$/m, { seen, timeoutMs: 60_000 });
    expect(narrow).toMatch(/d details · l log · \^C stop|The cloud is ready/);

    const done = await term.waitForScreen('wizard', 'The cloud is ready', { seen, timeoutMs: 180_000 });
    expect(done.replace(/\n {14}(?=\S)/g, '')).toContain(`clouds     ${path.join(stateDir, 'config', 'openstack', 'clouds.yaml')}`);
    expect(await exitCode(exitFile)).toBe('0');
    expect(readFileSync(path.join(stateDir, 'answers.yaml'), 'utf8')).toContain('profile: workshop');
    expectWholeFrames(seen.filter((frame) => !frame.includes('Hardware —')));
  }, 420_000);

  test('a second terminal shows the running install (not a lock error), and so does one after an ssh drop', async () => {
    const rig = await makeRig();
    // Slow enough that the second terminal comes up while the first still runs.
    const env = { ...rig.env, STANDIN_SCALE: '0.05', STANDIN_TASK_MS: '80', NO_COLOR: '1', TERM: 'xterm-256color' };
    const first = [process.execPath, CIAB, 'install', '--answers', rig.answers, '--state-dir', rig.stateDir, ...BASE_ARGS];
    term.start('first', writePaneScript(path.join(rig.dir, 'first.sh'), first, env, path.join(rig.dir, 'first-exit')));
    await term.waitForScreen('first', /Prechecks · play \d+/, { timeoutMs: 120_000 });

    // What a person types on a second terminal (or after logging in again): no answers file, no --from.
    const again = [process.execPath, CIAB, 'install', '--state-dir', rig.stateDir, '--no-uplink-check'];
    term.start('second', writePaneScript(path.join(rig.dir, 'second.sh'), again, env, path.join(rig.dir, 'second-exit')));
    const seen: string[] = [];
    const following = await term.waitForScreen('second', /play \d+[\s\S]* · task \d+[\s\S]*d details · l log · \^C stop/, { seen, timeoutMs: 120_000 });
    expect(following).toMatch(HEADER);
    expect(following).not.toMatch(/Hardware —|locked|is running since/);
    // Rebuilt from the run's event file: the phases already done and the counters so far, not only new lines.
    expect(following).toMatch(/✔ Prechecks +\d+s|▶ Prechecks/);
    const counts = /ok (\d+) · changed \d+ · skipped \d+ · failed 0/.exec(following);
    expect(Number(counts?.[1])).toBeGreaterThan(0);

    // The ssh drop: the first terminal goes away (SIGHUP to its processes); the run goes on, and a third
    // terminal opened now follows it as well.
    term.run('kill-session', '-t', 'first');
    const third = [process.execPath, CIAB, 'install', '--state-dir', rig.stateDir, '--no-uplink-check'];
    term.start('third', writePaneScript(path.join(rig.dir, 'third.sh'), third, env, path.join(rig.dir, 'third-exit')));
    const after = await term.waitForScreen('third', /play \d+[\s\S]*d details · l log · \^C stop|The cloud is ready/, { timeoutMs: 120_000 });
    expect(after).toMatch(HEADER);

    const done = await term.waitForScreen('second', 'The cloud is ready', { seen, timeoutMs: 240_000 });
    expect(done).toMatch(/dashboard {2}https?:\/\//);
    expect(await term.waitForScreen('third', 'The cloud is ready', { timeoutMs: 60_000 })).toMatch(/try {8}\./);
    expect(await exitCode(path.join(rig.dir, 'second-exit'))).toBe('0');
    expect(await exitCode(path.join(rig.dir, 'third-exit'))).toBe('0');
    expectWholeFrames(seen);

    const status = await runCiab(['status', '--state-dir', rig.stateDir, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ installed: true, running: null, lastRun: { action: 'install', status: 'succeeded' } });
  }, 420_000);
});
