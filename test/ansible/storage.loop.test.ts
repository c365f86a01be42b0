// prepare-host's storage part for real, on loop devices (root only): the cinder volume group on a blank disk,
// the refusal of a disk with a file system that was not confirmed (and of a mounted one even when confirmed),
// a confirmed disk wiped and used, and the lvm-file variant with its loop file under a temp ciab_root. A second
// run changes nothing; teardown leaves the devices as they were. Names carry the pid.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCiab } from '../helpers/cli.js';
import { seedPasswords } from '../helpers/passwords.js';
import { writeFixtureFacts } from '../helpers/facts.js';
import { PARTS, PREPARE_HOST, TEARDOWN, changedTasks, describeRun, runPlaybook } from './hostprep-harness.js';
import { describeIfAvailable } from '../helpers/require.js';

const isRoot = process.getuid?.() === 0;
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const missing = ['losetup', 'mkfs.ext4', 'wipefs', 'lsblk', 'pvs', 'vgcreate', 'mount'].filter((t) => !has(t));
const skipReason = !isRoot ? 'not root' : missing.length > 0 ? `missing ${missing.join(', ')} (apt: util-linux e2fsprogs lvm2)` : null;

const ENV = { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1', LC_ALL: 'C' };
const sh = (command: string, args: string[]) => execFileSync(command, args, { env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const quietly = (command: string, args: string[]) => spawnSync(command, args, { env: ENV, encoding: 'utf8' });
const signatures = (device: string) => quietly('wipefs', ['--no-act', '--noheadings', '--output', 'TYPE', device]).stdout.trim();
const vgExists = (vg: string) => quietly('vgs', [vg]).status === 0;
const pvOf = (device: string) => quietly('pvs', ['--noheadings', '-o', 'vg_name', device]);
const ONLY_STORAGE = [...PARTS.filter((p) => p !== 'storage'), 'packages'];
const TEARDOWN_ONLY_STORAGE = ['kolla-venv', 'container-engine', 'ca-certificates', 'network', 'hosts-file'];

describeIfAvailable('storage on real loop devices', skipReason, () => {
  const pid = process.pid;
  const vgDisk = `ciabt${pid}d`;
  const vgFile = `ciabt${pid}f`;
  let dir = '';
  let root = '';
  let basePlan: Record<string, unknown> = {};
  const loops: Record<'blank' | 'ext4' | 'mounted', string> = { blank: '', ext4: '', mounted: '' };
  let mountDir = '';
  let mounted = false;

  function config(name: string, storage: Record<string, unknown>): string {
    const cfg = path.join(dir, name);
    mkdirSync(path.join(cfg, 'ciab'), { recursive: true });
    // The loop-file unit and script render wrote: prepare-host installs them from here.
    execFileSync('cp', ['-r', path.join(dir, 'rendered', 'host'), cfg]);
    writeFileSync(path.join(cfg, 'ciab', 'plan.json'), JSON.stringify({ ...basePlan, storage: { ...(basePlan['storage'] as object), ...storage } }));
    return cfg;
  }
  const disk = (device: string) => ({ path: device, byId: null, sizeBytes: 2 * 1024 ** 3, wipe: false });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), `ciab-storage-${pid}-`));
    root = path.join(dir, 'root');
    mountDir = path.join(dir, 'mnt');
    mkdirSync(root);
    mkdirSync(mountDir);
    const facts = await writeFixtureFacts('cloud-vm', dir);
    await seedPasswords(path.join(dir, 'rendered'), `${import.meta.filename} ${process.pid}`);
    const render = await runCiab(['render', '--answers', path.join(import.meta.dirname, '..', 'fixtures', 'answers', 'workshop.yaml'), '--facts', facts, '--out', path.join(dir, 'rendered')]);
    expect(render.code, render.stderr).toBe(0);
    basePlan = JSON.parse(readFileSync(path.join(dir, 'rendered', 'ciab', 'plan.json'), 'utf8')) as Record<string, unknown>;
    for (const kind of Object.keys(loops) as Array<keyof typeof loops>) {
      const image = path.join(dir, `${kind}.img`);
      sh('truncate', ['-s', '2G', image]);
      loops[kind] = sh('losetup', ['--find', '--show', image]);
    }
    sh('mkfs.ext4', ['-q', '-F', loops.ext4]);
    sh('mkfs.ext4', ['-q', '-F', loops.mounted]);
    sh('mount', [loops.mounted, mountDir]);
    mounted = true;
  }, 120_000);

  afterAll(() => {
    // Each step on its own: one failure must not leave the rest behind.
    for (const vg of [vgDisk, vgFile]) if (vgExists(vg)) quietly('vgremove', ['--force', '--yes', vg]);
    if (mounted) quietly('umount', [mountDir]);
    const fileLoops = quietly('losetup', ['--noheadings', '--output', 'NAME', '--associated', path.join(root, 'var/lib/ciab/cinder-volumes.img')]).stdout;
    for (const loop of [...Object.values(loops), ...fileLoops.split('\n').map((l) => l.trim())].filter(Boolean)) {
      quietly('pvremove', ['--yes', '--force', loop]);
      quietly('losetup', ['--detach', loop]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('refuses a disk holding a file system that the confirmation does not name, and leaves it untouched', async () => {
    const cfg = config('ext4-unconfirmed', { backend: 'lvm', volumeGroup: vgDisk, disks: [disk(loops.ext4)], file: null });
    const run = await runPlaybook(PREPARE_HOST, { ciab_config_dir: cfg, ciab_root: root, ciab_skip: ONLY_STORAGE, ciab_confirmed_wipe: [loops.blank] });
    expect(run.code).not.toBe(0);
    expect(run.failures.join('\n')).toMatch(new RegExp(`${loops.ext4} holds data \\(ext4.*ciab_confirmed_wipe`));
    expect(signatures(loops.ext4)).toBe('ext4');
    expect(vgExists(vgDisk)).toBe(false);
  }, 300_000);

  it('refuses a disk with a mounted file system even when confirmed', async () => {
    const cfg = config('mounted', { backend: 'lvm', volumeGroup: vgDisk, disks: [disk(loops.mounted)], file: null });
    const run = await runPlaybook(PREPARE_HOST, { ciab_config_dir: cfg, ciab_root: root, ciab_skip: ONLY_STORAGE, ciab_confirmed_wipe: [loops.mounted] });
    expect(run.code).not.toBe(0);
    expect(run.failures.join('\n')).toContain(`${loops.mounted} is in use (${mountDir} mounted)`);
    expect(signatures(loops.mounted)).toBe('ext4');
  }, 300_000);

  // One volume group over both kinds of disk the plan can name: a blank one, used as it is, and one holding data
  // that the confirmation names, wiped first (after the refusals above, which need its file system).
  it('creates the volume group on a blank disk and a confirmed one (wiped); a second run changes nothing; teardown leaves both blank', async () => {
    const cfg = config('disks', { backend: 'lvm', volumeGroup: vgDisk, disks: [disk(loops.blank), disk(loops.ext4)], file: null });
    const vars = { ciab_config_dir: cfg, ciab_root: root, ciab_skip: ONLY_STORAGE, ciab_confirmed_wipe: [loops.ext4] };
    expect(signatures(loops.ext4)).toBe('ext4');
    const first = await runPlaybook(PREPARE_HOST, vars);
    expect(first.code, describeRun(first)).toBe(0);
    expect(changedTasks(first)).toContain(`Storage | create the volume group ${vgDisk}`);
    expect(changedTasks(first)).toContain('Storage | wipe the confirmed devices (partitions first)');
    expect(pvOf(loops.blank).stdout.trim()).toBe(vgDisk);
    expect(pvOf(loops.ext4).stdout.trim()).toBe(vgDisk);
    expect(signatures(loops.ext4)).toBe('LVM2_member');

    const second = await runPlaybook(PREPARE_HOST, vars);
    expect(second.code, describeRun(second)).toBe(0);
    expect(second.stats?.changed, changedTasks(second).join(', ')).toBe(0);

    const down = await runPlaybook(TEARDOWN, { ciab_config_dir: cfg, ciab_root: root, ciab_skip: TEARDOWN_ONLY_STORAGE });
    expect(down.code, describeRun(down)).toBe(0);
    expect(vgExists(vgDisk)).toBe(false);
    for (const device of [loops.blank, loops.ext4]) {
      expect(pvOf(device).status, device).not.toBe(0);
      expect(signatures(device), device).toBe('');
    }
  }, 300_000);

  it('lvm-file: the sparse loop file, attached, with the volume group and the unit; idempotent; teardown removes all', async () => {
    const file = path.join(root, 'var/lib/ciab/cinder-volumes.img');
    const cfg = config('file', { backend: 'lvm-file', volumeGroup: vgFile, disks: [], file: { path: '/var/lib/ciab/cinder-volumes.img', sizeGiB: 1 } });
    const vars = { ciab_config_dir: cfg, ciab_root: root, ciab_skip: ONLY_STORAGE };
    const first = await runPlaybook(PREPARE_HOST, vars);
    expect(first.code, describeRun(first)).toBe(0);
    const attached = sh('losetup', ['--noheadings', '--output', 'NAME', '--associated', file]);
    expect(attached).toMatch(/^\/dev\/loop\d+$/);
    expect(pvOf(attached).stdout.trim()).toBe(vgFile);
    // Sparse: 1 GiB long, (almost) nothing allocated.
    expect(Number(sh('stat', ['-c', '%s', file]))).toBe(1024 ** 3);
    expect(Number(sh('stat', ['-c', '%b', file])) * 512).toBeLessThan(16 * 1024 ** 2);
    expect(readFileSync(path.join(root, 'etc/systemd/system/ciab-cinder-loop.service'), 'utf8')).toContain('ExecStart=/usr/local/sbin/ciab-cinder-loop start');
    expect(existsSync(path.join(root, 'usr/local/sbin/ciab-cinder-loop'))).toBe(true);

    const second = await runPlaybook(PREPARE_HOST, vars);
    expect(second.code, describeRun(second)).toBe(0);
    expect(second.stats?.changed, changedTasks(second).join(', ')).toBe(0);

    const down = await runPlaybook(TEARDOWN, { ciab_config_dir: cfg, ciab_root: root, ciab_skip: TEARDOWN_ONLY_STORAGE });
    expect(down.code, describeRun(down)).toBe(0);
    expect(vgExists(vgFile)).toBe(false);
    expect(existsSync(file)).toBe(false);
    expect(quietly('losetup', ['--list', '--noheadings', attached]).stdout).not.toContain(file);
    expect(existsSync(path.join(root, 'etc/systemd/system/ciab-cinder-loop.service'))).toBe(false);
    expect(down.tasks.find((t) => t.task === 'Left on purpose')?.msg).toContain('lvm2');
  }, 300_000);
});
