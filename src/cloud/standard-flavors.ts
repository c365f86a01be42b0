// The SCS standard flavors (scs-0103) from ansible/cloud/scs-flavors.yml, and which of them fit this box. Pure: the
// file's text comes in, values go out. bootstrap-cloud applies the same fit rule in Jinja; test/cloud checks they agree.
import { parse } from 'yaml';
import { z } from 'zod';
import { parseFlavorName } from './flavor-name.js';

const StandardFlavorSchema = z
  .object({
    name: z.string(),
    vcpus: z.number().int().positive(),
    cpu_type: z.enum(['crowded-core', 'shared-core', 'dedicated-thread', 'dedicated-core']),
    ram_gib: z.number().positive(),
    disk_gb: z.number().int().nonnegative(),
    disk_type: z.enum(['ssd', 'nvme', 'hdd', 'network']).optional(),
    status: z.enum(['mandatory', 'recommended']),
  })
  .strict();

export type StandardFlavor = z.infer<typeof StandardFlavorSchema>;

/** Parse scs-flavors.yml; every entry's name must say what its numbers are (the file is checked against scs-0100). */
export function parseStandardFlavors(text: string, file = 'scs-flavors.yml'): StandardFlavor[] {
  const parsed = z.object({ scs_standard_flavors: z.array(StandardFlavorSchema) }).safeParse(parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
  }
  for (const flavor of parsed.data.scs_standard_flavors) {
    const name = parseFlavorName(flavor.name);
    if (!name.ok) throw new Error(`${file}: ${flavor.name}: ${name.reason}`);
    const disk = name.name.disk?.sizeGB ?? 0;
    if (name.name.cpus !== flavor.vcpus || name.name.ramGiB !== flavor.ram_gib || disk !== flavor.disk_gb) {
      throw new Error(`${file}: ${flavor.name}: vcpus/ram_gib/disk_gb do not match the name`);
    }
  }
  return parsed.data.scs_standard_flavors;
}

/** What instances can get on this box; null = unknown, which never rules a flavor out. */
export interface InstanceCapacity {
  vcpus: number | null;
  memoryBytes: number | null;
  diskGB: number | null;
}

export interface FlavorSelection {
  create: StandardFlavor[];
  leftOut: Array<{ flavor: StandardFlavor; why: string }>;
}

const GIB = 1024 ** 3;

/** A flavor fits when one instance of it can run here: its vCPUs, RAM and root disk within what instances get. */
export function selectFlavors(flavors: readonly StandardFlavor[], capacity: InstanceCapacity): FlavorSelection {
  const selection: FlavorSelection = { create: [], leftOut: [] };
  for (const flavor of flavors) {
    const why: string[] = [];
    if (capacity.vcpus !== null && flavor.vcpus > capacity.vcpus) why.push(`${flavor.vcpus} vCPUs > ${capacity.vcpus} for instances`);
    if (capacity.memoryBytes !== null && flavor.ram_gib * GIB > capacity.memoryBytes) {
      why.push(`${flavor.ram_gib} GiB RAM > ${(capacity.memoryBytes / GIB).toFixed(1)} GiB for instances`);
    }
    if (capacity.diskGB !== null && flavor.disk_gb > capacity.diskGB) why.push(`${flavor.disk_gb} GB disk > ${capacity.diskGB} GB for instances`);
    if (why.length === 0) selection.create.push(flavor);
    else selection.leftOut.push({ flavor, why: why.join(', ') });
  }
  return selection;
}
