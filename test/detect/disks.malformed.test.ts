// Disk detection never throws: missing, failing, slow or lying tools become notes, and a disk we cannot
// fully see is never offered.
import { describe, expect, it } from 'vitest';
import { detectDisks, parseLsblk } from '../../src/detect/disks.js';
import type { CommandResult } from '../../src/env/types.js';
import { HostRecording } from '../../src/env/recording.js';
import type { Disk, Note } from '../../src/model/facts.js';
import { createSparseHost, loadHostFixture } from '../fakes/fixture-host.js';

const LSBLK = 'lsblk -J -b -O';
const GiB = 1024 ** 3;
const OPTIONS = { uplink: false, loopDevices: false, installerPath: '/root/ciab' };

type Command = Partial<CommandResult> & { exitCode: number; stdout: string };

/** udev has described these devices (so lsblk's FSTYPE/PTTYPE count and no blkid runs). */
const UDEV = { exists: Object.fromEntries(['8:0', '8:1', '8:16', '8:32', '7:0', '7:1'].map((m) => [`/run/udev/data/b${m}`, true])) };

async function detectWith(
  commands: Record<string, Command>,
  extra: Partial<HostRecording> = UDEV,
): Promise<{ disks: Disk[]; notes: Note[] }> {
  const recording = HostRecording.parse({ hostname: 'broken', commands, ...extra });
  const notes: Note[] = [];
  const disks = await detectDisks(createSparseHost(recording), notes, OPTIONS);
  return { disks, notes };
}

const lsblkJson = (devices: unknown[]): Command => ({ exitCode: 0, stdout: JSON.stringify({ blockdevices: devices }) });

/** A minimal, valid lsblk entry. */
const disk = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  kname: name,
  path: `/dev/${name}`,
  'maj:min': '8:0',
  type: 'disk',
  size: 100 * GiB,
  fstype: null,
  pttype: 'gpt',
  mountpoints: [null],
  tran: 'sata',
  rota: true,
  rm: false,
  ro: false,
  ...extra,
});

const messages = (notes: Note[]) => notes.map((n) => `${n.fact}: ${n.message}`).join('\n');

describe('lsblk itself fails', () => {
  it('not installed → no disks, a note naming the package', async () => {
    const { disks, notes } = await detectWith({});
    expect(disks).toEqual([]);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.fact).toBe('disks');
    expect(notes[0]!.message).toMatch(/lsblk is not installed.*util-linux/);
  });

  it('exit code 1 → no disks, the exit code and lsblk’s own words', async () => {
    const { disks, notes } = await detectWith({
      [LSBLK]: { exitCode: 1, stdout: '', stderr: 'lsblk: failed to access sysfs directory: /sys/dev/block: No such file or directory\n' },
    });
    expect(disks).toEqual([]);
    expect(messages(notes)).toContain('exit code 1 (lsblk: failed to access sysfs directory');
  });

  it('timed out → no disks, says so', async () => {
    const { disks, notes } = await detectWith({ [LSBLK]: { exitCode: -1, stdout: '', timedOut: true } });
    expect(disks).toEqual([]);
    expect(messages(notes)).toMatch(/did not finish within 10 s/);
  });

  it('empty stdout → no disks, "printed nothing"', async () => {
    const { disks, notes } = await detectWith({ [LSBLK]: { exitCode: 0, stdout: '' } });
    expect(disks).toEqual([]);
    expect(messages(notes)).toContain('disks unknown: lsblk printed nothing');
  });

  it('truncated JSON (a real output cut in half) → no disks, "no valid JSON"', async () => {
    const real = loadHostFixture('laptop').commands[LSBLK]!.stdout;
    const { disks, notes } = await detectWith({ [LSBLK]: { exitCode: 0, stdout: real.slice(0, real.length / 2) } });
    expect(disks).toEqual([]);
    expect(messages(notes)).toMatch(/lsblk printed no valid JSON/);
  });

  it('garbage and JSON of the wrong shape → no disks, notes', async () => {
    for (const stdout of ['NAME MAJ:MIN RM SIZE RO TYPE MOUNTPOINTS\nsda 8:0 0 100G 0 disk', '[]', '{"blockdevices": 3}', 'null']) {
      const { disks, notes } = await detectWith({ [LSBLK]: { exitCode: 0, stdout } });
      expect(disks).toEqual([]);
      expect(notes.length).toBeGreaterThan(0);
      expect(messages(notes)).toMatch(/^disks: disks unknown: lsblk/);
    }
  });
});

