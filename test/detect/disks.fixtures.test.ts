// Disk detection against recorded hosts: every disk's facts and verdict, reasons in order.
import { describe, expect, it } from 'vitest';
import { detectDisks } from '../../src/detect/disks.js';
import type { DetectOptions } from '../../src/detect/index.js';
import type { Disk, Note } from '../../src/model/facts.js';
import { Disk as DiskSchema } from '../../src/model/facts.js';
import { createFixtureHost, loadHostFixture } from '../fakes/fixture-host.js';

const GB = 1000 ** 3;
const GiB = 1024 ** 3;

async function detect(host: string, options: Partial<DetectOptions> = {}): Promise<{ disks: Disk[]; notes: Note[]; runs: string[] }> {
  const runs: string[] = [];
  const reader = createFixtureHost(loadHostFixture(host, ['disks']));
  const run = reader.run;
  reader.run = async (command, args, opts) => {
    runs.push([command, ...args].join(' '));
    return run(command, args, opts);
  };
  const notes: Note[] = [];
  const disks = await detectDisks(reader, notes, { uplink: false, loopDevices: false, installerPath: '/root/ciab', ...options });
  for (const disk of disks) DiskSchema.parse(disk);
  return { disks, notes, runs };
}

const byName = (disks: Disk[], name: string): Disk => {
  const disk = disks.find((d) => d.name === name);
  if (!disk) throw new Error(`no disk ${name} in ${disks.map((d) => d.name).join(', ')}`);
  return disk;
};
const codes = (disk: Disk) => disk.reasons.map((r) => r.code);

describe('laptop: NVMe with ESP, /boot and LVM root + swap; the installer on a USB stick', () => {
  const installerPath = '/media/alex/CIAB/cloud-in-a-box';

  it('runs lsblk exactly once and nothing else, and leaves no notes', async () => {
    const { disks, notes, runs } = await detect('laptop', { installerPath });
    expect(runs).toEqual(['lsblk -J -b -O']);
    expect(notes).toEqual([]);
    expect(disks.map((d) => d.name)).toEqual(['sda', 'nvme0n1']);
  });

  it('the NVMe is the root and boot disk, with its partitions, LVs, signatures and a readable by-id', async () => {
    const nvme = byName((await detect('laptop', { installerPath })).disks, 'nvme0n1');
    expect(nvme).toMatchObject({
      path: '/dev/nvme0n1',
      type: 'disk',
      sizeBytes: 512110190592,
      model: 'SAMSUNG MZVL2512HCJQ-00BL7',
      serial: 'S64KNX0T512345',
      transport: 'nvme',
      rotational: false,
      removable: false,
      readOnly: false,
      partitionTable: 'gpt',
      signatures: ['vfat', 'ext4', 'LVM2_member'],
      mountpoints: ['/boot/efi', '/boot', '/', '[SWAP]'],
      holders: ['ubuntu--vg-ubuntu--lv', 'ubuntu--vg-swap_1'],
      // The model+serial name, not the _1 namespace twin, not the eui.
      byId: '/dev/disk/by-id/nvme-SAMSUNG_MZVL2512HCJQ-00BL7_S64KNX0T512345',
      usable: false,
    });
    expect(nvme.partitions.map((p) => [p.name, p.fstype, p.mountpoints])).toEqual([
      ['nvme0n1p1', 'vfat', ['/boot/efi']],
      ['nvme0n1p2', 'ext4', ['/boot']],
      ['nvme0n1p3', 'LVM2_member', ['/', '[SWAP]']],
    ]);
    expect(nvme.reasons).toEqual([
      { code: 'root-disk', message: 'the root filesystem (/) is on this disk' },
      { code: 'boot-disk', message: 'boot files are on this disk (/boot/efi, /boot)' },
      { code: 'mounted', message: 'mounted: [SWAP]' },
      { code: 'in-use', message: 'in use by ubuntu--vg-ubuntu--lv, ubuntu--vg-swap_1' },
      { code: 'lvm-member', message: 'LVM physical volume on nvme0n1p3' },
      { code: 'has-partitions', message: '3 partitions (nvme0n1p1, nvme0n1p2, nvme0n1p3)' },
      { code: 'has-signature', message: 'signatures found: vfat, ext4' },
    ]);
  });

  it('the USB stick is the installer media, found through mountinfo', async () => {
    const stick = byName((await detect('laptop', { installerPath })).disks, 'sda');
    expect(stick).toMatchObject({
      sizeBytes: 15376318464,
      model: 'Ultra',
      transport: 'usb',
      removable: true,
      partitionTable: 'dos',
      signatures: ['vfat'],
      mountpoints: ['/media/alex/CIAB'],
      holders: [],
      byId: '/dev/disk/by-id/usb-SanDisk_Ultra_4C530001230918116294-0:0',
      usable: false,
    });
    expect(stick.reasons).toEqual([
      { code: 'installer-media', message: 'the installer runs from this disk (/media/alex/CIAB)' },
      { code: 'mounted', message: 'mounted: /media/alex/CIAB' },
      { code: 'has-partitions', message: '1 partition (sda1)' },
      { code: 'has-signature', message: 'signatures found: vfat' },
    ]);
  });

  it('an installer run from the root filesystem marks the NVMe instead (via the LV on it)', async () => {
    const { disks } = await detect('laptop', { installerPath: '/home/alex/cloud-in-a-box' });
    expect(codes(byName(disks, 'nvme0n1')).slice(0, 3)).toEqual(['root-disk', 'boot-disk', 'installer-media']);
    expect(codes(byName(disks, 'sda'))).not.toContain('installer-media');
  });
});

