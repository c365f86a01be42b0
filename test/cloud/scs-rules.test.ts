// The SCS rules on their own (src/cloud, pure): names from the standards' own examples, the standard flavor list,
// which flavors fit a box, and a cloud whose flavors are right or deliberately wrong.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nameV1, parseFlavorName } from '../../src/cloud/flavor-name.js';
import { checkFlavorNames, checkImageMetadata, checkStandardFlavors, checkStandardImages, type CloudFlavor, type CloudImage } from '../../src/cloud/scs-checks.js';
import { parseStandardFlavors, selectFlavors, type StandardFlavor } from '../../src/cloud/standard-flavors.js';
import { STANDARD_IMAGES } from '../../src/cloud/standard-images.js';

const LIST = readFileSync(path.join(import.meta.dirname, '..', '..', 'ansible', 'cloud', 'scs-flavors.yml'), 'utf8');
const GIB = 1024 ** 3;

/** A flavor as bootstrap-cloud creates it from the list. */
function asCreated(spec: StandardFlavor): CloudFlavor {
  return {
    id: spec.name,
    name: spec.name,
    vcpus: spec.vcpus,
    ramMiB: spec.ram_gib * 1024,
    diskGB: spec.disk_gb,
    isPublic: true,
    extraSpecs: {
      'scs:name-v1': nameV1(spec.name),
      'scs:name-v2': spec.name,
      'scs:cpu-type': spec.cpu_type,
      ...(spec.disk_type ? { 'scs:disk0-type': spec.disk_type } : {}),
    },
  };
}

