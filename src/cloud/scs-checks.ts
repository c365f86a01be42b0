// The SCS conformance rules ciab checks against a running cloud: scs-0100 (flavor names), scs-0103 (standard
// flavors), scs-0102 (image metadata) and scs-0104 (standard images). Pure: the cloud's flavors and images come in
// (read through openstacksdk by ansible/cloud/read-cloud.py), one result per rule and subject goes out.
import { CPU_TYPE_SPEC, DISK_TYPE_SPEC, nameV1, parseFlavorName } from './flavor-name.js';
import type { FlavorSelection, StandardFlavor } from './standard-flavors.js';
import { STANDARD_IMAGES, type StandardImage } from './standard-images.js';

export interface CloudFlavor {
  id: string;
  name: string;
  vcpus: number;
  ramMiB: number;
  diskGB: number;
  isPublic: boolean;
  extraSpecs: Record<string, string>;
}

export interface CloudImage {
  id: string;
  name: string;
  visibility: string;
  hidden: boolean;
  sizeBytes: number | null;
  minDiskGiB: number;
  minRamMiB: number;
  /** glance's created_at, ISO (2026-01-01T00:00:00Z). */
  createdAt: string;
  /** Every other image attribute and property by its glance name (architecture, os_distro, image_source …), as text. */
  properties: Record<string, string>;
}

export interface CloudInventory {
  flavors: CloudFlavor[];
  images: CloudImage[];
}

export type Standard = 'scs-0100' | 'scs-0102' | 'scs-0103' | 'scs-0104';
export type RuleStatus = 'pass' | 'fail' | 'warn';

export interface RuleResult {
  standard: Standard;
  /** e.g. scs-0100-syntax, scs-0102-prop-architecture, scs-0103-flavor, scs-0104-image. */
  rule: string;
  /** The flavor or image (or standard entry) the rule was checked on. */
  subject: string;
  status: RuleStatus;
  reason: string;
}

export interface ScsInput {
  inventory: CloudInventory;
  standardFlavors: readonly StandardFlavor[];
  /** What bootstrap-cloud left out on this box, to explain a missing standard flavor. */
  selection?: FlavorSelection;
  standardImages?: readonly StandardImage[];
  /** For recency and dates in the future. */
  now: Date;
}

export function checkScs(input: ScsInput): RuleResult[] {
  return [
    ...checkFlavorNames(input.inventory.flavors),
    ...checkStandardFlavors(input.inventory.flavors, input.standardFlavors, input.selection),
    ...checkImageMetadata(input.inventory.images.filter((image) => image.visibility === 'public'), input.now),
    ...checkStandardImages(input.inventory.images, input.standardImages ?? STANDARD_IMAGES),
  ];
}

// ---- scs-0100: every flavor whose name starts with SCS- is a valid name and delivers what the name says ----

export function checkFlavorNames(flavors: readonly CloudFlavor[]): RuleResult[] {
  const results: RuleResult[] = [];
  const scs = flavors.filter((flavor) => flavor.name.startsWith('SCS-'));
  if (scs.length === 0) {
    results.push({ standard: 'scs-0100', rule: 'scs-0100-syntax', subject: '(all flavors)', status: 'pass', reason: 'no flavor name starts with SCS-' });
  }
  for (const flavor of scs) {
    const parsed = parseFlavorName(flavor.name);
    results.push({
      standard: 'scs-0100',
      rule: 'scs-0100-syntax',
      subject: flavor.name,
      status: parsed.ok ? 'pass' : 'fail',
      reason: parsed.ok ? 'a valid scs-0100 v3 name' : parsed.reason,
    });
    if (!parsed.ok) continue;
    const name = parsed.name;
    const problems: string[] = [];
    if (flavor.vcpus < name.cpus) problems.push(`${flavor.vcpus} vCPUs < ${name.cpus} named`);
    // The name's GiB against the flavor's MiB, rounded to 0.1 GiB as the standard's own check does.
    const ramGiB = Math.floor((flavor.ramMiB + 51) / 102.4) / 10;
    if (ramGiB < name.ramGiB) problems.push(`${flavor.ramMiB} MiB RAM < ${name.ramGiB} GiB named`);
    const diskGB = name.disk?.sizeGB ?? 0;
    if (flavor.diskGB < diskGB) problems.push(`${flavor.diskGB} GB disk < ${diskGB} GB named`);
    const cpuType = flavor.extraSpecs['scs:cpu-type'];
    if (cpuType !== undefined && cpuType !== CPU_TYPE_SPEC[name.cpuType]) {
      problems.push(`scs:cpu-type ${cpuType} but the name says ${CPU_TYPE_SPEC[name.cpuType]} (${name.cpuType})`);
    }
    const diskType = flavor.extraSpecs['scs:disk0-type'];
    if (diskType !== undefined && name.disk?.type && diskType !== DISK_TYPE_SPEC[name.disk.type]) {
      problems.push(`scs:disk0-type ${diskType} but the name says ${DISK_TYPE_SPEC[name.disk.type]}`);
    }
    for (const [key, value] of Object.entries(flavor.extraSpecs)) {
      if (!/^scs:name-v[0-9]+$/.test(key) || key === 'scs:name-v1') continue;
      const variant = parseFlavorName(value);
      if (!variant.ok) problems.push(`${key} ${value}: ${variant.reason}`);
    }
    results.push({
      standard: 'scs-0100',
      rule: 'scs-0100-semantics',
      subject: flavor.name,
      status: problems.length === 0 ? 'pass' : 'fail',
      reason: problems.length === 0 ? `delivers ${flavor.vcpus} vCPUs, ${flavor.ramMiB} MiB, ${flavor.diskGB} GB as named` : problems.join('; '),
    });
  }
  return results;
}

