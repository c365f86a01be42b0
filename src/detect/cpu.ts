// CPU, KVM and the machine itself (vendor, VM or not, firmware).
import { runProbe } from './probe.js';
import type { HostReader } from '../env/types.js';
import type { Cpu, Note, System } from '../model/facts.js';
import { detectKvm } from './kvm.js';

export interface CpuInfo {
  vendor: string | null;
  model: string | null;
  sockets: number | null;
  cores: number | null;
  threads: number | null;
  flags: Set<string>;
}

/** Parse /proc/cpuinfo (x86 and arm layouts). Unknown fields stay null. */
export function parseCpuInfo(text: string): CpuInfo {
  const blocks = text.split(/\n\s*\n/).filter((b) => b.trim() !== '');
  const processors = blocks
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const at = line.indexOf(':');
        if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      return fields;
    })
    .filter((f) => f.has('processor'));
  const first = processors[0];
  const flags = new Set((first?.get('flags') ?? first?.get('Features') ?? '').split(/\s+/).filter(Boolean));
  const threads = processors.length > 0 ? processors.length : null;
  const physicalIds = new Set(processors.map((p) => p.get('physical id')).filter((v) => v !== undefined));
  const coreKeys = new Set(
    processors.filter((p) => p.has('core id')).map((p) => `${p.get('physical id') ?? 0}:${p.get('core id')}`),
  );
  const sockets = physicalIds.size > 0 ? physicalIds.size : threads === null ? null : 1;
  return {
    vendor: first?.get('vendor_id') ?? first?.get('CPU implementer') ?? null,
    model: first?.get('model name') ?? first?.get('Model') ?? null,
    sockets,
    cores: coreKeys.size > 0 ? coreKeys.size : threads,
    threads,
    flags,
  };
}

export async function detectCpu(reader: HostReader, notes: Note[], kvmProbeScript: string | null = null): Promise<Cpu> {
  const [cpuinfo, nestedIntel, nestedAmd] = await Promise.all([
    reader.readText('/proc/cpuinfo'),
    reader.readText('/sys/module/kvm_intel/parameters/nested'),
    reader.readText('/sys/module/kvm_amd/parameters/nested'),
  ]);
  if (cpuinfo === null) notes.push({ fact: 'cpu', message: '/proc/cpuinfo could not be read: CPU model and counts unknown' });
  const info = parseCpuInfo(cpuinfo ?? '');
  const nestedText = nestedIntel ?? nestedAmd;
  const module = nestedIntel !== null ? 'kvm_intel' : nestedAmd !== null ? 'kvm_amd' : null;
  return {
    vendor: info.vendor,
    model: info.model,
    arch: reader.arch(),
    sockets: info.sockets,
    cores: info.cores,
    threads: info.threads,
    flags: { vmx: info.flags.has('vmx'), svm: info.flags.has('svm') },
    kvm: await detectKvm(reader, notes, info.flags, kvmProbeScript),
    nested: { module, enabled: nestedText === null ? null : /^(y|1)/i.test(nestedText.trim()) },
  };
}

/** DMI vendor strings of common hypervisors, for when systemd-detect-virt is not there. */
const DMI_HYPERVISORS: ReadonlyArray<[RegExp, string]> = [
  [/^QEMU/i, 'qemu'],
  [/VMware/i, 'vmware'],
  [/^Microsoft Corporation$/i, 'microsoft'],
  [/^Xen/i, 'xen'],
  [/innotek|VirtualBox/i, 'oracle'],
  [/^Amazon EC2/i, 'amazon'],
  [/^Google/i, 'google'],
  [/^OpenStack/i, 'kvm'],
];

export async function detectSystem(reader: HostReader, notes: Note[]): Promise<System> {
  const [vendor, product, efi, virtVm, dockerenv, containerenv, initEnv, cpuinfo] = await Promise.all([
    reader.readText('/sys/class/dmi/id/sys_vendor'),
    reader.readText('/sys/class/dmi/id/product_name'),
    reader.exists('/sys/firmware/efi'),
    runProbe(reader, 'systemd-detect-virt', ['--vm'], 2000),
    // Containers from their marker files (what systemd-detect-virt --container reads), saving a process.
    reader.exists('/.dockerenv'),
    reader.exists('/run/.containerenv'),
    reader.readText('/proc/1/environ'),
    reader.readText('/proc/cpuinfo'),
  ]);
  const dmiVendor = vendor?.trim() || null;
  const dmiProduct = product?.trim() || null;
  let hypervisor: string | null = null;
  let virtual: boolean | null = null;
  // `systemd-detect-virt --vm` prints the hypervisor (exit 0) or "none" (exit 1); anything else is no answer.
  const answer = virtVm.answered ? virtVm.result.stdout.trim() : '';
  if (answer !== '') {
    virtual = answer !== 'none';
    hypervisor = virtual ? answer : null;
  } else {
    const fromDmi = DMI_HYPERVISORS.find(([pattern]) => pattern.test(dmiVendor ?? '') || pattern.test(dmiProduct ?? ''));
    const flagged = parseCpuInfo(cpuinfo ?? '').flags.has('hypervisor');
    if (fromDmi) hypervisor = fromDmi[1];
    const evidence = fromDmi !== undefined || flagged;
    // Without the tool, no DMI or CPU-flag sign of a hypervisor means bare metal. A probe that ran and failed
    // proves nothing: the machine is then unknown, not "not a VM".
    const toolMissing = !virtVm.answered && virtVm.result.notFound;
    virtual = evidence ? true : toolMissing && cpuinfo !== null ? false : null;
    if (virtual && hypervisor === null) hypervisor = 'unknown';
    const why = virtVm.answered ? 'systemd-detect-virt gave no answer' : virtVm.why;
    notes.push({
      fact: 'system.virtual',
      message: virtual === null ? `${why} and neither DMI nor the CPU flags name a hypervisor: VM or not unknown` : `${why}: VM detection used DMI and CPU flags`,
    });
  }
  const containerVar = /(?:^|\0)container=([^\0]+)/.exec(initEnv ?? '')?.[1] ?? null;
  const container = dockerenv ? 'docker' : containerenv ? 'podman' : containerVar;
  return {
    vendor: dmiVendor,
    product: dmiProduct,
    virtual,
    hypervisor,
    container,
    firmware: efi ? 'uefi' : 'bios',
  };
}
