// DEPLOY-AUDIT W13: volumes nova attaches on the same host come back over iSCSI; the host's LVM must not pick up
// the volume groups guests made inside them. prepare-host's lvm-filter.yml runs for real against a temp root, and
// real LVM decides: a loop device carrying a guest's volume group, seen under an iSCSI by-path name in a private
// device folder, is visible to `vgs` without ciab's lvmlocal.conf and hidden with it. Names carry the pid.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeIfAvailable } from '../helpers/require.js';
import { REPO, changedTasks, describeRun, runPlaybook } from './hostprep-harness.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const missing = ['losetup', 'pvcreate', 'vgcreate', 'vgs', 'lvmconfig', 'mknod'].filter((t) => !has(t));
const skipReason = process.getuid?.() !== 0 ? 'not root (loop devices, LVM)' : missing.length > 0 ? `missing ${missing.join(', ')} (apt: lvm2 util-linux)` : null;

const ENV = { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1', LC_ALL: 'C' };
const quietly = (command: string, args: string[], env: NodeJS.ProcessEnv = ENV) => spawnSync(command, args, { env, encoding: 'utf8' });

describeIfAvailable('the host LVM filter against a guest volume group on an iSCSI-named disk', skipReason, () => {
  const pid = process.pid;
  const guestVg = `ciabguest${pid}`;
  let dir = '';
  let root = '';
  let loop = '';
  let devDir = '';
  let playbook = '';
  const wrapper = () => ['env', `ANSIBLE_CONFIG=${path.join(REPO, 'ansible', 'ansible.cfg')}`, `ANSIBLE_LIBRARY=${path.join(REPO, 'ansible', 'library')}`];
  const runFilter = () => runPlaybook(playbook, { ciab_root_prefix: root }, { wrapper: wrapper() });

  /** The volume groups LVM sees when devices are looked for in devDir only, with the config of etcLvm. */
  const guestVisible = (etcLvm: string) => {
    const r = quietly('vgs', ['--noheadings', '-o', 'vg_name', '--config', `devices { dir="${devDir}" scan=["${devDir}"] obtain_device_list_from_udev=0 }`], { ...ENV, LVM_SYSTEM_DIR: etcLvm });
    return r.stdout.split('\n').map((l) => l.trim()).includes(guestVg);
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), `ciab-lvmfilter-${pid}-`));
    root = path.join(dir, 'root');
    mkdirSync(path.join(root, 'etc', 'lvm'), { recursive: true });
    mkdirSync(path.join(root, 'dev', 'disk', 'by-path'), { recursive: true });
    // The distribution's lvm.conf, as on the machine (everything commented but the defaults).
    writeFileSync(path.join(root, 'etc', 'lvm', 'lvm.conf'), readFileSync('/etc/lvm/lvm.conf', 'utf8'));
    playbook = path.join(dir, 'filter.yml');
    writeFileSync(playbook, `- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n    - ansible.builtin.include_tasks: ${path.join(REPO, 'ansible', 'prepare-host', 'lvm-filter.yml')}\n`);

    // A "guest" volume group on a loop device, reached as an attached cinder volume would be.
    const image = path.join(dir, 'volume.img');
    execFileSync('truncate', ['-s', '64M', image]);
    loop = execFileSync('losetup', ['--find', '--show', image], { encoding: 'utf8' }).trim();
    execFileSync('vgcreate', ['--yes', guestVg, loop], { env: ENV, stdio: 'ignore' });
    devDir = path.join(dir, 'dev');
    mkdirSync(path.join(devDir, 'disk', 'by-path'), { recursive: true });
    const rdev = statSync(loop).rdev;
    const node = path.join(devDir, 'sdz');
    execFileSync('mknod', [node, 'b', String(Math.floor(rdev / 256) & 0xfff), String((rdev & 0xff) | ((rdev >> 12) & 0xfff00))]);
    symlinkSync('../../sdz', path.join(devDir, 'disk', 'by-path', 'ip-192.0.2.10:3260-iscsi-iqn.2010-10.org.openstack:volume-1-lun-1'));
  }, 120_000);

  afterAll(() => {
    quietly('vgremove', ['--force', '--yes', guestVg]);
    if (loop) {
      quietly('pvremove', ['--yes', '--force', loop]);
      quietly('losetup', ['--detach', loop]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without ciab\'s filter, the host\'s LVM sees the guest\'s volume group (the check is real)', () => {
    expect(guestVisible(path.join(root, 'etc', 'lvm'))).toBe(true);
  });

  it('writes the filter into lvmlocal.conf; LVM reads it and no longer sees the guest\'s group; a second run changes nothing', async () => {
    const first = await runFilter();
    expect(first.code, describeRun(first)).toBe(0);
    expect(changedTasks(first)).toEqual(['LVM filter | hide iSCSI disks (the cloud\'s own volumes) from the host\'s LVM']);
    const etcLvm = path.join(root, 'etc', 'lvm');
    const value = quietly('lvmconfig', ['devices/global_filter'], { ...ENV, LVM_SYSTEM_DIR: etcLvm }).stdout.trim();
    expect(value).toBe('global_filter="r|/dev/disk/by-path/.*-iscsi-|"');
    expect(guestVisible(etcLvm)).toBe(false);
    // lvm.conf itself is untouched
    expect(readFileSync(path.join(etcLvm, 'lvm.conf'), 'utf8')).toBe(readFileSync('/etc/lvm/lvm.conf', 'utf8'));
    const again = await runFilter();
    expect(again.code, describeRun(again)).toBe(0);
    expect(changedTasks(again)).toEqual([]);
  }, 300_000);

  it('leaves a host with a global_filter of its own alone, and says what to add', async () => {
    const own = path.join(dir, 'own');
    mkdirSync(path.join(own, 'etc', 'lvm'), { recursive: true });
    mkdirSync(path.join(own, 'dev', 'disk', 'by-path'), { recursive: true });
    writeFileSync(path.join(own, 'etc', 'lvm', 'lvm.conf'), 'devices {\n\tglobal_filter = [ "a|.*|" ]\n}\n');
    const r = await runPlaybook(playbook, { ciab_root_prefix: own }, { wrapper: wrapper() });
    expect(r.code, describeRun(r)).toBe(0);
    expect(changedTasks(r)).toEqual([]);
    expect(r.stdout).toMatch(/already sets an LVM global_filter: ciab left its LVM configuration alone/);
    expect(spawnSync('test', ['-e', path.join(own, 'etc', 'lvm', 'lvmlocal.conf')]).status).not.toBe(0);
  }, 300_000);
});