// ---- scs-0103: the standard flavors exist, with exactly their figures and properties ----

export function checkStandardFlavors(
  flavors: readonly CloudFlavor[],
  standard: readonly StandardFlavor[],
  selection?: FlavorSelection,
): RuleResult[] {
  const byName = new Map<string, CloudFlavor>();
  for (const flavor of flavors) {
    const variant = flavor.extraSpecs['scs:name-v2'];
    if (variant !== undefined) byName.set(variant, flavor);
  }
  for (const flavor of flavors) if (flavor.name.startsWith('SCS-') && !byName.has(flavor.name)) byName.set(flavor.name, flavor);
  return standard.map((spec): RuleResult => {
    const base = { standard: 'scs-0103' as const, rule: `scs-0103-${spec.status}`, subject: spec.name };
    const flavor = byName.get(spec.name);
    if (flavor === undefined) {
      const leftOut = selection?.leftOut.find((entry) => entry.flavor.name === spec.name);
      const why = leftOut ? `: left out by bootstrap-cloud, this box is too small (${leftOut.why})` : '';
      return { ...base, status: spec.status === 'mandatory' ? 'fail' : 'warn', reason: `missing${why}` };
    }
    const wanted: Array<[string, unknown, unknown]> = [
      ['vcpus', flavor.vcpus, spec.vcpus],
      ['ram', flavor.ramMiB, spec.ram_gib * 1024],
      ['disk', flavor.diskGB, spec.disk_gb],
      ['scs:name-v1', flavor.extraSpecs['scs:name-v1'], nameV1(spec.name)],
      ['scs:name-v2', flavor.extraSpecs['scs:name-v2'], spec.name],
      ['scs:cpu-type', flavor.extraSpecs['scs:cpu-type'], spec.cpu_type],
      ['scs:disk0-type', flavor.extraSpecs['scs:disk0-type'], spec.disk_type],
    ];
    const wrong = wanted.filter(([, actual, expected]) => actual !== expected);
    if (!flavor.isPublic) wrong.push(['is_public', false, true]);
    return wrong.length === 0
      ? { ...base, status: 'pass', reason: `flavor ${flavor.name} matches (${spec.vcpus} vCPUs, ${spec.ram_gib} GiB, ${spec.disk_gb} GB, properties)` }
      : {
          ...base,
          status: 'fail',
          reason: `flavor ${flavor.name}: ${wrong.map(([key, actual, expected]) => `${key} is ${fmt(actual)}, should be ${fmt(expected)}`).join('; ')}`,
        };
  });
}

function fmt(value: unknown): string {
  return value === undefined ? 'unset' : JSON.stringify(value);
}

// ---- scs-0102: image metadata of the public images ----

const ARCHITECTURES = ['x86_64', 'aarch64', 'risc-v'];
const HW_DISK_BUSES = ['virtio', 'scsi'];
const HYPERVISOR_TYPES = ['qemu', 'kvm', 'xen', 'hyper-v', 'esxi'];
const HW_RNG_MODELS = ['virtio'];
const OS_PURPOSES = ['generic', 'oldgeneric', 'minimal', 'k8snode', 'gpu', 'network', 'custom'];
const DAY = 24 * 3600 * 1000;
/** Replacement promises in ms, rounded up a little as the standard's own check does. */
const REPLACE_FREQUENCY: Record<string, number> = {
  never: 0,
  critical_bug: 0,
  yearly: 365 * DAY,
  quarterly: 92 * DAY,
  monthly: 31 * DAY,
  weekly: 7 * 25 * 3600 * 1000,
  daily: 25 * 3600 * 1000,
};

