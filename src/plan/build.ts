// buildPlan: facts × profile × answers → DeploymentPlan. Pure: same inputs, same plan.
import type { Answers } from '../model/answers.js';
import { UserError } from '../model/errors.js';
import type { HostFacts } from '../model/facts.js';
import type { DeploymentPlan, HostChange, KollaVar } from '../model/plan.js';
import { PLAN_VERSION } from '../model/plan.js';
import type { Profile, ServiceId, StorageBackend } from '../model/profile.js';
import { KOLLA_ANSIBLE_VERSION, OPENSTACK_RELEASE } from '../model/release.js';
import { GiB } from '../model/units.js';
import { cidrOf, parseCidr, parseRange } from './addressing.js';
import { hostAddressing, LOCAL_NET, networkProblems } from './network-check.js';
import { selectDisks } from './disks.js';
import { buildPhases } from './phases.js';
import { serviceSwitches } from './services.js';

/** Names of what the installer creates on the host for local floating IPs. Short: interface names max 15 chars. */
export { LOCAL_NET } from './network-check.js';
export const CINDER_VG = 'cinder-volumes';
export const CINDER_FILE = '/var/lib/ciab/cinder-volumes.img';
/** What the host OS itself needs besides the cloud: kernel, sshd, page cache. */
export const HOST_RESERVED_BYTES = 2 * GiB;
export const DEFAULT_REGISTRY = 'quay.io';

/** kolla_base_distro that matches the host, so host and containers share a family; rocky otherwise. */
function baseDistro(facts: HostFacts): 'ubuntu' | 'debian' | 'rocky' {
  if (facts.os.id === 'ubuntu') return 'ubuntu';
  if (facts.os.id === 'debian') return 'debian';
  return 'rocky';
}

/** Can this machine carry the volume backend for the profile? (lvm needs a blank disk, lvm-file room.) */
export function backendFits(backend: StorageBackend, facts: HostFacts, profile: Profile): boolean {
  const spare = facts.disks.filter((d) => d.usable).length;
  if (backend === 'lvm') return spare >= 1;
  if (backend === 'lvm-file') return (facts.os.imagesFreeBytes ?? 0) >= (profile.storage.file_size_gib + profile.requirements.disk_free_gib.block) * GiB;
  return true;
}

/** The profile's most preferred backend this machine can carry (undefined: none fits). */
export function defaultBackend(facts: HostFacts, profile: Profile): StorageBackend | undefined {
  return profile.storage.backends.find((b) => backendFits(b, facts, profile));
}

/** The profile's services for a volume backend: no cinder without volumes. */
export function servicesFor(profile: Profile, backend: StorageBackend | undefined): ServiceId[] {
  return profile.services.filter((s) => {
    if (s === 'cinder') return backend !== 'none';
    return true;
  });
}

export function memoryBudgetBytes(profile: Profile, services: readonly ServiceId[]): number {
  return services.reduce((sum, s) => sum + (profile.memory_budget_mib[s] ?? 0), 0) * 1024 ** 2;
}

/** What is left for instances once the services and the host have their share (null where a fact is unknown). */
export function instanceCapacity(facts: HostFacts, profile: Profile, services: readonly ServiceId[]): { vcpus: number | null; memoryBytes: number | null } {
  const budget = memoryBudgetBytes(profile, services);
  return {
    vcpus: facts.cpu.threads === null ? null : Math.max(0, facts.cpu.threads - profile.reserved_threads),
    memoryBytes: facts.memory.totalBytes === null ? null : Math.max(0, facts.memory.totalBytes - budget - HOST_RESERVED_BYTES),
  };
}

