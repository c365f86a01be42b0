// Disks: every top-level block device with its partitions, what sits on it, and whether the installer may
// offer it as cloud storage (cinder LVM / ceph). Reads, all in parallel: ONE `lsblk -J -b -O` (the device
// tree, sizes, signatures, mountpoints), /proc/self/mountinfo (which disk the installer runs from) and
// /dev/disk/by-id (a stable name per disk). lsblk reads signatures from udev's database; for the disks and
// partitions udev has no record of (no udevd, as in containers) `blkid -p` probes them, because "blank"
// must never be a guess.
import path from 'node:path';
import { z } from 'zod';
import type { CommandResult, HostReader } from '../env/types.js';
import { MIN_USABLE_DISK_BYTES, type Disk, type DiskVerdict, type Note, type Transport } from '../model/facts.js';
import { GiB, formatBytes } from '../model/units.js';
import type { DetectOptions } from './options.js';

export const LSBLK_ARGS = ['-J', '-b', '-O'] as const;
const BY_ID_DIR = '/dev/disk/by-id';
const MOUNTINFO = '/proc/self/mountinfo';
/** lsblk can hang on a dying disk or a stuck optical drive; detection must not. */
const LSBLK_TIMEOUT_MS = 10_000;
const BLKID_TIMEOUT_MS = 5_000;

/** Mountpoints that make a disk the boot disk. */
const BOOT_MOUNTS = new Set(['/boot', '/boot/efi', '/efi', '/boot/firmware']);
/** Signatures that get their own, more specific verdict instead of has-signature. */
const LVM_SIGNATURES = new Set(['LVM2_member', 'LVM1_member']);
const RAID_SIGNATURES = new Set(['linux_raid_member', 'isw_raid_member', 'ddf_raid_member']);

/** Reasons, most important first: the first one is what a one-line summary shows. */
export const REASON_ORDER: readonly DiskVerdict[] = [
  'root-disk',
  'boot-disk',
  'installer-media',
  'virtual-device',
  'read-only',
  'mounted',
  'in-use',
  'lvm-member',
  'raid-member',
  'has-partitions',
  'has-signature',
  'too-small',
];

// ---------------------------------------------------------------------------------------------------------
// lsblk: a tolerant schema. Unknown fields pass; optional fields may be null or absent; util-linux < 2.33
// printed numbers and flags as strings ("size": "512110190592", "rota": "0"), so those are accepted too.

const optionalString = z.string().nullish();
const optionalNumber = z.union([z.number(), z.string().regex(/^\d+$/, 'expected a number')]).nullish();
const optionalFlag = z.union([z.boolean(), z.literal(0), z.literal(1), z.enum(['0', '1'])]).nullish();

interface RawDevice {
  name: string;
  type: string;
  kname?: string | null;
  path?: string | null;
  'maj:min'?: string | null;
  fstype?: string | null;
  pttype?: string | null;
  mountpoint?: string | null;
  mountpoints?: Array<string | null> | null;
  size?: number | string | null;
  tran?: string | null;
  subsystems?: string | null;
  rota?: boolean | number | string | null;
  rm?: boolean | number | string | null;
  ro?: boolean | number | string | null;
  model?: string | null;
  serial?: string | null;
  children?: RawDevice[] | null;
}

const RawDevice: z.ZodType<RawDevice> = z.looseObject({
  name: z.string().min(1),
  type: z.string().min(1),
  kname: optionalString,
  path: optionalString,
  'maj:min': optionalString,
  fstype: optionalString,
  pttype: optionalString,
  mountpoint: optionalString,
  mountpoints: z.array(z.string().nullable()).nullish(),
  size: optionalNumber,
  tran: optionalString,
  subsystems: optionalString,
  rota: optionalFlag,
  rm: optionalFlag,
  ro: optionalFlag,
  model: optionalString,
  serial: optionalString,
  get children() {
    return z.array(RawDevice).nullish();
  },
});

