// The pure parts of disk detection: transports, by-id choice, mountinfo, blkid, verdicts on odd trees.
import { describe, expect, it } from 'vitest';
import {
  type BlockDevice,
  assessDisk,
  byIdRank,
  disksHoldingMount,
  mountFor,
  parseBlkid,
  parseLsblk,
  parseMountinfo,
  pickById,
  transportOf,
} from '../../src/detect/disks.js';

const GiB = 1024 ** 3;

function device(name: string, extra: Partial<BlockDevice> = {}): BlockDevice {
  return {
    name,
    kname: name,
    path: `/dev/${name}`,
    majMin: null,
    type: 'disk',
    sizeBytes: 100 * GiB,
    fstype: null,
    pttype: null,
    mountpoints: [],
    tran: null,
    subsystems: null,
    rotational: null,
    removable: null,
    readOnly: null,
    model: null,
    serial: null,
    children: [],
    ...extra,
  };
}
const context = { options: { loopDevices: false }, installer: null, byId: [], unknownSignatures: new Map<string, string>() };

describe('transportOf', () => {
  it.each([
    [{ name: 'nvme0n1', type: 'disk', tran: 'nvme', subsystems: 'block:nvme:pci' }, 'nvme'],
    [{ name: 'sda', type: 'disk', tran: 'sata', subsystems: 'block:scsi:pci' }, 'sata'],
    [{ name: 'sda', type: 'disk', tran: 'ata', subsystems: 'block:scsi:pci' }, 'sata'],
    [{ name: 'sdb', type: 'disk', tran: 'sas', subsystems: 'block:scsi:pci' }, 'sas'],
    [{ name: 'sdc', type: 'disk', tran: 'usb', subsystems: 'block:scsi:usb:pci' }, 'usb'],
    [{ name: 'sdc', type: 'disk', tran: null, subsystems: 'block:scsi:usb:pci' }, 'usb'],
    [{ name: 'sdd', type: 'disk', tran: 'iscsi', subsystems: 'block:scsi:iscsi' }, 'scsi'],
    [{ name: 'vda', type: 'disk', tran: null, subsystems: 'block:virtio:pci' }, 'virtio'],
    [{ name: 'vda', type: 'disk', tran: null, subsystems: null }, 'virtio'],
    [{ name: 'sda', type: 'disk', tran: null, subsystems: 'block:scsi:virtio:pci' }, 'virtio'],
    [{ name: 'xvda', type: 'disk', tran: null, subsystems: 'block:xen' }, 'xen'],
    [{ name: 'mmcblk0', type: 'disk', tran: 'mmc', subsystems: 'block:mmc:mmc_host:platform' }, 'mmc'],
    [{ name: 'loop3', type: 'loop', tran: null, subsystems: 'block' }, 'loop'],
    [{ name: 'zram0', type: 'disk', tran: null, subsystems: 'block' }, 'zram'],
    [{ name: 'ram0', type: 'disk', tran: null, subsystems: 'block' }, 'ram'],
    [{ name: 'md0', type: 'raid1', tran: null, subsystems: 'block' }, 'md'],
    [{ name: 'sde', type: 'disk', tran: null, subsystems: 'block:scsi:pci' }, 'scsi'],
    [{ name: 'weird0', type: 'disk', tran: null, subsystems: 'block' }, 'unknown'],
  ])('%o → %s', (input, expected) => {
    expect(transportOf(input)).toBe(expected);
  });
});

describe('by-id', () => {
  it('ranks human names over hex ids', () => {
    expect(byIdRank('nvme-Samsung_SSD_980_1TB_S6B0NL0T123456')).toBe(0);
    expect(byIdRank('ata-ST4000NM000A-2HZ100_WJG1ABCD')).toBe(0);
    expect(byIdRank('scsi-0QEMU_QEMU_HARDDISK_drive-scsi0-0-0-0')).toBe(0);
    expect(byIdRank('scsi-SATA_ST4000NM000A-2H_WJG1ABCD')).toBe(0);
    expect(byIdRank('lvm-pv-uuid-abc')).toBe(1);
    expect(byIdRank('wwn-0x5000c500c1234567')).toBe(2);
    expect(byIdRank('nvme-eui.002538b911b2c3d4')).toBe(2);
    expect(byIdRank('nvme-nvme.144d-5336')).toBe(2);
    expect(byIdRank('scsi-35000c500c1234567')).toBe(2);
  });

  it('picks the best link of this disk, never a -partN link, else null', () => {
    const links = [
      { id: 'wwn-0x5000c500c1234567', device: '/dev/sda' },
      { id: 'scsi-35000c500c1234567', device: '/dev/sda' },
      { id: 'ata-ST4000_WJG1ABCD-part1', device: '/dev/sda' },
      { id: 'ata-ST4000_WJG1ABCD', device: '/dev/sda' },
      { id: 'ata-OTHER', device: '/dev/sdb' },
    ];
    expect(pickById(links, '/dev/sda')).toBe('/dev/disk/by-id/ata-ST4000_WJG1ABCD');
    expect(pickById(links.slice(0, 2), '/dev/sda')).toBe('/dev/disk/by-id/scsi-35000c500c1234567');
    expect(pickById(links, '/dev/sdc')).toBeNull();
  });
});