export function buildPlan(facts: HostFacts, profile: Profile, answers: Answers): DeploymentPlan {
  const net = answers.network;
  const mgmtNic = facts.nics.find((n) => n.name === net.management_interface);
  const mgmtAddress = mgmtNic?.addresses.find((a) => a.family === 'inet');
  if (!mgmtNic || !mgmtAddress) throw new UserError(`network.management_interface: ${net.management_interface} has no IPv4 address`);
  const mgmtCidr = cidrOf(mgmtAddress.address, mgmtAddress.prefixlen);
  if (!mgmtCidr) throw new UserError(`network.management_interface: ${net.management_interface} has no usable IPv4 address (${mgmtAddress.address}/${mgmtAddress.prefixlen})`);
  // The same check the questions make: a plan never carries values they would refuse.
  const problems = networkProblems(net, hostAddressing(facts, net.management_interface));
  const firstProblem = Object.entries(problems)[0];
  if (firstProblem) throw new UserError(`network.${firstProblem[0]}: ${firstProblem[1]}`);
  const floatingCidr = parseCidr(net.floating_cidr)!;
  const range = parseRange(net.floating_range)!;
  if (profile.network.haproxy && !net.vip) throw new UserError(`network.vip: the ${profile.id} profile runs HAProxy and needs a free address in ${mgmtCidr.text}`);
  const vip = profile.network.haproxy ? net.vip! : mgmtAddress.address;

  const services = servicesFor(profile, answers.storage.backend);
  // Only a proven KVM: unknown (no probe result) plans qemu, which always boots.
  const kvm = facts.cpu.kvm.usable === true;
  const threads = facts.cpu.threads ?? 1;
  const workers = { service: Math.max(1, Math.min(4, Math.floor(threads / 4))), rpc: Math.max(1, Math.min(2, Math.floor(threads / 8))) };

  const localBridge =
    net.access === 'local'
      ? { ...LOCAL_NET, gatewayCidr: `${net.floating_gateway}/${floatingCidr.prefix}`, natOut: net.management_interface }
      : null;
  const externalInterface = localBridge ? LOCAL_NET.vethKolla : net.external_interface!;

  // Storage
  const backend = answers.storage.backend;
  const selection = backend === 'lvm' ? selectDisks(facts.disks, answers.storage.disks, answers.storage.wipe) : null;
  if (selection && selection.errors.length > 0) throw new UserError(`storage.disks[${selection.errors[0]!.index}]: ${selection.errors[0]!.message}`);
  const disks = (selection?.disks ?? []).map((d) => ({ path: d.path, byId: d.byId, sizeBytes: d.sizeBytes, wipe: selection!.wiped.includes(d) }));
  if (backend === 'lvm' && disks.length === 0) throw new UserError(`storage.disks: the ${backend} backend needs at least one disk`);
  const file = backend === 'lvm-file' ? { path: CINDER_FILE, sizeGiB: profile.storage.file_size_gib } : null;
  const capacityBytes = backend === 'none' ? null : file ? file.sizeGiB * GiB : disks.reduce((s, d) => s + (d.sizeBytes ?? 0), 0);

  // Capacity left for instances
  const budget = memoryBudgetBytes(profile, services);
  const { vcpus: vcpusForInstances, memoryBytes: memoryForInstancesBytes } = instanceCapacity(facts, profile, services);

  const kolla = kollaVariables({ facts, profile, answers, services, vip, externalInterface, kvm, workers, backend });
  const registry = answers.images.registry ?? DEFAULT_REGISTRY;

  const plan: DeploymentPlan = {
    schemaVersion: PLAN_VERSION,
    profile: { id: profile.id, title: profile.title },
    release: { openstack: OPENSTACK_RELEASE, kollaAnsible: KOLLA_ANSIBLE_VERSION },
    host: {
      hostname: facts.network.hostname,
      managementInterface: net.management_interface,
      managementIp: mgmtAddress.address,
      managementCidr: mgmtCidr.text,
      gateway: facts.network.defaultRoute?.interface === net.management_interface ? facts.network.defaultRoute.gateway : null,
      dns: facts.network.dns,
      timezone: answers.timezone,
      domain: answers.domain,
      networkConfig: facts.os.networkConfig,
      os: { id: facts.os.id, codename: facts.os.codename },
    },
    network: {
      access: net.access,
      vip,
      haproxy: profile.network.haproxy,
      tls: profile.network.tls_external,
      neutronPlugin: profile.network.neutron_plugin,
      externalInterface,
      localBridge,
      floating: { cidr: floatingCidr.text, gateway: net.floating_gateway, start: range.start, end: range.end },
    },
    storage: {
      backend,
      volumeGroup: backend === 'lvm' || backend === 'lvm-file' ? CINDER_VG : null,
      disks,
      file,
      glance: 'file',
      capacityBytes,
    },
    compute: { virtType: kvm ? 'kvm' : 'qemu', reservedMemoryBytes: budget + HOST_RESERVED_BYTES, vcpusForInstances, memoryForInstancesBytes },
    services,
    memoryBudgetMiB: Object.fromEntries(services.filter((s) => profile.memory_budget_mib[s] !== undefined).map((s) => [s, profile.memory_budget_mib[s]!])),
    workers,
    kolla,
    images: { registry, offlineBundle: answers.images.offline_bundle, useTestImages: registry === DEFAULT_REGISTRY },
    proxy: answers.proxy,
    trust: { caCertificates: answers.trust?.ca_certificates ?? [] },
    adminPassword: answers.admin_password ? 'given' : 'generated',
    phases: buildPhases(services, {
      offline: Boolean(answers.images.offline_bundle),
      tls: profile.network.tls_external,
      useTestImages: registry === DEFAULT_REGISTRY,
    }),
    changes: [],
  };
  plan.changes = hostChanges(plan, facts);
  return plan;
}