/** One node of lsblk's tree, normalized. */
export interface BlockDevice {
  name: string;
  kname: string;
  path: string;
  majMin: string | null;
  /** disk, part, loop, rom, lvm, crypt, raid1 … */
  type: string;
  sizeBytes: number | null;
  fstype: string | null;
  pttype: string | null;
  mountpoints: string[];
  tran: string | null;
  subsystems: string | null;
  rotational: boolean | null;
  removable: boolean | null;
  readOnly: boolean | null;
  model: string | null;
  serial: string | null;
  children: BlockDevice[];
}

export interface LsblkResult {
  devices: BlockDevice[];
  /** What could not be read, for notes (empty when all is well). */
  problems: string[];
}

/** Older lsblk pads model/serial with blanks; an empty string means "none". */
const text = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};
const flag = (value: RawDevice['rota']): boolean | null =>
  value === null || value === undefined ? null : value === true || value === 1 || value === '1';
const bytes = (value: RawDevice['size']): number | null =>
  value === null || value === undefined ? null : typeof value === 'number' ? value : Number(value);

function normalize(raw: RawDevice): BlockDevice {
  // 2.37+ prints all mountpoints (bind mounts, btrfs subvolumes); older ones only `mountpoint`.
  const mountpoints = [...(raw.mountpoints ?? []), raw.mountpoint].filter((m): m is string => typeof m === 'string' && m !== '');
  return {
    name: raw.name,
    kname: text(raw.kname) ?? raw.name,
    path: text(raw.path) ?? `/dev/${raw.name}`,
    majMin: text(raw['maj:min']),
    type: raw.type,
    sizeBytes: bytes(raw.size),
    fstype: text(raw.fstype),
    pttype: text(raw.pttype),
    mountpoints: [...new Set(mountpoints)],
    tran: text(raw.tran),
    subsystems: text(raw.subsystems),
    rotational: flag(raw.rota),
    removable: flag(raw.rm),
    readOnly: flag(raw.ro),
    model: text(raw.model),
    serial: text(raw.serial),
    children: (raw.children ?? []).map(normalize),
  };
}

const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(entry)'}: ${issue.message}`)
    .join('; ');

/**
 * `lsblk -J -b -O` → the device tree. A malformed top-level entry is left out (with a problem naming it)
 * rather than half-read: a disk we cannot fully see is a disk we must not offer.
 */
export function parseLsblk(stdout: string): LsblkResult {
  if (stdout.trim() === '') return { devices: [], problems: ['lsblk printed nothing'] };
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch (error) {
    return { devices: [], problems: [`lsblk printed no valid JSON (${(error as Error).message})`] };
  }
  const top = z.looseObject({ blockdevices: z.array(z.unknown()) }).safeParse(data);
  if (!top.success) return { devices: [], problems: ['lsblk JSON has no "blockdevices" list'] };
  const devices: BlockDevice[] = [];
  const problems: string[] = [];
  top.data.blockdevices.forEach((entry, index) => {
    const parsed = RawDevice.safeParse(entry);
    if (parsed.success) {
      devices.push(normalize(parsed.data));
      return;
    }
    const name = typeof entry === 'object' && entry !== null && typeof (entry as { name?: unknown }).name === 'string'
      ? (entry as { name: string }).name
      : `#${index + 1}`;
    problems.push(`lsblk entry ${name} is malformed and left out (${describeIssues(parsed.error)})`);
  });
  return { devices, problems };
}

/** Every device below `device` (not itself), depth first. */
export function descendants(device: BlockDevice): BlockDevice[] {
  return device.children.flatMap((child) => [child, ...descendants(child)]);
}

// ---------------------------------------------------------------------------------------------------------
// Transport