/** A UTC date as the standard writes them (YYYY-MM-DD, YYYY-MM-DD hh:mm[:ss], ISO with Z), or null. */
export function parseScsDate(text: string | undefined): Date | null {
  if (!text) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?Z?)?$/.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  // Reject 2026-02-31 and the like: Date.UTC rolls them over.
  return date.getUTCMonth() === Number(mo) - 1 && date.getUTCDate() === Number(d) ? date : null;
}

function isUrl(text: string | undefined): boolean {
  return /^(https?|ftps?):\/\/\S+$/.test(text ?? '');
}

type ImageRule = [rule: string, check: (image: CloudImage, now: Date) => string | null];

/** Each rule returns null when the image meets it, or the reason it does not. */
const IMAGE_RULES: ImageRule[] = [
  ['architecture', (i) => (ARCHITECTURES.includes(i.properties.architecture ?? '') ? null : `architecture ${fmt(i.properties.architecture)} is not one of ${ARCHITECTURES.join(', ')}`)],
  ['min_disk', (i) => (i.minDiskGiB <= 0 ? 'min_disk is not set' : i.sizeBytes !== null && i.minDiskGiB * 1024 ** 3 < i.sizeBytes ? `min_disk ${i.minDiskGiB} GiB is smaller than the image (${i.sizeBytes} bytes)` : null)],
  ['min_ram', (i) => (i.minRamMiB <= 0 ? 'min_ram is not set' : null)],
  ['os_distro', (i) => (!i.properties.os_distro ? 'os_distro is not set' : i.properties.os_distro !== i.properties.os_distro.toLowerCase() ? `os_distro ${i.properties.os_distro} is not lower case` : null)],
  ['os_version', (i) => (i.properties.os_version ? null : 'os_version is not set')],
  ['os_purpose', (i) => (OS_PURPOSES.includes(i.properties.os_purpose ?? '') ? null : `os_purpose ${fmt(i.properties.os_purpose)} is not one of ${OS_PURPOSES.join(', ')}`)],
  ['hw_disk_bus', (i) => (i.properties.hw_disk_bus === undefined || HW_DISK_BUSES.includes(i.properties.hw_disk_bus) ? null : `hw_disk_bus ${i.properties.hw_disk_bus} is not virtio or scsi`)],
  ['hypervisor_type', (i) => (i.properties.hypervisor_type === undefined || HYPERVISOR_TYPES.includes(i.properties.hypervisor_type) ? null : `hypervisor_type ${i.properties.hypervisor_type} is not one of ${HYPERVISOR_TYPES.join(', ')}`)],
  ['hw_rng_model', (i) => (i.properties.hw_rng_model === undefined || HW_RNG_MODELS.includes(i.properties.hw_rng_model) ? null : `hw_rng_model ${i.properties.hw_rng_model} is not virtio`)],
  [
    'image_build_date',
    (i, now) => {
      const built = parseScsDate(i.properties.image_build_date);
      if (!built) return `image_build_date ${fmt(i.properties.image_build_date)} is not YYYY-MM-DD[ hh:mm[:ss]]`;
      const registered = new Date(i.createdAt);
      if (!Number.isNaN(registered.getTime()) && built.getTime() > registered.getTime()) return `image_build_date ${i.properties.image_build_date} is after the upload (${i.createdAt})`;
      if (built.getTime() > now.getTime()) return `image_build_date ${i.properties.image_build_date} is in the future`;
      return null;
    },
  ],
  ['image_original_user', (i) => (i.properties.image_original_user ? null : 'image_original_user is not set')],
  ['image_source', (i) => (i.properties.image_source === 'private' || isUrl(i.properties.image_source) ? null : `image_source ${fmt(i.properties.image_source)} is neither a URL nor "private"`)],
  ['image_description', (i) => (i.properties.image_description ? null : 'image_description is not set')],
  ['replace_frequency', (i) => (i.properties.replace_frequency !== undefined && i.properties.replace_frequency in REPLACE_FREQUENCY ? null : `replace_frequency ${fmt(i.properties.replace_frequency)} is not one of ${Object.keys(REPLACE_FREQUENCY).join(', ')}`)],
  [
    'provided_until',
    (i) => {
      const value = i.properties.provided_until;
      return value === 'none' || value === 'notice' || parseScsDate(value) ? null : `provided_until ${fmt(value)} is not a date, none or notice`;
    },
  ],
  [
    'uuid_validity',
    (i) => {
      const value = i.properties.uuid_validity;
      if (value === undefined) return 'uuid_validity is not set';
      return ['none', 'notice', 'forever'].includes(value) || /^last-[0-9]+$/.test(value) || parseScsDate(value) ? null : `uuid_validity ${value} is not none, notice, forever, last-N or a date`;
    },
  ],
  ['hotfix_hours', (i) => (i.properties.hotfix_hours === undefined || /^[0-9]+$/.test(i.properties.hotfix_hours) ? null : `hotfix_hours ${i.properties.hotfix_hours} is not a whole number`)],
  [
    'recency',
    (i, now) => {
      const every = REPLACE_FREQUENCY[i.properties.replace_frequency ?? ''];
      if (!every) return null;
      const until = parseScsDate(i.properties.provided_until);
      if (until && now.getTime() > until.getTime()) return null;
      const built = parseScsDate(i.properties.image_build_date) ?? new Date(i.createdAt);
      if (now.getTime() <= built.getTime() + 1.1 * every) return null;
      return i.hidden ? null : `built ${i.properties.image_build_date ?? i.createdAt}, promised ${i.properties.replace_frequency} replacement, and not hidden`;
    },
  ],
];