describe('lsblk entries with missing fields or wrong types', () => {
  it('an entry without a name, or with a size that is no number, is left out; the rest is read', async () => {
    const { disks, notes } = await detectWith({
      [LSBLK]: lsblkJson([disk('sda'), { ...disk('x'), name: undefined }, disk('sdb', { size: 'huge' }), 'not an object']),
    });
    expect(disks.map((d) => d.name)).toEqual(['sda']);
    const text = messages(notes);
    expect(text).toContain('lsblk entry #2 is malformed and left out (name:');
    expect(text).toContain('lsblk entry sdb is malformed and left out (size: expected a number');
    expect(text).toContain('lsblk entry #4 is malformed');
  });

  it('a malformed child (a partition with mountpoints as a string) leaves out the whole disk', async () => {
    const { disks, notes } = await detectWith({
      [LSBLK]: lsblkJson([disk('sda', { children: [{ name: 'sda1', type: 'part', mountpoints: '/' }] }), disk('sdb')]),
    });
    expect(disks.map((d) => d.name)).toEqual(['sdb']);
    expect(messages(notes)).toContain('lsblk entry sda is malformed and left out (children.0.mountpoints:');
  });

  it('only name and type: everything else unknown, and a disk of unknown size is not offered', async () => {
    const { disks } = await detectWith({ [LSBLK]: lsblkJson([{ name: 'sdc', type: 'disk', pttype: 'gpt' }]) });
    expect(disks).toHaveLength(1);
    expect(disks[0]).toMatchObject({
      name: 'sdc',
      path: '/dev/sdc',
      sizeBytes: null,
      model: null,
      transport: 'unknown',
      rotational: null,
      removable: null,
      readOnly: null,
      usable: false,
    });
    expect(disks[0]!.reasons.map((r) => r.code)).toEqual(['has-signature', 'too-small']);
    expect(disks[0]!.reasons.at(-1)!.message).toBe('size unknown, at least 8 GiB needed');
  });

  it('util-linux < 2.33 printed numbers and flags as strings and padded the model: still read', () => {
    const old = JSON.stringify({
      blockdevices: [
        { name: 'sda', 'maj:min': '8:0', rm: '0', size: '500107862016', ro: '0', type: 'disk', mountpoint: null, rota: '1', model: 'Samsung SSD 850  ', tran: 'sata' },
      ],
    });
    const { devices, problems } = parseLsblk(old);
    expect(problems).toEqual([]);
    expect(devices[0]).toMatchObject({ sizeBytes: 500107862016, rotational: true, removable: false, readOnly: false, model: 'Samsung SSD 850', mountpoints: [] });
  });

  it('detached loop devices are not listed; an attached one is (as virtual)', async () => {
    const { disks } = await detectWith({
      [LSBLK]: lsblkJson([disk('loop0', { type: 'loop', size: 0, tran: null }), disk('loop1', { type: 'loop', tran: null }), disk('sda')]),
    });
    expect(disks.map((d) => d.name)).toEqual(['loop1', 'sda']);
    expect(disks[0]!.reasons[0]!.code).toBe('virtual-device');
  });
});

