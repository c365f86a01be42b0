// Component tests of each wizard screen: keys in, colour-stripped frames out (ink-testing-library).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, test, vi } from 'vitest';
import { Wizard, type WizardOutcome } from '../../src/ui/wizard/wizard.js';
import { stripAnsi } from '../../src/ui/wizard/view.js';
import { waitUntil } from '../helpers/wait.js';
import { fixtureInstaller, KEY, press, waitFor, waitForChange } from './helpers.js';
import type { WizardModel as Installer } from '../../src/model/wizard.js';

const SIZE = { columns: 80, rows: 24 };

function open(installer: Installer, options: { colour?: boolean; saveAnswers?: (file: string, text: string) => Promise<string> } = {}) {
  const exits: WizardOutcome[] = [];
  const saveAnswers = options.saveAnswers ?? (async (file: string) => file);
  const app = render(<Wizard installer={installer} saveAnswers={saveAnswers} colour={options.colour ?? false} onExit={(o) => exits.push(o)} size={SIZE} />);
  const frame = () => stripAnsi(app.lastFrame() ?? '');
  return { ...app, frame, exits };
}

function rows(frame: string): string[] {
  return frame.split('\n');
}

describe('hardware screen', () => {
  test('says what the machine is, what suits a cloud, and scrolls', async () => {
    const { installer } = await fixtureInstaller('laptop', ['ports', 'services']);
    const app = open(installer);
    const first = await waitFor(app.frame, 'Hardware — what lappy offers a cloud');
    expect(first).toContain('● Hardware');
    expect(first).toContain('Hardware — what lappy offers a cloud');
    expect(first).toContain('8 threads · 15.4 GiB RAM · ✔ KVM · 0 spare disks · 3 NICs · ✔ best fit: workshop');
    expect(first).toContain('more below');
    expect(rows(first).length).toBeLessThanOrEqual(23);
    for (const row of rows(first)) expect(row.length).toBeLessThanOrEqual(80);
    await press(app.stdin, KEY.pageDown, KEY.pageDown);
    await waitFor(app.frame, 'more above');
    await press(app.stdin, KEY.escape);
    await waitFor(app.frame, 'this is the first screen');
    app.unmount();
  });

  test('colour only with colour wanted; icons either way', async () => {
    const { installer } = await fixtureInstaller('laptop', ['ports', 'services']);
    const plain = open(installer, { colour: false });
    await waitFor(plain.lastFrame, '✔');
    expect(plain.lastFrame()).not.toMatch(/\u001b\[3\dm/);
    plain.unmount();
    const coloured = open(installer, { colour: true });
    await waitFor(coloured.lastFrame, /\u001b\[3\dm/);
    coloured.unmount();
  });
});

describe('profile screen', () => {
  test('ranks with reasons, preselects the recommendation, and a profile that does not fit says what blocks it', async () => {
    const { installer } = await fixtureInstaller('laptop', ['ports', 'services']);
    const app = open(installer);
    await press(app.stdin, KEY.enter);
    const frame = await waitFor(app.frame, 'Profile — which cloud fits this machine, and why');
    expect(frame).toContain('› workshop  ✔ recommended');
    expect(frame).toContain('edge      ✖ does not fit');
    expect(frame).toContain('Forecast: cinder LVM in a 40 GiB loop file');
    await press(app.stdin, KEY.down, KEY.enter);
    const blocked = await waitFor(app.frame, 'edge does not fit this machine. These checks block it:');
    expect(blocked).toContain('4 CPU cores found; edge needs 8');
    expect(blocked).toContain('ciab install --skip-check cpu --skip-check memory --skip-check storage');
    await press(app.stdin, KEY.escape);
    await waitFor(app.frame, '› edge');
    await press(app.stdin, KEY.escape);
    await waitFor(app.frame, '● Hardware');
    app.unmount();
  });
});

describe('questions screen', () => {
  test('only questions that apply, defaults from detection, validated as typed', async () => {
    const { installer } = await fixtureInstaller('laptop', ['ports', 'services']);
    const app = open(installer);
    await press(app.stdin, KEY.enter, KEY.enter);
    const list = await waitFor(app.frame, 'Questions — the workshop cloud');
    expect(list).toContain('Management interface');
    expect(list).toContain('wlp0s20f3 (detected)');
    expect(list).toContain('10.20.20.0/24 (detected)');
    expect(list).not.toContain('API virtual IP'); // workshop has no HAProxy: not asked
    expect(list).not.toContain('External interface');
    // floating network: a clash with the host's own network is refused as it is typed
    await press(app.stdin, KEY.down, KEY.down, KEY.enter, KEY.ctrlU);
    await press(app.stdin, '192.0.2.0/24');
    await waitFor(app.frame, '✖ 192.0.2.0/24 overlaps 192.0.2.0/24, which this machine already uses');
    await press(app.stdin, KEY.enter);
    await waitFor(app.frame, 'Floating network'); // still editing: refused
    await press(app.stdin, KEY.ctrlU, '10.77.0.0/24');
    await waitFor(app.frame, '✔ looks right');
    await press(app.stdin, KEY.enter);
    const after = await waitFor(app.frame, '10.77.0.0/24 (yours)');
    // the gateway and pool follow the new network
    expect(after).toContain('10.77.0.1 (detected)');
    // a choice with a disabled option: lan needs a spare NIC
    await press(app.stdin, KEY.up, KEY.up, KEY.enter);
    await waitFor(app.frame, '✖ lan — floating IPs on the LAN through a second NIC — no spare NIC');
    await press(app.stdin, KEY.down, KEY.enter);
    await waitFor(app.frame, 'lan cannot be chosen');
    await press(app.stdin, KEY.escape);
    app.unmount();
  });

  test('a password is masked', async () => {
    const { installer } = await fixtureInstaller('laptop', ['ports', 'services']);
    const app = open(installer);
    await press(app.stdin, KEY.enter, KEY.enter);
    for (let i = 0; i < 6; i += 1) await press(app.stdin, KEY.down);
    await press(app.stdin, KEY.enter);
    await waitFor(app.frame, 'Admin password');
    await press(app.stdin, 'short');
    await waitFor(app.frame, '•••••');
    expect(app.frame()).not.toContain('short');
    await waitFor(app.frame, 'must be at least 8 characters');
    await press(app.stdin, 'AndLonger');
    await press(app.stdin, KEY.enter);
    const list = await waitFor(app.frame, 'Admin password                   •••••••• (yours)');
    expect(list).not.toContain('shortAndLonger');
    app.unmount();
  });

  test('disks as a table; wiping a disk wants its name typed', async () => {
    const { installer } = await fixtureInstaller('server');
    const app = open(installer);
    await press(app.stdin, KEY.enter, KEY.enter);
    const list = await waitFor(app.frame, 'API virtual IP');
    expect(list).toContain('needs an answer');
    // the cursor starts on the open question
    expect(list).toMatch(/› \? API virtual IP/);
    await press(app.stdin, KEY.tab);
    await waitFor(app.frame, 'API virtual IP needs an answer first');
    await press(app.stdin, KEY.enter, '198.51.100.250', KEY.enter);
    await waitFor(app.frame, '198.51.100.250 (yours)');
    // open the disk table
    const rowsNow = rows(app.frame());
    const disksRow = rowsNow.findIndex((r) => r.includes('Disks for volumes'));
    const cursorRow = rowsNow.findIndex((r) => r.startsWith('› '));
    await press(app.stdin, ...Array(Math.max(0, disksRow - cursorRow)).fill(KEY.down), KEY.enter);
    const table = await waitFor(app.frame, /\[x\] \/dev\/nvme1n1/);
    expect(table).toContain('Disks for volumes');
    expect(table).toMatch(/\[x\] \/dev\/nvme1n1/);
    expect(table).toMatch(/✖ +\/dev\/nvme0n1 +✖ in use/);
    expect(table).toMatch(/\[ \] \/dev\/sdb +⚠ holds data/);
    // tick /dev/sdb (holds an LVM signature): confirm by typing its name
    const sdb = rows(table).findIndex((r) => r.includes('/dev/sdb'));
    const at = rows(table).findIndex((r) => r.startsWith('› '));
    await press(app.stdin, ...Array(Math.max(0, sdb - at)).fill(KEY.down), KEY.space);
    await waitFor(app.frame, 'Everything on /dev/sdb is destroyed');
    await press(app.stdin, 'sda', KEY.enter);
    await waitFor(app.frame, 'type sdb exactly to confirm');
    await press(app.stdin, KEY.ctrlU, 'sdb', KEY.enter);
    await waitFor(app.frame, '[x] /dev/sdb');
    await waitFor(app.frame, /\/dev\/sdb +⚠ WIPED/);
    await press(app.stdin, KEY.enter);
    // sandbox on LVM (Ceph is no longer offered) takes the blank NVMe by default; /dev/sdb joins it, wiped
    await waitFor(app.frame, /Disks for volumes +\/dev\/sdb, \/dev\/nvme1n1 \(wipes \/d/);
    app.unmount();
  });
});

describe('review, confirm and done', () => {
  test('shows the changes and the files, views one, names secrets, saves the answers, writes on confirm', async () => {
    const { installer, dir } = await fixtureInstaller('laptop', ['ports', 'services']);
    const saved: Array<{ file: string; text: string }> = [];
    const app = open(installer, { saveAnswers: async (file, text) => (saved.push({ file, text }), path.resolve(file)) });
    await press(app.stdin, KEY.enter, KEY.enter, KEY.tab);
    await waitFor(app.frame, 'Generating the secrets for this install');
    const review = await waitFor(app.frame, 'files to write in');
    expect(review).toContain('Review — what will change on this machine');
    expect(review).toContain('• network  create bridge ciab-br0');
    expect(review).toContain('⚠ check    hostname');
    // walk down to the files: a secret one is only named, a plain one opens
    let frame = review;
    for (let i = 0; i < 40 && !/› ≡ new +kolla\/globals.yml/.test(frame); i += 1) {
      await press(app.stdin, KEY.down);
      frame = await waitForChange(app.frame, frame);
    }
    await press(app.stdin, KEY.enter);
    await waitFor(app.frame, 'kolla/globals.yml (0644) — as it will be written');
    await waitFor(app.frame, 'kolla_base_distro: ubuntu');
    await press(app.stdin, KEY.pageDown);
    await waitFor(app.frame, 'more above');
    await press(app.stdin, KEY.escape, KEY.down, KEY.enter);
    await waitFor(app.frame, 'kolla/passwords.yml holds secrets: it is written 0600 and never shown');
    expect(app.frame()).not.toContain('keystone_admin_password');
    // save the answers file
    await press(app.stdin, 's', KEY.ctrlU, 'answers/mine.yaml', KEY.enter);
    await waitFor(app.frame, 'saved');
    expect(saved[0]!.file).toBe('answers/mine.yaml');
    expect(saved[0]!.text).toContain('profile: workshop');
    expect(saved[0]!.text).toContain('skip_checks:');
    // nothing written before the confirm step
    expect(() => readFileSync(path.join(dir, 'out', 'kolla', 'globals.yml'))).toThrow();
    await press(app.stdin, KEY.tab);
    await waitFor(app.frame, 'Confirm — write the configuration');
    await waitFor(app.frame, 'Nothing on this machine has changed so far');
    await press(app.stdin, KEY.escape);
    await waitFor(app.frame, 'Review —');
    await press(app.stdin, KEY.tab, KEY.enter);
    const done = await waitFor(app.frame, 'Done — the configuration is written');
    expect(done).toContain(`Wrote the Workshop configuration in ${path.join(dir, 'out')}`);
    expect(done).toContain('ciab install');
    expect(readFileSync(path.join(dir, 'out', 'kolla', 'globals.yml'), 'utf8')).toContain('network_interface: wlp0s20f3');
    expect(readFileSync(path.join(dir, 'state', 'answers.yaml'), 'utf8')).toContain('profile: workshop');
    await press(app.stdin, KEY.enter);
    // ink handles the key asynchronously: wait for the exit, then check it
    await waitUntil(() => app.exits.length > 0, 'the wizard has exited');
    expect(app.exits).toEqual([{ status: 'done', written: { out: path.join(dir, 'out'), answersFile: path.join(dir, 'state', 'answers.yaml') } }]);
  }, 120_000);

  test('Ctrl-C while the answers file is being saved ends the wizard only once the save is done', async () => {
    const { installer } = await fixtureInstaller('laptop', ['ports', 'services']);
    let finish: () => void = () => {};
    let exitsWhenSaved = -1;
    const app = open(installer, {
      saveAnswers: (file) => new Promise<string>((resolve) => (finish = () => ((exitsWhenSaved = app.exits.length), resolve(file)))),
    });
    await press(app.stdin, KEY.enter, KEY.enter, KEY.tab);
    await waitFor(app.frame, 'files to write in');
    await press(app.stdin, 's', KEY.ctrlU, 'mine.yaml', KEY.enter, KEY.ctrlC);
    await waitFor(app.frame, 'saving mine.yaml first, then quitting');
    finish();
    await waitUntil(() => app.exits.length > 0, 'the wizard has exited');
    expect(exitsWhenSaved).toBe(0); // the wizard had not ended while the save was running
    expect(app.exits).toEqual([{ status: 'cancelled', written: undefined }]);
  });

  test('Ctrl-C anywhere cancels without writing', async () => {
    const { installer, dir } = await fixtureInstaller('laptop', ['ports', 'services']);
    const write = vi.spyOn(installer, 'write');
    const app = open(installer);
    await press(app.stdin, KEY.enter, KEY.enter, KEY.ctrlC);
    await waitUntil(() => app.exits.length > 0, 'the wizard has exited');
    expect(app.exits).toEqual([{ status: 'cancelled', written: undefined }]);
    expect(write).not.toHaveBeenCalled();
    expect(() => readFileSync(path.join(dir, 'out', 'kolla', 'globals.yml'))).toThrow();
  });
});