interface KollaInputs {
  facts: HostFacts;
  profile: Profile;
  answers: Answers;
  services: ServiceId[];
  vip: string;
  externalInterface: string;
  kvm: boolean;
  workers: { service: number; rpc: number };
  backend: Answers['storage']['backend'];
}

function kollaVariables(i: KollaInputs): Record<string, KollaVar> {
  const v: Record<string, KollaVar> = {};
  const distro = baseDistro(i.facts);
  v.kolla_base_distro = { value: distro, why: `container images of the host's family (${i.facts.os.prettyName ?? i.facts.os.id ?? 'unknown host'})` };
  v.openstack_release = { value: OPENSTACK_RELEASE, why: `pinned with kolla-ansible ${KOLLA_ANSIBLE_VERSION}` };
  if (i.facts.cpu.arch === 'arm64') v.openstack_tag_suffix = { value: '-aarch64', why: 'arm64 host: aarch64 images' };
  v.network_interface = { value: i.answers.network.management_interface, why: 'the management interface: APIs, database and messaging' };
  v.neutron_external_interface = {
    value: i.externalInterface,
    why: i.answers.network.access === 'local' ? 'one end of the veth pair into the local floating-IP bridge (carries no IP)' : 'the spare NIC for floating IPs on the LAN (carries no IP)',
  };
  v.kolla_internal_vip_address = {
    value: i.vip,
    why: i.profile.network.haproxy ? 'the VIP keepalived holds for HAProxy' : 'no HAProxy on one IP: the VIP is the management IP itself',
  };
  if (i.profile.network.haproxy) {
    // kolla's default VRID 51 collides between boxes on one LAN (DEPLOY-AUDIT W10). Derived from this install's
    // keepalived_password (random per install, kept in passwords.yml across re-renders): unique and stable.
    v.keepalived_virtual_router_id = {
      value: "{{ (keepalived_password | hash('sha256'))[:8] | int(base=16) % 255 + 1 }}",
      why: 'a VRRP router id of its own per install (1-255, from its keepalived password), so several boxes can share a LAN',
    };
  }
  if (!i.profile.network.haproxy) {
    v.enable_haproxy = { value: false, why: 'single node on one IP: services answer directly, no load balancer' };
    // ProxySQL would listen on VIP:3306 — the same socket as MariaDB when the VIP is the host IP.
    v.enable_proxysql = { value: false, why: 'without HAProxy the VIP is the host IP, where MariaDB already listens on 3306' };
  }
  v.neutron_plugin_agent = { value: i.profile.network.neutron_plugin, why: 'OVN: the SCS default network backend' };
  if (!i.kvm) {
    const k = i.facts.cpu.kvm;
    const why = k.usable === null
      ? `KVM unproven (${k.reason ?? 'no guest probe'}): qemu software emulation, which always boots`
      : `no usable KVM (${k.reason ?? 'unknown'}): software emulation`;
    v.nova_compute_virt_type = { value: 'qemu', why };
  }
  if (i.profile.network.tls_external) {
    v.kolla_enable_tls_internal = { value: true, why: 'one VIP serves internal and external endpoints, so both use TLS' };
    v.kolla_enable_tls_external = { value: true, why: 'HTTPS for users, with a CA generated for this install' };
    v.kolla_copy_ca_into_containers = { value: true, why: 'services must trust the install\'s own CA' };
    v.openstack_cacert = {
      value: distro === 'rocky' ? '/etc/pki/tls/certs/ca-bundle.crt' : '/etc/ssl/certs/ca-certificates.crt',
      why: 'the system CA bundle inside the containers, with the install\'s CA added',
    };
    // post-deploy's own clouds.yaml/admin-openrc.sh name a CA only when this is set (kolla's default is "").
    v.kolla_admin_openrc_cacert = { value: '{{ kolla_certificates_dir }}/ca/root.crt', why: 'the CA kolla-ansible certificates makes, where it writes it (<configdir>/certificates/ca)' };
  }
  if (!i.profile.network.tls_external && (i.answers.trust?.ca_certificates ?? []).length > 0) {
    // The extra CAs (a TLS-intercepting proxy's, a private registry's): prepare-host puts them into
    // <configdir>/certificates/ca, which kolla copies into every container's trust store when this is on.
    v.kolla_copy_ca_into_containers = { value: true, why: 'services must trust the extra CA certificates of the answers (trust.ca_certificates)' };
  }
  Object.assign(v, serviceSwitches(i.services));
  if (i.services.includes('designate')) {
    // With designate, neutron's DNS integration is on (roles/neutron/defaults), and kolla's neutron precheck
    // refuses its default "openstacklocal": the domain must be real and end with a dot (DEPLOY-AUDIT K1).
    v.neutron_dns_domain = { value: `${i.answers.domain}.`, why: `instances' DNS names live in ${i.answers.domain} (designate zone); kolla requires the trailing dot` };
    v.designate_ns_record = { value: `ns1.${i.answers.domain}`, why: `the NS record of designate's zones, instead of kolla's ns1.example.org` };
  }
  if (i.backend === 'lvm' || i.backend === 'lvm-file') {
    v.enable_cinder_backend_lvm = { value: true, why: i.backend === 'lvm' ? 'volumes in an LVM volume group on the spare disk' : 'volumes in an LVM volume group on a loop file' };
    v.cinder_volume_group = { value: CINDER_VG, why: 'the volume group the prepare-host phase creates' };
  }
  if (i.services.includes('cinder')) {
    v.enable_cinder_backup = { value: false, why: 'no second storage system on one box to back volumes up to' };
  }
  v.openstack_service_workers = { value: i.workers.service, why: `${i.facts.cpu.threads ?? '?'} threads: fewer API workers leave memory for instances` };
  v.openstack_service_rpc_workers = { value: i.workers.rpc, why: 'as few RPC workers as one node needs' };
  if (i.answers.images.registry) v.docker_registry = { value: i.answers.images.registry, why: 'images from the given mirror' };
  if (i.answers.images.registry && i.answers.images.registry_scheme === 'http') {
    // Docker talks HTTPS to every registry unless it is listed as insecure: a plain registry:2 mirror then
    // fails every pull with "server gave HTTP response to HTTPS client" (DEPLOY-AUDIT K7).
    v.docker_registry_insecure = { value: true, why: 'the mirror speaks plain HTTP: Docker must be told so' };
  }
  const proxy = i.answers.proxy;
  if (proxy.http) v.container_http_proxy = { value: proxy.http, why: 'containers reach the outside through the proxy' };
  if (proxy.https) v.container_https_proxy = { value: proxy.https, why: 'containers reach the outside through the proxy' };
  if (proxy.http || proxy.https) {
    // Image pulls are made by the Docker daemon, which only the collection's docker_*_proxy keys configure
    // (bootstrap-servers writes its systemd drop-in from them): without them a proxy-only site pulls nothing (K6).
    if (proxy.http) v.docker_http_proxy = { value: proxy.http, why: 'the Docker daemon pulls images through the proxy' };
    if (proxy.https) v.docker_https_proxy = { value: proxy.https, why: 'the Docker daemon pulls images through the proxy' };
    v.docker_no_proxy = { value: dockerNoProxy(mgmtIpOf(i), i.vip, proxy.no_proxy).join(','), why: 'reached directly by the Docker daemon: this host, the VIP and the answered no_proxy list' };
    const extra = splitNoProxy(proxy.no_proxy);
    v.container_no_proxy = { value: ['localhost', '127.0.0.1', ...extra].filter((x, n, all) => all.indexOf(x) === n).join(','), why: 'reached directly from the containers (kolla adds this host and the VIP itself)' };
  }
  for (const [key, entry] of Object.entries(i.profile.kolla)) v[key] = { value: entry.value, why: entry.why };
  return v;
}