export function checkImageMetadata(images: readonly CloudImage[], now: Date): RuleResult[] {
  const results: RuleResult[] = [];
  if (images.length === 0) {
    results.push({ standard: 'scs-0102', rule: 'scs-0102-images', subject: '(public images)', status: 'fail', reason: 'the cloud has no public image to check' });
  }
  for (const image of images) {
    for (const [rule, check] of IMAGE_RULES) {
      const problem = check(image, now);
      const value = image.properties[rule];
      results.push({
        standard: 'scs-0102',
        rule: `scs-0102-prop-${rule}`,
        subject: image.name,
        status: problem === null ? 'pass' : 'fail',
        reason: problem ?? (value !== undefined ? `${rule} = ${value}` : rule === 'min_disk' ? `min_disk = ${image.minDiskGiB}` : rule === 'min_ram' ? `min_ram = ${image.minRamMiB}` : 'ok'),
      });
    }
  }
  // At most one visible public generic image per architecture, distro and version.
  const generic = new Map<string, string[]>();
  for (const image of images) {
    if (image.hidden || image.properties.os_purpose !== 'generic' || !image.properties.os_distro || !image.properties.os_version) continue;
    const key = `${image.properties.architecture ?? ''} ${image.properties.os_distro} ${image.properties.os_version}`;
    generic.set(key, [...(generic.get(key) ?? []), image.name]);
  }
  for (const [key, names] of generic) {
    results.push({
      standard: 'scs-0102',
      rule: 'scs-0102-os_purpose-unique',
      subject: key,
      status: names.length > 1 ? 'fail' : 'pass',
      reason: names.length > 1 ? `${names.length} visible generic images: ${names.join(', ')}` : `one visible generic image (${names[0]})`,
    });
  }
  return results;
}

// ---- scs-0104: the standard images are there, from their official sources ----

export function checkStandardImages(images: readonly CloudImage[], standard: readonly StandardImage[]): RuleResult[] {
  const results: RuleResult[] = [];
  for (const spec of standard) {
    const scheme = spec.nameScheme ? new RegExp(`^(?:${spec.nameScheme})$`) : null;
    const matching = images.filter((image) => (scheme ? scheme.test(image.name) : image.name === spec.name));
    const base = { standard: 'scs-0104' as const, subject: spec.name };
    if (matching.length === 0) {
      if (spec.status !== 'optional') {
        results.push({
          ...base,
          rule: `scs-0104-${spec.status}`,
          status: spec.status === 'mandatory' ? 'fail' : 'warn',
          reason: `no image named ${scheme ? `like ${spec.nameScheme}` : `'${spec.name}'`} (upload it from ${spec.sources[0]})`,
        });
      }
      continue;
    }
    for (const image of matching) {
      const source = image.properties.image_source ?? '';
      const ok = spec.sources.some((prefix) => source.startsWith(prefix));
      results.push({
        ...base,
        subject: image.name,
        rule: 'scs-0104-source',
        status: ok ? 'pass' : 'fail',
        reason: ok ? `image_source ${source}` : `image_source ${fmt(image.properties.image_source)} does not start with ${spec.sources.join(' or ')}`,
      });
    }
  }
  return results;
}
