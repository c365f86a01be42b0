// The built CLI in a real terminal (tmux, 80×24): the whole wizard on a fixture host, the files it writes, and the
// saved answers file giving the same plan through `ciab plan --answers`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { CIAB, runCiab } from '../helpers/cli.js';
import { writeFixtureFacts } from '../helpers/facts.js';
import { createTmux, hasTmux } from '../helpers/tmux.js';
import { waitUntil } from '../helpers/wait.js';
import { tempDir } from './helpers.js';
import { describeIfAvailable } from '../helpers/require.js';
import { seedPasswords } from '../helpers/passwords.js';
import { filesUnder } from '../run/helpers.js';

const term = createTmux('ciab-wizard');
const waitForScreen = (text: string | RegExp, timeoutMs = 60_000, pane = 'wizard') => term.waitForScreen(pane, text, { timeoutMs });
const keys = (...names: string[]) => term.keys('wizard', ...names);
const type = (text: string) => term.type('wizard', text);

afterAll(() => {
  if (hasTmux) term.kill();
});

describeIfAvailable('the wizard in a real 80×24 terminal', hasTmux ? null : 'tmux is not installed (apt: tmux)', () => {
  test('laptop fixture: hardware → profile → questions → review (save answers) → confirm → done', async () => {
    const dir = tempDir();
    const facts = await writeFixtureFacts('laptop', dir);
    const out = path.join(dir, 'out');
    const state = path.join(dir, 'state');
    const saved = path.join(dir, 'saved-answers.yaml');
    const exitFile = path.join(dir, 'exit');
    // The secrets of an earlier render (no keys to make here: this test is about the screens).
    await seedPasswords(out, `wizard ${dir}`);
    // A person at a terminal: not a CI run, even when this test runs in CI (tmux passes our environment on).
    const command = `env -u CI ${process.execPath} ${CIAB} install --facts ${facts} --out ${out} --state-dir ${state} --skip-check ports --skip-check services; echo $? > ${exitFile}; sleep 600`;
    term.start('wizard', command, { env: { NO_COLOR: '1', TERM: 'xterm-256color' } });

    const hardware = await waitForScreen('Hardware — what lappy offers a cloud');
    expect(hardware).toContain('● Hardware › ○ Profile');
    for (const line of hardware.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    // Raw mode is on before the first frame is drawn: a key typed as soon as the screen shows is not lost.
    expect(term.rawMode('wizard')).toBe(true);
    await keys('Enter');
    expect(await waitForScreen('Profile — which cloud fits')).toContain('› workshop  ✔ recommended');
    await keys('Enter');
    expect(await waitForScreen('Questions — the workshop cloud')).toContain('every question has an answer');
    // Change answers before saving, so an answer the saved file dropped would change the plan: the floating
    // network (its gateway and pool follow it).
    await keys('Down', 'Down', 'Enter');
    await waitForScreen(/^> \S+█/m);
    await keys('C-u');
    await waitForScreen(/^> █/m);
    await type('10.77.0.0/24');
    await waitForScreen('✔ looks right');
    await keys('Enter');
    expect(await waitForScreen('10.77.0.0/24 (yours)')).toContain('10.77.0.1 (detected)');
    await keys('Tab');
    const review = await waitForScreen('files to write in', 90_000);
    expect(review).toContain('• network  create bridge ciab-br0');
    expect(filesUnder(out).map((f) => path.relative(out, f.file))).toEqual(['kolla/passwords.yml']); // nothing written before the confirm step
    // Each key waits for the screen it needs: on a loaded machine a C-u sent before the prompt is open is lost,
    // and the path typed after it lands behind the prompt's default.
    await keys('s');
    await waitForScreen('Save the answers file as:');
    await keys('C-u');
    await waitForScreen(/Save the answers file as: █/);
    await type(saved);
    await waitForScreen('saved-answers.yaml█');
    await keys('Enter');
    await waitUntil(() => existsSync(saved), `the answers are saved in ${saved}`);
    await waitForScreen('saved ');
    await keys('Tab');
    await waitForScreen('Confirm — write the configuration');
    await keys('Enter');
    const done = await waitForScreen('Done — the configuration is written');
    expect(done).toContain(`Wrote the Workshop configuration in ${out}`);
    await keys('Enter');
    await waitUntil(() => existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '', 'the wizard has exited');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');

    expect(readFileSync(path.join(out, 'kolla', 'globals.yml'), 'utf8')).toContain('network_interface: wlp0s20f3');
    expect(readFileSync(path.join(state, 'answers.yaml'), 'utf8')).toContain('profile: workshop');
    const answers = readFileSync(saved, 'utf8');
    expect(answers).toContain('profile: workshop');
    expect(answers).toContain('admin_password: null');

    expect(answers).toContain('10.77.0.0/24');

    // The saved answers file reproduces the plan the wizard wrote (its own state), which is not the default plan.
    const empty = tempDir();
    const plan = async (args: string[]) => {
      const result = await runCiab(['plan', '--json', '--facts', facts, ...args]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout).plan as unknown;
    };
    const fromWizard = await plan(['--state-dir', state, '--skip-check', 'ports', '--skip-check', 'services']);
    const fromFile = await plan(['--state-dir', empty, '--answers', saved]);
    const byDefault = await plan(['--state-dir', empty, '--skip-check', 'ports', '--skip-check', 'services']);
    expect(JSON.stringify(fromWizard)).toContain('10.77.0.0/24');
    expect(fromFile).toEqual(fromWizard);
    expect(byDefault).not.toEqual(fromWizard);
  }, 180_000);

  test('Ctrl-C leaves the terminal clean and writes nothing', async () => {
    const dir = tempDir();
    const facts = await writeFixtureFacts('cloud-vm', dir);
    const exitFile = path.join(dir, 'exit');
    const command = `env -u CI ${process.execPath} ${CIAB} install --facts ${facts} --out ${path.join(dir, 'out')} --state-dir ${dir}; echo $? > ${exitFile}; stty -a | grep -o -- '-\\?icanon' > ${dir}/stty; sleep 600`;
    term.start('ctrlc', command, { env: { NO_COLOR: '1' } });
    await waitForScreen('Hardware —', 60_000, 'ctrlc');
    expect(term.rawMode('ctrlc')).toBe(true);
    await term.keys('ctrlc', 'Enter');
    await waitForScreen('Profile —', 30_000, 'ctrlc');
    await term.keys('ctrlc', 'C-c');
    // The shell creates the file before grep writes into it: wait for its content, not for the file.
    await waitUntil(() => existsSync(`${dir}/stty`) && readFileSync(`${dir}/stty`, 'utf8').trim() !== '', 'the wizard has exited and stty has run');
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('130');
    expect(readFileSync(`${dir}/stty`, 'utf8').trim()).toBe('icanon'); // raw mode is off again
    expect(term.screen('ctrlc')).toContain('cancelled — nothing on this machine was changed');
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  }, 150_000);
});