describe('mountinfo', () => {
  const mountinfo = [
    '27 1 259:3 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p3 rw',
    '40 27 0:45 / /home rw,relatime shared:20 - btrfs /dev/sdb2 rw,subvol=/home',
    '41 27 8:17 / /media/alex/My\\040Stick rw,nosuid - vfat /dev/sdb1 rw',
    '42 27 8:33 / /srv rw - ext4 /dev/sdc1 rw',
    '43 27 8:49 / /srv rw - ext4 /dev/sdd1 rw',
    'garbage line',
    '',
  ].join('\n');

  it('parses entries, unescaping blanks, skipping garbage', () => {
    const mounts = parseMountinfo(mountinfo);
    expect(mounts).toHaveLength(5);
    expect(mounts[2]).toEqual({ majMin: '8:17', mountPoint: '/media/alex/My Stick', fstype: 'vfat', source: '/dev/sdb1' });
  });

  it('finds the mount by longest path prefix, segment-wise; the later of two mounts on one place wins', () => {
    const mounts = parseMountinfo(mountinfo);
    expect(mountFor('/media/alex/My Stick/ciab', mounts)!.majMin).toBe('8:17');
    expect(mountFor('/homework', mounts)!.mountPoint).toBe('/');
    expect(mountFor('/home/alex/../alex/ciab', mounts)!.mountPoint).toBe('/home');
    expect(mountFor('/srv/x', mounts)!.source).toBe('/dev/sdd1');
    expect(mountFor('/x', [])).toBeNull();
  });

  it('btrfs reports an anonymous 0:NN: the disk is found by the mount source instead', () => {
    const tree = [
      device('sda', { children: [device('sda1', { type: 'part', majMin: '8:1' })] }),
      device('sdb', { children: [device('sdb1', { type: 'part', majMin: '8:17' }), device('sdb2', { type: 'part', majMin: '8:18', mountpoints: ['/home'] })] }),
    ];
    const mounts = parseMountinfo(mountinfo);
    expect(disksHoldingMount(tree, mountFor('/home/alex', mounts)!)).toEqual(['sdb']);
    expect(disksHoldingMount(tree, { majMin: '0:99', mountPoint: '/nowhere', fstype: 'overlay', source: 'overlay' })).toEqual([]);
  });
});

describe('parseBlkid', () => {
  const ok = { exitCode: 0, stderr: '', notFound: false, timedOut: false };
  it('reads TYPE and PTTYPE, unescaping values', () => {
    expect(parseBlkid({ ...ok, stdout: 'DEVNAME=/dev/sdb\nVERSION=LVM2\\ 001\nTYPE=LVM2_member\n' })).toEqual({ kind: 'found', type: 'LVM2_member', pttype: null });
    expect(parseBlkid({ ...ok, stdout: 'DEVNAME=/dev/sda\nPTUUID=x\nPTTYPE=dos\n' })).toEqual({ kind: 'found', type: null, pttype: 'dos' });
  });
  it('exit 2 in silence is blank; with an error it is unknown; exit 8 (ambivalent) is unknown', () => {
    expect(parseBlkid({ ...ok, exitCode: 2, stdout: '' })).toEqual({ kind: 'blank' });
    expect(parseBlkid({ ...ok, exitCode: 2, stdout: '', stderr: 'blkid: error: /dev/vda: Operation not permitted\n' })).toEqual({ kind: 'unknown', why: 'blkid: Operation not permitted' });
    expect(parseBlkid({ ...ok, exitCode: 8, stdout: '' })).toEqual({ kind: 'unknown', why: 'blkid exited with 8' });
    expect(parseBlkid({ ...ok, exitCode: -1, stdout: '', timedOut: true }).kind).toBe('unknown');
  });
});

describe('verdicts on trees the fixtures do not cover', () => {
  it('md RAID1 across two disks: both are raid members in use by md0, and both hold the root filesystem', () => {
    const md = device('md0', { type: 'raid1', majMin: '9:0', fstype: 'ext4', mountpoints: ['/'] });
    const member = (name: string) =>
      device(name, { pttype: 'gpt', children: [device(`${name}1`, { type: 'part', fstype: 'linux_raid_member', children: [md] })] });
    const { devices } = { devices: [member('sda'), member('sdb')] };
    for (const disk of devices.map((d) => assessDisk(d, context))) {
      expect(disk.reasons.map((r) => r.code)).toEqual(['root-disk', 'in-use', 'raid-member', 'has-partitions']);
      expect(disk.holders).toEqual(['md0']);
    }
  });

  it('LUKS on a whole disk, opened: in use by the mapping, signature crypto_LUKS', () => {
    const disk = assessDisk(device('sdc', { fstype: 'crypto_LUKS', children: [device('data', { type: 'crypt', fstype: 'xfs', mountpoints: ['/data'] })] }), context);
    expect(disk.reasons.map((r) => r.message)).toEqual(['mounted: /data', 'in use by data', 'signatures found: crypto_LUKS']);
  });

  it('a GPT with no partitions still counts as a signature; a read-only disk says so', () => {
    expect(assessDisk(device('sdd', { pttype: 'gpt' }), context).reasons).toEqual([{ code: 'has-signature', message: 'signatures found: gpt' }]);
    expect(assessDisk(device('sde', { readOnly: true }), context).reasons).toEqual([{ code: 'read-only', message: 'read-only' }]);
  });

  it('too small names both numbers', () => {
    expect(assessDisk(device('sdf', { sizeBytes: 4 * GiB }), context).reasons).toEqual([
      { code: 'too-small', message: 'too small: 4.0 GiB, at least 8 GiB needed' },
    ]);
    expect(assessDisk(device('sdg', { sizeBytes: 8 * GiB }), context).usable).toBe(true);
  });

  it('parseLsblk keeps every mountpoint once (2.37+ list plus the old single field)', () => {
    const { devices } = parseLsblk(JSON.stringify({ blockdevices: [{ name: 'sda', type: 'disk', mountpoint: '/a', mountpoints: ['/a', '/b', null] }] }));
    expect(devices[0]!.mountpoints).toEqual(['/a', '/b']);
  });
});