/** lsblk TRAN values → our transport. */
const TRAN: Record<string, Transport> = {
  nvme: 'nvme',
  sata: 'sata',
  ata: 'sata',
  sas: 'sas',
  usb: 'usb',
  mmc: 'mmc',
  virtio: 'virtio',
  iscsi: 'scsi',
  fc: 'scsi',
  spi: 'scsi',
  ibp: 'scsi',
  srp: 'scsi',
  fcoe: 'scsi',
};

/**
 * lsblk's TRAN first; virtio and xen disks have none, so the SUBSYSTEMS chain (e.g. "block:virtio:pci",
 * "block:scsi:usb:pci": usb wins over the scsi emulation it rides on) and the kernel name decide.
 */
export function transportOf(device: Pick<BlockDevice, 'name' | 'type' | 'tran' | 'subsystems'>): Transport {
  if (device.tran && TRAN[device.tran]) return TRAN[device.tran]!;
  if (device.type === 'loop') return 'loop';
  if (device.name.startsWith('zram')) return 'zram';
  if (/^ram\d+$/.test(device.name)) return 'ram';
  if (device.type === 'md' || device.type.startsWith('raid') || /^md\d+/.test(device.name)) return 'md';
  if (device.type === 'dm' || device.type === 'lvm' || device.type === 'crypt' || device.name.startsWith('dm-')) return 'dm';
  const subsystems = new Set((device.subsystems ?? '').split(':'));
  for (const sub of ['usb', 'nvme', 'mmc', 'virtio', 'xen'] as const) {
    if (subsystems.has(sub)) return sub;
  }
  if (/^vd[a-z]+$/.test(device.name)) return 'virtio';
  if (/^xvd[a-z]+$/.test(device.name)) return 'xen';
  if (/^nvme\d+n\d+$/.test(device.name)) return 'nvme';
  if (/^mmcblk\d+$/.test(device.name)) return 'mmc';
  if (subsystems.has('scsi')) return 'scsi';
  return 'unknown';
}

// ---------------------------------------------------------------------------------------------------------
// /proc/self/mountinfo: which device holds the installer

export interface MountEntry {
  majMin: string;
  mountPoint: string;
  fstype: string;
  source: string;
}

/** mountinfo escapes blanks, tabs, newlines and backslashes as octal (\040 …). */
const unescapeMount = (value: string): string => value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

export function parseMountinfo(content: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of content.split('\n')) {
    // id parent maj:min root mountpoint options [optional fields…] - fstype source superoptions
    const fields = line.trim().split(' ');
    const dash = fields.indexOf('-');
    if (fields.length < 5 || dash < 6 || !/^\d+:\d+$/.test(fields[2]!)) continue;
    mounts.push({
      majMin: fields[2]!,
      mountPoint: unescapeMount(fields[4]!),
      fstype: fields[dash + 1] ?? '',
      source: unescapeMount(fields[dash + 2] ?? ''),
    });
  }
  return mounts;
}

const isUnder = (target: string, mountPoint: string): boolean =>
  mountPoint === '/' || target === mountPoint || target.startsWith(`${mountPoint}/`);

/** The mount holding `target`: longest mountpoint prefix; of equal ones the last (it hides the earlier). */
export function mountFor(target: string, mounts: readonly MountEntry[]): MountEntry | null {
  const resolved = path.posix.resolve('/', target);
  let best: MountEntry | null = null;
  for (const mount of mounts) {
    if (isUnder(resolved, mount.mountPoint) && (!best || mount.mountPoint.length >= best.mountPoint.length)) best = mount;
  }
  return best;
}

/**
 * Names of the top-level disks under `mount`'s device: by maj:min; failing that (btrfs reports an
 * anonymous 0:NN) by the mount's source path or by the mountpoint lsblk lists. A device on md/LVM across
 * several disks yields all of them.
 */
