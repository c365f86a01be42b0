// Checks that need the decided layout: facts × plan (network, storage, uplink). Pure.
import type { HostFacts } from '../model/facts.js';
import type { Finding } from '../model/findings.js';
import type { DeploymentPlan } from '../model/plan.js';
import type { Profile } from '../model/profile.js';
import { formatBytes, GiB } from '../model/units.js';
import { contains, overlaps, parseCidr, parseRange, rangeContains } from '../plan/addressing.js';
import { HOST_CHECKS, runHostChecks } from './host-checks.js';

const f = (id: string, severity: Finding['severity'], message: string, hint: string | null = null): Finding => ({ id, severity, message, hint });

export interface ImageSource {
  registry: string | null;
  offlineBundle: string | null;
  /**
   * Why the offline bundle cannot be read (null: it can). Facts hold no files, so the caller looks and passes the
   * answer in; undefined means nobody looked, and an unchecked bundle lifts nothing.
   */
  offlineBundleProblem?: string | null;
}

/** The uplink matters only when images come from the internet. */
export function uplinkFinding(facts: HostFacts, images: ImageSource): Finding {
  if (images.offlineBundle) {
    const problem = images.offlineBundleProblem;
    if (problem === null) return f('uplink', 'info', `images come from the offline bundle ${images.offlineBundle}`);
    if (problem !== undefined) {
      return f('uplink', 'block', `images.offline_bundle: ${images.offlineBundle} ${problem}, so the images cannot come from it`, 'give the path of a readable bundle file, or set images.offline_bundle: null and use the uplink or images.registry');
    }
  }
  if (images.registry) return f('uplink', 'info', `images come from the mirror ${images.registry}`);
  const up = facts.network.uplink;
  if (!up.checked) return f('uplink', 'warn', `the uplink to ${up.target || 'the image registry'} was not checked`, 'run without --no-uplink-check, or give images.registry / images.offline_bundle');
  if (up.reachable) return f('uplink', 'info', `${up.target} reachable in ${up.ms} ms`);
  return f('uplink', 'block', `${up.target} is not reachable (${up.error ?? 'no answer'}): kolla's container images cannot be downloaded`, 'connect the machine to the internet (set proxy.http if you need a proxy), or give images.registry (a local mirror) or images.offline_bundle');
}

/** Storage as far as the machine alone decides it (for the ranking). */
export function storageFinding(facts: HostFacts, profile: Profile, backend: string | undefined): Finding {
  const spare = facts.disks.filter((d) => d.usable);
  const first = profile.storage.backends[0];
  if (backend === undefined) {
    return f('storage', 'block', `no volume storage fits: ${profile.id} supports ${profile.storage.backends.join(', ')} but there is no blank disk and not enough free space for a ${profile.storage.file_size_gib} GiB volume file`, 'add a blank disk or free space on the root filesystem');
  }
  if (backend === first || backend === 'none') {
    const where = backend === 'lvm' ? ` on ${spare.map((d) => d.path).join(', ')}` : '';
    return f('storage', 'info', `volumes: ${backend}${where}`);
  }
  const lost = `no blank spare disk for ${first}`;
  return f('storage', 'warn', `${lost}: volumes go to ${backend === 'lvm-file' ? `a ${profile.storage.file_size_gib} GiB loop file on the root filesystem (slower, shares its space)` : backend}`, 'add a blank disk for better volume performance');
}

