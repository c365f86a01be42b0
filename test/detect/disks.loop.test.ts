// The real thing: sparse files on loop devices, prepared the ways a disk is found in the wild, read by the
// REAL detectDisks (lsblk, mountinfo, by-id, blkid when udev is absent). Root only; touches nothing but
// the loop devices it attaches itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectDisks } from '../../src/detect/disks.js';
import { createHostReader } from '../../src/env/host.js';
import type { Disk, Note } from '../../src/model/facts.js';
import { describeIfAvailable } from '../helpers/require.js';
import { cpuMsOf } from '../helpers/cpu.js';

const isRoot = process.getuid?.() === 0;
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const TOOLS = ['losetup', 'mkfs.ext4', 'sfdisk', 'partx', 'pvcreate', 'pvremove', 'mount', 'umount'];
const missing = TOOLS.filter((tool) => !has(tool));
const skipReason = !isRoot ? 'not root' : missing.length > 0 ? `missing ${missing.join(', ')} (apt: util-linux mount e2fsprogs fdisk lvm2)` : null;

// LVM complains about inherited descriptors on every call; the noise hides real errors.
const ENV = { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1', LC_ALL: 'C' };
const sh = (command: string, args: string[], input?: string): string =>
  execFileSync(command, args, { env: ENV, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
const quietly = (command: string, args: string[]) => spawnSync(command, args, { env: ENV, stdio: 'ignore' });
const settle = () => {
  if (has('udevadm')) quietly('udevadm', ['settle', '--timeout=10']);
};

type Kind = 'blank' | 'ext4' | 'gpt' | 'pv' | 'mounted' | 'small';
const SIZES: Record<Kind, string> = { blank: '10G', ext4: '10G', gpt: '10G', pv: '10G', mounted: '10G', small: '1G' };

describeIfAvailable('real loop devices', skipReason, () => {
  let dir = '';
  const device: Partial<Record<Kind, string>> = {};
  let mountDir = '';
  let mounted = false;
  let pv = false;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ciab-disks-'));
    mountDir = path.join(dir, 'mnt');
    mkdirSync(mountDir);
    for (const kind of Object.keys(SIZES) as Kind[]) {
      const image = path.join(dir, `${kind}.img`);
      sh('truncate', ['-s', SIZES[kind], image]);
      // The partition table goes into the file before attaching: no re-read ioctl on a busy device.
      if (kind === 'gpt') sh('sfdisk', ['-q', image], 'label: gpt\n,,L\n');
      device[kind] = sh('losetup', ['-f', '--show', image]);
    }
    // losetup -P does not scan partitions everywhere (not in every sandbox); partx adds them explicitly.
    sh('partx', ['-a', device.gpt!]);
    sh('mkfs.ext4', ['-q', '-F', device.ext4!]);
    sh('mkfs.ext4', ['-q', '-F', device.mounted!]);
    sh('mount', [device.mounted!, mountDir]);
    mounted = true;
    sh('pvcreate', ['-q', '-ff', '-y', device.pv!]);
    pv = true;
    settle();
  }, 60_000);

  afterAll(() => {
    // Every step on its own: one failure must not leave the rest attached.
    if (mounted) quietly('umount', [mountDir]);
    if (pv && device.pv) quietly('pvremove', ['-q', '-ff', '-y', device.pv]);
    if (device.gpt) quietly('partx', ['-d', device.gpt]);
    for (const loop of Object.values(device)) if (loop) quietly('losetup', ['-d', loop]);
    if (dir) rmSync(dir, { recursive: true, force: true });
    settle();
  }, 60_000);

  async function detect(loopDevices: boolean): Promise<{ disks: Record<Kind, Disk>; notes: Note[] }> {
    const notes: Note[] = [];
    const all = await detectDisks(createHostReader(), notes, { loopDevices, uplink: false, installerPath: process.cwd() });
    const disks = {} as Record<Kind, Disk>;
    for (const kind of Object.keys(SIZES) as Kind[]) {
      const found = all.find((d) => d.path === device[kind]);
      if (!found) throw new Error(`${kind} (${device[kind]}) not detected; got ${all.map((d) => d.path).join(', ')}; notes: ${JSON.stringify(notes)}`);
      disks[kind] = found;
    }
    return { disks, notes };
  }
  const codes = (disk: Disk) => disk.reasons.map((r) => r.code);

  it('with loop devices offered: each verdict follows from how the device was prepared', async () => {
    const { disks } = await detect(true);
    for (const disk of Object.values(disks)) expect(disk).toMatchObject({ type: 'loop', transport: 'loop' });

    expect(disks.blank).toMatchObject({ usable: true, reasons: [], signatures: [], partitions: [], sizeBytes: 10 * 1024 ** 3 });
    expect(codes(disks.ext4)).toEqual(['has-signature']);
    expect(disks.ext4.signatures).toEqual(['ext4']);
    expect(codes(disks.gpt)).toEqual(['has-partitions']);
    expect(disks.gpt.partitionTable).toBe('gpt');
    expect(disks.gpt.partitions.map((p) => p.name)).toEqual([`${path.basename(device.gpt!)}p1`]);
    expect(codes(disks.pv)).toEqual(['lvm-member']);
    expect(disks.pv.signatures).toEqual(['LVM2_member']);
    expect(codes(disks.mounted)).toEqual(['mounted', 'has-signature']);
    expect(disks.mounted.mountpoints).toEqual([mountDir]);
    expect(disks.small.reasons).toEqual([{ code: 'too-small', message: 'too small: 1.0 GiB, at least 8 GiB needed' }]);
  });

  it('without --loop-devices every loop device is a virtual device first', async () => {
    const { disks } = await detect(false);
    for (const disk of Object.values(disks)) {
      expect(disk.usable).toBe(false);
      expect(codes(disk)[0]).toBe('virtual-device');
    }
    expect(codes(disks.blank)).toEqual(['virtual-device']);
  });

  it('is fast: a few ms beyond lsblk', async () => {
    // CPU, not wall time: the wall time of ~10 ms of work is whatever else the 2 cores do (load 25 seen here).
    // lsblk and the parsing cost ~10-50 ms of CPU; a regression to per-device process storms would cost seconds.
    expect(await cpuMsOf(() => detect(true))).toBeLessThan(1000);
  });
});