describe('/dev/disk/by-id and mountinfo surprises', () => {
  it('a link pointing nowhere, an entry that is no link, a partition link: ignored, no crash', async () => {
    const { disks } = await detectWith(
      { [LSBLK]: lsblkJson([disk('sda')]) },
      {
        ...UDEV,
        dirs: { '/dev/disk/by-id': ['ata-GHOST_123', 'ata-REAL_456', 'ata-REAL_456-part1', 'not-a-link', 'wwn-0x5000'] },
        links: {
          '/dev/disk/by-id/ata-GHOST_123': '../../sdz',
          '/dev/disk/by-id/ata-REAL_456-part1': '../../sda',
          '/dev/disk/by-id/ata-REAL_456': '/dev/sda',
          '/dev/disk/by-id/wwn-0x5000': '../../sda',
        },
      },
    );
    expect(disks[0]!.byId).toBe('/dev/disk/by-id/ata-REAL_456');
  });

  it('only a dangling link → byId null', async () => {
    const { disks } = await detectWith(
      { [LSBLK]: lsblkJson([disk('sda')]) },
      { ...UDEV, dirs: { '/dev/disk/by-id': ['ata-GHOST_123'] }, links: { '/dev/disk/by-id/ata-GHOST_123': '../../sdz' } },
    );
    expect(disks[0]!.byId).toBeNull();
  });

  it('no /dev/disk/by-id at all → byId null and a note; no mountinfo → a note, no installer verdict', async () => {
    const { disks, notes } = await detectWith({ [LSBLK]: lsblkJson([disk('sda')]) });
    expect(disks[0]!.byId).toBeNull();
    expect(messages(notes)).toContain('/dev/disk/by-id is missing');
    expect(messages(notes)).toContain('installer media unknown: /proc/self/mountinfo is unreadable');
  });

  it('an installer on a device lsblk does not list → a note, and no disk blamed', async () => {
    const { disks, notes } = await detectWith(
      { [LSBLK]: lsblkJson([disk('sda')]) },
      { ...UDEV, files: { '/proc/self/mountinfo': '27 1 8:33 / / rw,relatime shared:1 - ext4 /dev/sdc1 rw\n' } },
    );
    expect(disks[0]!.reasons.map((r) => r.code)).not.toContain('installer-media');
    expect(messages(notes)).toContain('installer media unknown: /root/ciab is on /dev/sdc1 (8:33), which lsblk does not list');
  });
});