export function runPlanChecks(facts: HostFacts, plan: DeploymentPlan, checkFile?: FileCheck): Finding[] {
  const out: Finding[] = [];
  const n = plan.network;
  const mgmt = parseCidr(plan.host.managementCidr);
  const floating = parseCidr(n.floating.cidr);
  const range = parseRange(`${n.floating.start}-${n.floating.end}`);
  if (n.localBridge) {
    out.push(f('external-network', 'info', `one NIC is enough: floating IPs ${n.floating.start}–${n.floating.end} live behind bridge ${n.localBridge.bridge} (NAT out of ${n.localBridge.natOut}), reachable from this machine`));
    if (mgmt && floating && overlaps(mgmt, floating)) {
      out.push(f('floating-range', 'block', `the floating network ${floating.text} overlaps the management network ${mgmt.text}`, 'choose a private network nothing here uses, like 10.20.20.0/24'));
    }
  } else {
    const nic = facts.nics.find((x) => x.name === n.externalInterface);
    if (!nic) out.push(f('external-network', 'block', `the external interface ${n.externalInterface} does not exist`, 'pick a NIC from `ciab detect`'));
    else if (nic.role !== 'external') {
      const why = nic.addresses.length > 0 ? 'it has an address' : nic.carrier === false ? 'it has no cable (no carrier)' : nic.operstate !== 'up' ? `it is ${nic.operstate}` : 'it is in use';
      out.push(f('external-network', 'block', `${nic.name} cannot carry floating IPs: ${why}`, 'use a NIC that is up, cabled and has no IP address, or choose local access'));
    } else out.push(f('external-network', 'info', `${nic.name} carries floating IPs ${n.floating.start}–${n.floating.end} on the LAN`));
    if (range && (rangeContains(range, plan.host.managementIp) || (plan.host.gateway && rangeContains(range, plan.host.gateway)))) {
      out.push(f('floating-range', 'block', `the floating pool ${n.floating.start}–${n.floating.end} contains this machine's address or its gateway`, 'move the pool to addresses nothing else uses'));
    }
  }
  if (floating && !contains(floating, n.floating.gateway)) {
    out.push(f('floating-range', 'block', `the floating gateway ${n.floating.gateway} is outside ${floating.text}`, null));
  }
  if (n.haproxy) {
    if (mgmt && !contains(mgmt, n.vip)) out.push(f('vip', 'block', `the VIP ${n.vip} is outside the management network ${mgmt.text}`, 'keepalived can only hold a VIP in the management subnet'));
    else if (range && rangeContains(range, n.vip)) out.push(f('vip', 'block', `the VIP ${n.vip} lies inside the floating pool`, 'take the VIP out of the pool'));
    else out.push(f('vip', 'info', `VIP ${n.vip} in ${plan.host.managementCidr}; kolla's prechecks also make sure nothing answers on it`));
  }
  if (plan.storage.file) {
    const need = (plan.storage.file.sizeGiB) * GiB;
    const free = facts.os.imagesFreeBytes;
    if (free !== null && free < need) {
      out.push(f('storage', 'block', `${formatBytes(free)} free on ${facts.os.imagesPath}; the volume file needs ${plan.storage.file.sizeGiB} GiB besides the images`, 'free space or choose storage.backend: none'));
    }
  }
  for (const disk of plan.storage.disks.filter((d) => d.wipe)) {
    out.push(f('wipe', 'warn', `${disk.path} will be wiped: everything on it is destroyed`, 'confirmed by name in storage.wipe'));
  }
  if (plan.compute.memoryForInstancesBytes !== null && plan.compute.memoryForInstancesBytes < 2 * GiB) {
    out.push(f('capacity', 'warn', `only ${formatBytes(plan.compute.memoryForInstancesBytes)} RAM left for instances after the services`, 'add RAM or turn off optional services'));
  }
  out.push(...managementAddressFindings(facts, plan));
  const bundle = plan.images.offlineBundle;
  out.push(uplinkFinding(facts, { registry: plan.images.registry === 'quay.io' ? null : plan.images.registry, offlineBundle: bundle, offlineBundleProblem: bundle && checkFile ? checkFile(bundle) : undefined }));
  return out;
}

/**
 * The control plane (APIs, database, messaging, the VIP without HAProxy, /etc/hosts) is bound to the management
 * address: one that comes from a DHCP lease can change, and the cloud breaks (DEPLOY-AUDIT W8). Only a lease
 * the kernel reports is flagged; an address without one is not proven static, so nothing is said then.
 */
export function managementAddressFindings(facts: HostFacts, plan: DeploymentPlan): Finding[] {
  const nic = facts.nics.find((n) => n.name === plan.host.managementInterface);
  const address = nic?.addresses.find((a) => a.family === 'inet' && a.address === plan.host.managementIp);
  if (!nic || !address?.dynamic) return [];
  const bound = plan.network.haproxy ? `the VIP ${plan.network.vip} sits in its subnet and every service listens on it` : 'the APIs, the database, messaging and /etc/hosts are bound to it (without HAProxy it is the VIP too)';
  return [
    f(
      'static-address',
      'warn',
      `the management address ${plan.host.managementIp} on ${nic.name} comes from DHCP: ${bound}, so a new lease or another network breaks the cloud`,
      `make it fixed before installing: a DHCP reservation for ${nic.mac ?? `${nic.name}'s MAC`} on the router, or a static ${plan.host.managementCidr} in the host's network configuration${nic.kind === 'wireless' ? '; on Wi-Fi, keep the machine on this network' : ''}`,
    ),
  ];
}

/** Every check id, for --skip-check validation and `ciab preflight --list`. */
export const CHECK_IDS: readonly string[] = [
  ...HOST_CHECKS.map((c) => c.id),
  'docker',
  'storage',
  'uplink',
  'external-network',
  'floating-range',
  'vip',
  'wipe',
  'capacity',
  'static-address',
];

/** Why a file the answers name cannot be read, or null when it can: passed in by the caller that may look. */
export type FileCheck = (file: string) => string | null;

export function runAllChecks(facts: HostFacts, profile: Profile, plan: DeploymentPlan, checkFile?: FileCheck): Finding[] {
  return [...runHostChecks(facts, profile), ...runPlanChecks(facts, plan, checkFile)];
}