export function disksHoldingMount(devices: readonly BlockDevice[], mount: MountEntry): string[] {
  const matchers: Array<(d: BlockDevice) => boolean> = [
    (d) => d.majMin === mount.majMin,
    (d) => d.path === mount.source || `/dev/mapper/${d.name}` === mount.source,
    (d) => d.mountpoints.includes(mount.mountPoint),
  ];
  for (const matches of matchers) {
    const hits = devices.filter((disk) => [disk, ...descendants(disk)].some(matches)).map((disk) => disk.name);
    if (hits.length > 0) return hits;
  }
  return [];
}

// ---------------------------------------------------------------------------------------------------------
// /dev/disk/by-id

export interface ByIdLink {
  id: string;
  /** Absolute device path the link resolves to, e.g. /dev/nvme0n1. */
  device: string;
}

/**
 * Lower is better: names people can read on the label (model + serial) first, then other stable ids,
 * then hex world-wide names; within a rank the shortest (udev adds "_1" namespace twins for NVMe).
 */
export function byIdRank(id: string): number {
  if (/^(wwn-|nvme-eui\.|nvme-nvme\.|scsi-[238])/.test(id)) return 2;
  if (/^(nvme-|ata-|usb-|virtio-|scsi-|mmc-|xen-|ieee1394-|memstick-)/.test(id)) return 0;
  return 1;
}

export function pickById(links: readonly ByIdLink[], devicePath: string): string | null {
  const candidates = links
    .filter((link) => link.device === devicePath && !/-part\d+$/.test(link.id))
    .sort((a, b) => byIdRank(a.id) - byIdRank(b.id) || a.id.length - b.id.length || a.id.localeCompare(b.id));
  return candidates[0] ? path.posix.join(BY_ID_DIR, candidates[0].id) : null;
}

async function readByIdLinks(reader: HostReader): Promise<ByIdLink[] | null> {
  const entries = await reader.listDir(BY_ID_DIR);
  if (entries === null) return null;
  const links = await Promise.all(
    entries
      .filter((id) => !/-part\d+$/.test(id))
      .map(async (id) => {
        const target = await reader.readLink(path.posix.join(BY_ID_DIR, id));
        return target === null ? null : { id, device: path.posix.resolve(BY_ID_DIR, target) };
      }),
  );
  return links.filter((link): link is ByIdLink => link !== null);
}

// ---------------------------------------------------------------------------------------------------------
// blkid: signatures when lsblk has none to give

/**
 * lsblk takes FSTYPE/PTTYPE from udev's database (/run/udev/data/b<maj:min>); a device udev has not
 * described (no udevd, as in containers, or an event not yet processed) looks blank even when it is not.
 */
export const udevDbPath = (majMin: string): string => `/run/udev/data/b${majMin}`;

/** What `blkid -p` says about one device: signatures, blank, or why it could not tell. */
export type BlkidVerdict =
  | { kind: 'found'; type: string | null; pttype: string | null }
  | { kind: 'blank' }
  | { kind: 'unknown'; why: string };

const unescapeBlkid = (value: string): string => value.replace(/\\(.)/g, '$1');

/**
 * `blkid -p -o export DEV` (one device: in low-level mode blkid stops at the first device without a
 * signature, so several devices per call would hide the rest). Exit 0 found, 2 nothing found; anything
 * else (8 ambivalent: several signatures …), and any complaint on stderr, leaves the device unknown.
 */
export function parseBlkid(result: Pick<CommandResult, 'exitCode' | 'stdout' | 'stderr' | 'notFound' | 'timedOut'>): BlkidVerdict {
  if (result.notFound) return { kind: 'unknown', why: 'blkid is not installed' };
  if (result.timedOut) return { kind: 'unknown', why: `blkid did not finish within ${BLKID_TIMEOUT_MS / 1000} s` };
  const values = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), unescapeBlkid(line.slice(eq + 1).trim()));
  }
  const type = values.get('TYPE') ?? null;
  const pttype = values.get('PTTYPE') ?? null;
  if (type || pttype) return { kind: 'found', type, pttype };
  // blkid also exits 2 when it cannot open the device ("error: /dev/vda: Operation not permitted").
  const said = result.stderr.trim().split('\n')[0]?.replace(/^blkid: (error: )?(\/dev\/\S+: )?/, '');
  if (said) return { kind: 'unknown', why: `blkid: ${said}` };
  // 0 with no TYPE: a partition carrying only its PART_ENTRY_* data.
  if (result.exitCode === 2 || result.exitCode === 0) return { kind: 'blank' };
  return { kind: 'unknown', why: `blkid exited with ${result.exitCode}` };
}