describe('server: root NVMe, a blank NVMe, a blank HDD, an HDD with an old PV, a DVD drive', () => {
  it('lists all five top-level devices in lsblk order', async () => {
    const { disks, notes } = await detect('server');
    expect(disks.map((d) => d.name)).toEqual(['sda', 'sdb', 'sr0', 'nvme0n1', 'nvme1n1']);
    expect(notes).toEqual([]);
  });

  it('offers exactly the blank NVMe and the blank HDD', async () => {
    const { disks } = await detect('server');
    expect(disks.filter((d) => d.usable).map((d) => d.name)).toEqual(['sda', 'nvme1n1']);
  });

  it('nvme0n1: root, boot, installer (it runs from /root), partitions, signatures', async () => {
    const disk = byName((await detect('server')).disks, 'nvme0n1');
    expect(codes(disk)).toEqual(['root-disk', 'boot-disk', 'installer-media', 'has-partitions', 'has-signature']);
    expect(disk.reasons[2]!.message).toBe('the installer runs from this disk (/)');
    expect(disk.signatures).toEqual(['vfat', 'ext4']);
    expect(disk.holders).toEqual([]);
    expect(disk.byId).toBe('/dev/disk/by-id/nvme-SAMSUNG_MZ1L2960HCJR-00A07_S665NE0T301234');
  });

  it('nvme1n1: blank 931 GiB, usable', async () => {
    const disk = byName((await detect('server')).disks, 'nvme1n1');
    expect(disk).toMatchObject({
      sizeBytes: 1000204886016,
      transport: 'nvme',
      rotational: false,
      partitionTable: null,
      partitions: [],
      signatures: [],
      mountpoints: [],
      holders: [],
      byId: '/dev/disk/by-id/nvme-INTEL_SSDPE2KX010T8_PHLJ9123004D1P0FGN',
      usable: true,
      reasons: [],
    });
    expect(Math.floor(disk.sizeBytes! / GiB)).toBe(931);
  });

  it('sda: blank 4 TB rotational SATA disk, usable, by-id from ata- not wwn-', async () => {
    const disk = byName((await detect('server')).disks, 'sda');
    expect(disk).toMatchObject({
      model: 'ST4000NM000A-2HZ100',
      serial: 'WJG1ABCD',
      transport: 'sata',
      rotational: true,
      usable: true,
      reasons: [],
      byId: '/dev/disk/by-id/ata-ST4000NM000A-2HZ100_WJG1ABCD',
    });
    expect(disk.sizeBytes! / GB).toBeCloseTo(4000.8, 1);
  });

  it('sdb: an old LVM PV on the whole disk is lvm-member only (not also has-signature)', async () => {
    const disk = byName((await detect('server')).disks, 'sdb');
    expect(disk.signatures).toEqual(['LVM2_member']);
    expect(disk.partitions).toEqual([]);
    expect(disk.reasons).toEqual([{ code: 'lvm-member', message: 'LVM physical volume on sdb' }]);
    // The lvm-pv-uuid link is stable but says nothing about the hardware: ata- wins.
    expect(disk.byId).toBe('/dev/disk/by-id/ata-WDC_WD40EFRX-68N32N0_WD-WCC7K1234567');
  });

  it('sr0: an optical drive is a virtual device and too small', async () => {
    const disk = byName((await detect('server')).disks, 'sr0');
    expect(disk).toMatchObject({ type: 'rom', transport: 'sata', removable: true, usable: false });
    expect(disk.reasons).toEqual([
      { code: 'virtual-device', message: 'optical drive, not a disk' },
      { code: 'too-small', message: 'too small: 1024 MiB, at least 8 GiB needed' },
    ]);
  });
});

describe('cloud-vm: virtio root with partitions, a blank virtio volume, zram swap', () => {
  it('vda: virtio (no TRAN in lsblk), root and boot disk', async () => {
    const { disks, notes } = await detect('cloud-vm', { installerPath: '/home/debian/ciab' });
    expect(notes).toEqual([]);
    expect(disks.map((d) => d.name)).toEqual(['zram0', 'vda', 'vdb']);
    const vda = byName(disks, 'vda');
    expect(vda).toMatchObject({ transport: 'virtio', sizeBytes: 160 * GiB, model: null, serial: null, byId: null, partitionTable: 'gpt' });
    expect(vda.partitions.map((p) => p.name)).toEqual(['vda1', 'vda14', 'vda15']);
    expect(codes(vda)).toEqual(['root-disk', 'boot-disk', 'installer-media', 'has-partitions', 'has-signature']);
    expect(vda.reasons.find((r) => r.code === 'has-signature')!.message).toBe('signatures found: ext4, vfat');
  });

  it('vdb: blank 100 GiB virtio volume is usable, with its virtio- by-id', async () => {
    const vdb = byName((await detect('cloud-vm')).disks, 'vdb');
    expect(vdb).toMatchObject({
      transport: 'virtio',
      sizeBytes: 100 * GiB,
      serial: '4f0b9c1e-7a2d-4c58-9',
      byId: '/dev/disk/by-id/virtio-4f0b9c1e-7a2d-4c58-9',
      usable: true,
      reasons: [],
    });
  });

  it('zram0: swap on compressed RAM is never storage', async () => {
    const zram = byName((await detect('cloud-vm')).disks, 'zram0');
    expect(zram).toMatchObject({ transport: 'zram', mountpoints: ['[SWAP]'], signatures: ['swap'], usable: false });
    expect(zram.reasons).toEqual([
      { code: 'virtual-device', message: 'zram: compressed RAM, not a disk' },
      { code: 'mounted', message: 'mounted: [SWAP]' },
      { code: 'has-signature', message: 'signatures found: swap' },
      { code: 'too-small', message: 'too small: 1.9 GiB, at least 8 GiB needed' },
    ]);
  });
});