describe('scs-0100 flavor names', () => {
  it.each([
    'SCS-2C-4-10n', 'SCS-2T-4-10n', 'SCS-2L-4-10n', 'SCS-2Li-4-10n', 'SCS-2C-3.5-10n', 'SCS-2C-4uo-10n', 'SCS-2C-4-3x10s',
    'SCS-2C-4-n', 'SCS-2C-4-', 'SCS-2C-4', 'SCS-2C-4_bms_z3', 'SCS-2C-4-10_kvm_hwv', 'SCS-8Ti-32-50p_i1', 'SCS-1L-1u-5',
    'SCS-16T-64-200s_GNa-72-24_ib', 'SCS-4C-16-2x200p_a1', 'SCS-1V-0.5', 'SCS-16V-64-500s_GNa-14-6h', 'SCS-2C-4-10n_bms_z3hh',
  ])('accepts %s', (name) => {
    const parsed = parseFlavorName(name);
    expect(parsed.ok, parsed.ok ? '' : parsed.reason).toBe(true);
  });

  it.each([
    ['SCS-2-4-10n', 'needs <vCPUs>'],
    ['SCS-2iT-4-10n', 'needs <vCPUs>'],
    ['SCS-2C-4ou-10n', 'needs <vCPUs>'],
    ['SCS-2C-4-1.5n', 'disk part'],
    ['SCS-2C-4-10_hwv_xen', 'out of order'],
    ['SCS-2C-4:10', 'needs <vCPUs>'],
    ['SCS-2X-4', 'needs <vCPUs>'],
    ['SCS-0V-4', 'needs <vCPUs>'],
    ['SCS-2V-2.3', 'half GiB'],
  ])('refuses %s (%s)', (name, reason) => {
    const parsed = parseFlavorName(name);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it('reads what a name promises', () => {
    expect(parseFlavorName('SCS-4V-16-2x100s_z3')).toEqual({
      ok: true,
      name: { cpus: 4, cpuType: 'V', insecure: false, ramGiB: 16, ramNoEcc: false, ramOversubscribed: false, disk: { count: 2, sizeGB: 100, type: 's' }, extensions: '_z3' },
    });
    expect(nameV1('SCS-2V-4-20s')).toBe('SCS-2V:4:20s');
  });

  it('fails a flavor that delivers less than its name says, and a scs:cpu-type that contradicts it', () => {
    const flavor: CloudFlavor = { id: '1', name: 'SCS-2V-4', vcpus: 2, ramMiB: 2048, diskGB: 0, isPublic: true, extraSpecs: { 'scs:cpu-type': 'dedicated-core' } };
    const [syntax, semantics] = checkFlavorNames([flavor, { ...flavor, name: 'm1.small' }]);
    expect(syntax).toMatchObject({ rule: 'scs-0100-syntax', status: 'pass' });
    expect(semantics).toMatchObject({ rule: 'scs-0100-semantics', status: 'fail' });
    expect(semantics!.reason).toContain('2048 MiB RAM < 4 GiB named');
    expect(semantics!.reason).toContain('scs:cpu-type dedicated-core');
  });
});

describe('scs-0103 standard flavors', () => {
  const standard = parseStandardFlavors(LIST);

  it('lists the 15 mandatory flavors of scs-0103 v1.2, each name matching its figures', () => {
    expect(standard.filter((f) => f.status === 'mandatory').map((f) => f.name).sort()).toEqual(
      ['SCS-1L-1', 'SCS-1V-2', 'SCS-1V-4', 'SCS-1V-8', 'SCS-2V-4', 'SCS-2V-4-20s', 'SCS-2V-8', 'SCS-2V-16', 'SCS-4V-8', 'SCS-4V-16', 'SCS-4V-16-100s', 'SCS-4V-32', 'SCS-8V-16', 'SCS-8V-32', 'SCS-16V-32'].sort(),
    );
    expect(() => parseStandardFlavors(LIST.replace('{ name: SCS-2V-4, vcpus: 2', '{ name: SCS-2V-4, vcpus: 3'))).toThrow('SCS-2V-4: vcpus/ram_gib/disk_gb do not match the name');
  });

  it('leaves out what a small box cannot run, and says why', () => {
    const selection = selectFlavors(standard.filter((f) => f.status === 'mandatory'), { vcpus: 4, memoryBytes: 10 * GIB, diskGB: 50 });
    expect(selection.create.map((f) => f.name)).toEqual(['SCS-1L-1', 'SCS-1V-2', 'SCS-1V-4', 'SCS-1V-8', 'SCS-2V-4', 'SCS-2V-4-20s', 'SCS-2V-8', 'SCS-4V-8']);
    const why = Object.fromEntries(selection.leftOut.map((e) => [e.flavor.name, e.why]));
    expect(why['SCS-16V-32']).toBe('16 vCPUs > 4 for instances, 32 GiB RAM > 10.0 GiB for instances');
    expect(why['SCS-4V-16-100s']).toContain('100 GB disk > 50 GB');
    // Unknown capacity rules nothing out.
    expect(selectFlavors(standard, { vcpus: null, memoryBytes: null, diskGB: null }).leftOut).toEqual([]);
  });

  it('passes flavors made as bootstrap-cloud makes them, and explains a missing one', () => {
    const mandatory = standard.filter((f) => f.status === 'mandatory');
    const selection = selectFlavors(mandatory, { vcpus: 8, memoryBytes: 40 * GIB, diskGB: null });
    const results = checkStandardFlavors(selection.create.map(asCreated), mandatory, selection);
    expect(results.filter((r) => r.status === 'pass').map((r) => r.subject)).toEqual(selection.create.map((f) => f.name));
    expect(results.find((r) => r.subject === 'SCS-16V-32')).toMatchObject({ status: 'fail', reason: expect.stringContaining('left out by bootstrap-cloud, this box is too small (16 vCPUs > 8') });
    expect(checkFlavorNames(selection.create.map(asCreated)).every((r) => r.status === 'pass')).toBe(true);
  });

  it('fails a standard flavor with the wrong figures or properties', () => {
    const spec = standard.find((f) => f.name === 'SCS-2V-4-20s')!;
    const wrong = { ...asCreated(spec), ramMiB: 4000, extraSpecs: { ...asCreated(spec).extraSpecs, 'scs:disk0-type': 'hdd' } };
    const [result] = checkStandardFlavors([wrong], [spec]);
    expect(result).toMatchObject({ status: 'fail' });
    expect(result!.reason).toBe('flavor SCS-2V-4-20s: ram is 4000, should be 4096; scs:disk0-type is "hdd", should be "ssd"');
  });
});

describe('scs-0102 and scs-0104 images', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const cirros: CloudImage = {
    id: 'i',
    name: 'Cirros 0.6.3',
    visibility: 'public',
    hidden: false,
    sizeBytes: 21_430_272,
    minDiskGiB: 1,
    minRamMiB: 128,
    createdAt: '2026-05-01T10:00:00Z',
    properties: {
      architecture: 'x86_64', os_distro: 'cirros', os_version: '0.6.3', os_purpose: 'minimal', hw_disk_bus: 'virtio', hw_rng_model: 'virtio',
      image_source: 'https://download.cirros-cloud.net/0.6.3/cirros-0.6.3-x86_64-disk.img', image_description: 'test image',
      image_build_date: '2024-09-26', image_original_user: 'cirros', replace_frequency: 'never', provided_until: 'none', uuid_validity: 'forever', hotfix_hours: '0',
    },
  };

  it('passes an image with every property bootstrap-cloud sets', () => {
    const failed = checkImageMetadata([cirros], now).filter((r) => r.status !== 'pass');
    expect(failed).toEqual([]);
  });

  it('fails each broken property with its reason', () => {
    const broken: CloudImage = {
      ...cirros,
      minDiskGiB: 0,
      properties: { ...cirros.properties, architecture: 'amd64', os_purpose: 'demo', image_source: 'download.cirros', image_build_date: '2026-05-02', replace_frequency: 'monthly', provided_until: '2027-01-01', uuid_validity: 'sometimes' },
    };
    const failed = Object.fromEntries(checkImageMetadata([broken], now).filter((r) => r.status === 'fail').map((r) => [r.rule, r.reason]));
    expect(Object.keys(failed).sort()).toEqual(
      ['architecture', 'image_build_date', 'image_source', 'min_disk', 'os_purpose', 'uuid_validity'].map((r) => `scs-0102-prop-${r}`).sort(),
    );
    expect(failed['scs-0102-prop-image_build_date']).toBe('image_build_date 2026-05-02 is after the upload (2026-05-01T10:00:00Z)');
    // A monthly image built long ago and still visible is not recent.
    const old = { ...cirros, properties: { ...cirros.properties, replace_frequency: 'monthly', provided_until: '2027-01-01', image_build_date: '2026-01-01' } };
    expect(checkImageMetadata([old], now).find((r) => r.rule === 'scs-0102-prop-recency')).toMatchObject({ status: 'fail' });
    // Two visible generic images of one distro, version and architecture.
    const generic = { ...cirros, properties: { ...cirros.properties, os_purpose: 'generic' } };
    expect(checkImageMetadata([generic, { ...generic, name: 'Cirros copy' }], now).find((r) => r.rule === 'scs-0102-os_purpose-unique')).toMatchObject({ status: 'fail' });
  });

  it('scs-0104: the mandatory Ubuntu 24.04 missing fails, a standard name from the wrong source fails', () => {
    const results = checkStandardImages([cirros, { ...cirros, name: 'Debian 12' }], STANDARD_IMAGES);
    expect(results.find((r) => r.subject === 'Ubuntu 24.04')).toMatchObject({ status: 'fail', rule: 'scs-0104-mandatory' });
    expect(results.find((r) => r.subject === 'Debian 12')).toMatchObject({ status: 'fail', rule: 'scs-0104-source' });
    expect(results.find((r) => r.subject === 'ubuntu-capi-image')).toMatchObject({ status: 'warn' });
  });
});