/** Worth probing: real media with a size (not a stuck optical drive, not compressed RAM). */
const probeable = (device: BlockDevice): boolean =>
  device.type !== 'rom' && (device.sizeBytes ?? 0) > 0 && !['zram', 'ram'].includes(transportOf(device));

/** The whole disks and partitions worth probing whose signatures lsblk could not have known. */
async function devicesUdevMissed(reader: HostReader, devices: readonly BlockDevice[]): Promise<BlockDevice[]> {
  const candidates = devices.filter(probeable).flatMap((d) => [d, ...d.children.filter((c) => c.type === 'part')]);
  const described = await Promise.all(candidates.map((d) => (d.majMin ? reader.exists(udevDbPath(d.majMin)) : false)));
  return candidates.filter((_, index) => !described[index]);
}

/** Fill FSTYPE/PTTYPE from `blkid -p` (one call per device, all in parallel) into a copy of the tree. */
async function probeSignatures(
  reader: HostReader,
  devices: BlockDevice[],
  targets: readonly BlockDevice[],
): Promise<{ devices: BlockDevice[]; unknown: Map<string, string> }> {
  const verdicts = new Map(
    await Promise.all(
      targets.map(async (t) => {
        // blkid says "nothing found" (exit 2, silently) for a path that does not exist: check the node too.
        const [result, present] = await Promise.all([
          reader.run('blkid', ['-p', '-o', 'export', t.path], { timeoutMs: BLKID_TIMEOUT_MS }),
          reader.exists(t.path),
        ]);
        const verdict: BlkidVerdict = present || result.notFound ? parseBlkid(result) : { kind: 'unknown', why: `no device node ${t.path}` };
        return [t.path, verdict] as const;
      }),
    ),
  );
  const unknown = new Map<string, string>();
  for (const [device, verdict] of verdicts) if (verdict.kind === 'unknown') unknown.set(device, verdict.why);
  const fill = (device: BlockDevice): BlockDevice => {
    const verdict = verdicts.get(device.path);
    const hit = verdict?.kind === 'found' ? verdict : null;
    return {
      ...device,
      fstype: device.fstype ?? hit?.type ?? null,
      pttype: device.pttype ?? hit?.pttype ?? null,
      children: device.children.map(fill),
    };
  };
  return { devices: devices.map(fill), unknown };
}

// ---------------------------------------------------------------------------------------------------------
// Verdicts

export interface DiskContext {
  options: Pick<DetectOptions, 'loopDevices'>;
  /** Top-level disk names holding the installer, and the mountpoint it runs from. */
  installer: { disks: string[]; mountPoint: string } | null;
  byId: readonly ByIdLink[];
  /** Device paths whose signatures could not be read, with why. */
  unknownSignatures: ReadonlyMap<string, string>;
}

const list = (items: readonly string[]): string => items.join(', ');

/** "8 GiB", not "8.0 GiB", for the round threshold in messages. */
const formatThreshold = (value: number): string => (value % GiB === 0 ? `${value / GiB} GiB` : formatBytes(value));

function virtualReason(device: BlockDevice, transport: Transport, options: DiskContext['options']): string | null {
  if (device.type === 'rom') return 'optical drive, not a disk';
  if (transport === 'zram') return 'zram: compressed RAM, not a disk';
  if (transport === 'ram') return 'RAM disk, not a disk';
  if (device.type === 'loop' && !options.loopDevices) return 'loop device (offered only with --loop-devices)';
  return null;
}