describe('no udev record: lsblk cannot know signatures, blkid -p decides per device', () => {
  // What lsblk prints in a container without udevd: the tree is there, FSTYPE/PTTYPE are all null.
  const bare = lsblkJson([
    disk('sda', { pttype: null, children: [{ name: 'sda1', path: '/dev/sda1', 'maj:min': '8:1', type: 'part', size: 50 * GiB, mountpoints: ['/'] }] }),
    disk('sdb', { pttype: null, 'maj:min': '8:16' }),
    disk('sdc', { pttype: null, 'maj:min': '8:32' }),
    disk('sdd', { pttype: null, 'maj:min': '8:48' }),
    disk('sr0', { type: 'rom', pttype: null, 'maj:min': '11:0' }),
  ]);
  const blkid = (device: string, result: Command): Record<string, Command> => ({ [`blkid -p -o export ${device}`]: result });
  /** The device nodes exist (blkid says "nothing" for a missing one too, so detection checks). */
  const NODES = { exists: Object.fromEntries(['/dev/sda', '/dev/sda1', '/dev/sdb', '/dev/sdc', '/dev/sdd'].map((p) => [p, true])) };
  const probes = {
    ...blkid('/dev/sda', { exitCode: 0, stdout: 'DEVNAME=/dev/sda\nPTUUID=1234\nPTTYPE=gpt\n' }),
    ...blkid('/dev/sda1', { exitCode: 0, stdout: 'DEVNAME=/dev/sda1\nUUID=abc\nBLOCK_SIZE=4096\nTYPE=ext4\nUSAGE=filesystem\n' }),
    ...blkid('/dev/sdb', { exitCode: 0, stdout: 'DEVNAME=/dev/sdb\nUUID=x\nVERSION=LVM2\\ 001\nTYPE=LVM2_member\nUSAGE=raid\n' }),
    ...blkid('/dev/sdc', { exitCode: 2, stdout: '' }),
  };

  it('fills signatures from blkid (never probing the optical drive); a blank disk is offered', async () => {
    const runs: string[] = [];
    const recording = HostRecording.parse({
      hostname: 'container',
      ...NODES,
      commands: { [LSBLK]: bare, ...probes, ...blkid('/dev/sdd', { exitCode: 8, stdout: '', stderr: 'blkid: /dev/sdd: ambivalent result (probably more filesystems on the device, use wipefs(8) to see more details)\n' }) },
    });
    const base = createSparseHost(recording);
    const reader = createSparseHost(recording, { run: async (c, a, o) => (runs.push([c, ...a].join(' ')), base.run(c, a, o)) });
    const notes: Note[] = [];
    const [sda, sdb, sdc, sdd, sr0] = await detectDisks(reader, notes, OPTIONS);
    expect(runs.filter((r) => r.startsWith('blkid')).sort()).toEqual(Object.keys(probes).concat('blkid -p -o export /dev/sdd').sort());
    expect(sda).toMatchObject({ partitionTable: 'gpt', signatures: ['ext4'] });
    expect(sdb!.reasons.map((r) => r.code)).toEqual(['lvm-member']);
    expect(sdc).toMatchObject({ usable: true, signatures: [] });
    expect(sdd!.reasons).toEqual([
      { code: 'has-signature', message: 'signatures unknown (blkid: ambivalent result (probably more filesystems on the device, use wipefs(8) to see more details)): not offered blind' },
    ]);
    expect(sr0!.reasons.map((r) => r.code)).toEqual(['virtual-device']);
    expect(messages(notes)).toContain('signatures unknown, so not offered: udev has no record and blkid could not probe /dev/sdd (blkid: ambivalent result');
  });

  it('exit 2 with nothing on stderr is a blank device', async () => {
    const { disks } = await detectWith({ [LSBLK]: bare, ...probes, ...blkid('/dev/sdd', { exitCode: 2, stdout: '' }) }, NODES);
    expect(disks.find((d) => d.name === 'sdd')!.usable).toBe(true);
  });

  it('a device blkid may not read stays unknown, and is not offered', async () => {
    const { disks, notes } = await detectWith(
      { [LSBLK]: bare, ...probes, ...blkid('/dev/sdd', { exitCode: 2, stdout: '', stderr: 'blkid: error: /dev/sdd: Operation not permitted\n' }) },
      NODES,
    );
    const sdd = disks.find((d) => d.name === 'sdd')!;
    expect(sdd.reasons).toEqual([{ code: 'has-signature', message: 'signatures unknown (blkid: Operation not permitted): not offered blind' }]);
    expect(messages(notes)).toContain('/dev/sdd (blkid: Operation not permitted)');
  });

  it('a missing device node is no blank disk (blkid would say "nothing found")', async () => {
    const { disks } = await detectWith({ [LSBLK]: bare, ...probes, ...blkid('/dev/sdd', { exitCode: 2, stdout: '' }) }, {});
    expect(disks.find((d) => d.name === 'sdc')!.reasons[0]!.message).toBe('signatures unknown (no device node /dev/sdc): not offered blind');
  });

  it('without blkid nothing is offered blind', async () => {
    const { disks, notes } = await detectWith({ [LSBLK]: bare }, NODES);
    expect(disks.filter((d) => d.usable)).toEqual([]);
    expect(disks.find((d) => d.name === 'sdc')!.reasons[0]!.message).toBe('signatures unknown (blkid is not installed): not offered blind');
    expect(messages(notes)).toMatch(/signatures unknown, so not offered: .*\/dev\/sdc \(blkid is not installed\)/);
  });

  it('a disk udev knows is taken from lsblk as is, only the others are probed', async () => {
    const runs: string[] = [];
    const recording = HostRecording.parse({ hostname: 'half', commands: { [LSBLK]: bare, ...probes }, exists: { ...NODES.exists, '/run/udev/data/b8:48': true } });
    const base = createSparseHost(recording);
    const reader = createSparseHost(recording, { run: async (c, a, o) => (runs.push([c, ...a].join(' ')), base.run(c, a, o)) });
    const disks = await detectDisks(reader, [], OPTIONS);
    expect(runs).not.toContain('blkid -p -o export /dev/sdd');
    expect(disks.find((d) => d.name === 'sdd')!.usable).toBe(true);
  });
});