const splitNoProxy = (list: string | null) => (list ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/**
 * What the Docker daemon reaches without the proxy: the same list, in the same order, as prepare-host's
 * docker.service drop-in (ansible/prepare-host/container-engine.yml), so kolla's bootstrap-servers and
 * prepare-host agree.
 */
export function dockerNoProxy(managementIp: string, vip: string, noProxy: string | null): string[] {
  return ['localhost', '127.0.0.1', managementIp, vip, ...splitNoProxy(noProxy)].filter((x, n, all) => all.indexOf(x) === n);
}

function mgmtIpOf(i: KollaInputs): string {
  const nic = i.facts.nics.find((n) => n.name === i.answers.network.management_interface);
  return nic?.addresses.find((a) => a.family === 'inet')?.address ?? '';
}

function hostChanges(plan: DeploymentPlan, facts: HostFacts): HostChange[] {
  const c: HostChange[] = [];
  const n = plan.network;
  if (n.localBridge) {
    const b = n.localBridge;
    c.push({ area: 'network', what: `create bridge ${b.bridge} with ${b.gatewayCidr} (gateway of the floating network ${n.floating.cidr})` });
    c.push({ area: 'network', what: `create veth pair ${b.vethKolla} (for neutron, no IP) ↔ ${b.vethHost} (in ${b.bridge})` });
    c.push({ area: 'network', what: `NAT ${n.floating.cidr} out of ${b.natOut}; enable IPv4 forwarding` });
    c.push({ area: 'network', what: `persist them in the OS's network configuration so they come back after a reboot; ${plan.host.managementInterface} itself is not touched` });
  } else {
    c.push({ area: 'network', what: `hand ${n.externalInterface} to neutron (OVS bridge br-ex) for floating IPs ${n.floating.start}–${n.floating.end}` });
  }
  if (n.haproxy) c.push({ area: 'network', what: `keepalived adds the VIP ${n.vip} to ${plan.host.managementInterface}` });
  if (facts.network.hostnameLoopbackTrap || !facts.network.hostnameAddresses.includes(plan.host.managementIp)) {
    c.push({ area: 'files', what: `/etc/hosts: ${plan.host.hostname} → ${plan.host.managementIp} (RabbitMQ needs it)` });
  }
  for (const disk of plan.storage.disks) {
    if (disk.wipe) c.push({ area: 'disks', what: `WIPE ${disk.path}${disk.byId ? ` (${disk.byId})` : ''}: everything on it is destroyed`, destructive: true });
  }
  if (plan.storage.backend === 'lvm') c.push({ area: 'disks', what: `LVM volume group ${CINDER_VG} on ${plan.storage.disks.map((d) => d.path).join(', ')}` });
  if (plan.storage.file) {
    c.push({ area: 'disks', what: `sparse file ${plan.storage.file.path} (${plan.storage.file.sizeGiB} GiB) as volume group ${CINDER_VG}, re-attached at boot by a systemd unit` });
  }
  if (plan.storage.volumeGroup) c.push({ area: 'files', what: '/etc/lvm/lvmlocal.conf: a global_filter hiding iSCSI disks (volumes attached here) from the host\'s LVM, unless the host has its own' });
  c.push({ area: 'packages', what: `Docker (the distribution's docker.io unless Docker CE is installed), apparmor, sudo, the Python Docker SDK, python3-venv, lvm2${plan.storage.file ? ' and thin-provisioning-tools' : ''}${n.localBridge ? ', nftables (the NAT)' : ''}, systemd-timesyncd if no time service is installed` });
  c.push({ area: 'services', what: `docker; ${plan.services.length} OpenStack and infrastructure services in containers; firewalld/ufw disabled by kolla` });
  if (n.tls) {
    // kolla's certificates last a year (DEPLOY-AUDIT W3): the user must know, and the box renews them itself.
    c.push({ area: 'services', what: 'TLS certificates from kolla-ansible certificates, valid 365 days (its CA 1024): ciab-certs-renew.timer renews them weekly-checked, 45 days before expiry (kolla-ansible certificates + reconfigure); by hand: /usr/local/sbin/ciab-certs-renew status|renew' });
  }
  if (plan.host.timezone !== 'UTC') c.push({ area: 'services', what: `time zone ${plan.host.timezone}` });
  c.push({ area: 'ports', what: `services listen on ${plan.host.managementIp}${n.haproxy ? ` and ${n.vip}` : ''}: 3306, 5000, 5672, 6080, 8774, 8775, 8780, 9292, 9696${plan.services.includes('cinder') ? ', 8776' : ''}, 80${n.tls ? ', 443' : ''} …` });
  c.push({ area: 'files', what: '/etc/kolla (globals.yml, passwords.yml 0600, inventory), /etc/ciab (answers, state), clouds.yaml and admin-openrc.sh (0600)' });
  return c;
}