/** The Disk record for one top-level device: facts plus the usable verdict with its reasons. */
export function assessDisk(device: BlockDevice, context: DiskContext): Disk {
  const below = descendants(device);
  const partitions = device.children.filter((child) => child.type === 'part');
  const stacked = below.filter((d) => d.type !== 'part');
  const mountpoints = [...new Set([device, ...below].flatMap((d) => d.mountpoints))];
  const signatures = [...new Set([device, ...partitions].map((d) => d.fstype).filter((s): s is string => s !== null))];
  // A partition table without partitions is still something someone put there.
  if (device.pttype && partitions.length === 0) signatures.push(device.pttype);
  const holders = [...new Set(stacked.map((d) => d.name))];
  const transport = transportOf(device);

  const reasons: Array<{ code: DiskVerdict; message: string }> = [];
  const add = (code: DiskVerdict, message: string) => reasons.push({ code, message });

  if (mountpoints.includes('/')) add('root-disk', 'the root filesystem (/) is on this disk');
  const boot = mountpoints.filter((m) => BOOT_MOUNTS.has(m));
  if (boot.length > 0) add('boot-disk', `boot files are on this disk (${list(boot)})`);
  if (context.installer?.disks.includes(device.name)) add('installer-media', `the installer runs from this disk (${context.installer.mountPoint})`);
  const virtual = virtualReason(device, transport, context.options);
  if (virtual) add('virtual-device', virtual);
  if (device.readOnly) add('read-only', 'read-only');
  const otherMounts = mountpoints.filter((m) => m !== '/' && !BOOT_MOUNTS.has(m));
  if (otherMounts.length > 0) add('mounted', `mounted: ${list(otherMounts)}`);
  if (holders.length > 0) add('in-use', `in use by ${list(holders)}`);
  const lvm = [device, ...partitions].filter((d) => d.fstype !== null && LVM_SIGNATURES.has(d.fstype));
  if (lvm.length > 0) add('lvm-member', `LVM physical volume on ${list(lvm.map((d) => d.name))}`);
  const raid = [device, ...partitions].filter((d) => d.fstype !== null && RAID_SIGNATURES.has(d.fstype));
  if (raid.length > 0) add('raid-member', `RAID member on ${list(raid.map((d) => d.name))}`);
  if (partitions.length > 0) add('has-partitions', `${partitions.length === 1 ? '1 partition' : `${partitions.length} partitions`} (${list(partitions.map((p) => p.name))})`);
  const plain = signatures.filter((s) => !LVM_SIGNATURES.has(s) && !RAID_SIGNATURES.has(s));
  const unknown = [device, ...partitions].map((d) => context.unknownSignatures.get(d.path)).filter((w): w is string => w !== undefined);
  if (plain.length > 0) add('has-signature', `signatures found: ${list(plain)}`);
  else if (unknown.length > 0) add('has-signature', `signatures unknown (${unknown[0]}): not offered blind`);
  if (device.sizeBytes === null) add('too-small', `size unknown, at least ${formatThreshold(MIN_USABLE_DISK_BYTES)} needed`);
  else if (device.sizeBytes < MIN_USABLE_DISK_BYTES)
    add('too-small', `too small: ${formatBytes(device.sizeBytes)}, at least ${formatThreshold(MIN_USABLE_DISK_BYTES)} needed`);

  reasons.sort((a, b) => REASON_ORDER.indexOf(a.code) - REASON_ORDER.indexOf(b.code));
  return {
    name: device.name,
    path: device.path,
    type: device.type,
    sizeBytes: device.sizeBytes,
    model: device.model,
    serial: device.serial,
    transport,
    rotational: device.rotational,
    removable: device.removable,
    readOnly: device.readOnly,
    partitionTable: device.pttype,
    partitions: partitions.map((p) => ({
      name: p.name,
      path: p.path,
      sizeBytes: p.sizeBytes,
      fstype: p.fstype,
      // What the partition carries, LVs on a PV included: "p3 → /, [SWAP]" is what a person needs to see.
      mountpoints: [...new Set([p, ...descendants(p)].flatMap((d) => d.mountpoints))],
    })),
    signatures,
    mountpoints,
    holders,
    byId: pickById(context.byId, device.path),
    usable: reasons.length === 0,
    reasons,
  };
}

/** Detached loop devices (lsblk -O lists them with size 0 on some versions) are no devices at all. */
const isDetachedLoop = (device: BlockDevice): boolean => device.type === 'loop' && !device.sizeBytes;

// ---------------------------------------------------------------------------------------------------------
// The reader

export async function detectDisks(reader: HostReader, notes: Note[], options: DetectOptions): Promise<Disk[]> {
  const note = (message: string) => notes.push({ fact: 'disks', message });
  const [lsblk, mountinfo, byId] = await Promise.all([
    reader.run('lsblk', LSBLK_ARGS, { timeoutMs: LSBLK_TIMEOUT_MS }),
    reader.readText(MOUNTINFO),
    readByIdLinks(reader),
  ]);

  if (lsblk.notFound) {
    note('disks unknown: lsblk is not installed (Debian/Ubuntu: util-linux; RHEL: util-linux-core), so no disk is offered');
    return [];
  }
  if (lsblk.timedOut) {
    note(`disks unknown: lsblk did not finish within ${LSBLK_TIMEOUT_MS / 1000} s (a hung disk?), so no disk is offered`);
    return [];
  }
  if (lsblk.exitCode !== 0) {
    const why = lsblk.stderr.trim().split('\n')[0];
    note(`disks unknown: lsblk ${LSBLK_ARGS.join(' ')} failed with exit code ${lsblk.exitCode}${why ? ` (${why})` : ''}, so no disk is offered`);
    return [];
  }
  const parsed = parseLsblk(lsblk.stdout);
  for (const problem of parsed.problems) {
    note(parsed.devices.length === 0 ? `disks unknown: ${problem}, so no disk is offered` : problem);
  }
  let devices = parsed.devices.filter((d) => !isDetachedLoop(d));

  let unknownSignatures = new Map<string, string>();
  const undescribed = await devicesUdevMissed(reader, devices);
  if (undescribed.length > 0) {
    const probed = await probeSignatures(reader, devices, undescribed);
    devices = probed.devices;
    unknownSignatures = probed.unknown;
    if (unknownSignatures.size > 0) {
      const which = [...unknownSignatures].map(([device, why]) => `${device} (${why})`).join(', ');
      note(`signatures unknown, so not offered: udev has no record and blkid could not probe ${which}`);
    }
  }

  let installer: DiskContext['installer'] = null;
  if (options.installerPath === null) {
    // no folder named: nothing to look for (the CLI always passes its working folder)
  } else if (mountinfo === null) {
    note(`installer media unknown: ${MOUNTINFO} is unreadable`);
  } else {
    const mount = mountFor(options.installerPath, parseMountinfo(mountinfo));
    const disks = mount ? disksHoldingMount(devices, mount) : [];
    if (mount && disks.length > 0) installer = { disks, mountPoint: mount.mountPoint };
    else if (mount && !mount.majMin.startsWith('0:') && devices.length > 0) {
      note(`installer media unknown: ${options.installerPath} is on ${mount.source} (${mount.majMin}), which lsblk does not list`);
    }
  }
  if (byId === null && devices.length > 0) {
    // With udev running the folder is simply absent when no disk reports a serial (e.g. virtio disks without one).
    const why = (await reader.exists('/run/udev/control')) ? 'no disk reports a serial number' : 'no udev?';
    note(`${BY_ID_DIR} is missing (${why}): disks have no stable by-id path, and /dev/sdX names can change between boots`);
  }

  const context: DiskContext = { options, installer, byId: byId ?? [], unknownSignatures };
  return devices.map((device) => assessDisk(device, context));
}
