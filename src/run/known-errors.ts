// Known kolla-ansible failures for single-node installs (docs RUN-ENGINE §4.2, K01–K15), as data: matched on the
// failed task's name, ansible's message and the stderr tail. Where a preflight check covers the same cause,
// `preflight` names it and the fix uses the same words.
import type { Hint } from '../model/events.js';

export interface KnownError extends Hint {
  phases: string[] | null;
  match: { task?: RegExp; msg?: RegExp; stderr?: RegExp };
  preflight: string | null;
}

export const KNOWN_ERRORS: KnownError[] = [
  {
    id: 'K01', phases: ['kolla-prechecks'], preflight: 'hostname',
    match: { msg: /Hostname has to resolve uniquely to the IP address of api_interface/i },
    title: 'the hostname does not resolve to the management IP',
    why: 'RabbitMQ needs the hostname to resolve to the management IP only; Debian and Ubuntu map it to 127.0.1.1',
    fix: 'the installer rewrites the /etc/hosts entry in its prepare-host phase: run it (ciab install --from prepare-host), or set "<management ip> <hostname>" in /etc/hosts',
  },
  {
    id: 'K02', phases: ['kolla-prechecks'], preflight: null,
    match: { task: /kolla_internal_vip_address and kolla_external_vip_address are not pingable/i },
    title: 'the API address (VIP) is already in use',
    why: 'another machine, a DHCP lease or a previous install\'s keepalived answers on the VIP',
    fix: 'choose a free address in the management subnet (answers: network.vip) and render again',
  },
  {
    id: 'K03', phases: ['kolla-prechecks'], preflight: null,
    match: { task: /kolla_internal_vip_address is in the same network as api_interface/i },
    title: 'the VIP is outside the management network',
    why: 'kolla needs the VIP inside the CIDR of the management interface',
    fix: 'choose a VIP inside the management interface\'s subnet (answers: network.vip)',
  },
  {
    id: 'K04', phases: ['kolla-deploy'], preflight: null,
    match: { task: /Wait for MariaDB service to be ready through VIP/i },
    title: 'the VIP does not carry traffic',
    why: 'keepalived holds the VIP but packets do not reach it: a cloud VM\'s port security, or the VIP on the wrong NIC',
    fix: 'allow the VIP on the VM\'s port (allowed-address-pairs), or on one machine run without HAProxy so the API uses the management IP',
  },
  {
    id: 'K05', phases: ['kolla-prechecks'], preflight: null,
    match: { msg: /Please check the (api_interface|network_interface|neutron_external_interface) property/i },
    title: 'an interface kolla was told to use is missing or down',
    why: 'the NIC name changed, or the bridge/veth prepare-host creates does not exist yet',
    fix: 'run prepare-host first (ciab install --from prepare-host), or check the interface names with ip link',
  },
  {
    id: 'K06', phases: ['kolla-deploy'], preflight: null,
    match: { task: /Ensuring OVS ports are properly setup/i },
    title: 'the external interface is the management NIC',
    why: 'Open vSwitch plugs neutron_external_interface into br-ex; if it carries the host\'s IP the host drops off the network',
    fix: 'use local access (a veth pair) or a second NIC without an IP as the external interface',
  },
  {
    id: 'K07', phases: ['kolla-deploy'], preflight: 'memory',
    match: { msg: /Timeout when waiting for search string MariaDB in/i },
    title: 'MariaDB did not start',
    why: 'the mariadb container is crash-looping: low memory, a slow disk, or a leftover mariadb volume from an earlier try',
    fix: 'sudo tail -n 50 /var/log/kolla/mariadb/mariadb.log; free -h. A failed first bootstrap is not repaired by a re-run: ciab destroy, then ciab install',
  },
  {
    id: 'K08', phases: ['kolla-deploy'], preflight: null,
    match: { msg: /safe_to_bootstrap|MariaDB cluster exists but is stopped/i, stderr: /safe_to_bootstrap/i },
    title: 'MariaDB refuses to start after an unclean stop',
    why: 'after a power loss Galera marks the node unsafe to bootstrap',
    fix: 'kolla-ansible mariadb-recovery, then ciab install again',
  },
  {
    id: 'K09', phases: ['kolla-deploy'], preflight: null,
    match: { msg: /MariaDB cluster is not synced/i },
    title: 'MariaDB is still syncing',
    why: 'Galera has not finished its state transfer',
    fix: 'wait a few minutes and run ciab install again; if it persists, kolla-ansible mariadb-recovery',
  },
  {
    id: 'K10', phases: ['kolla-pull', 'kolla-deploy'], preflight: 'disk-space',
    // "dial tcp … no such host" / "connection refused" / "i/o timeout": the registry cannot be reached at all
    // (what the test VM, which reaches no registry, is expected to show; its pull step has not run yet).
    match: {
      msg: /toomanyrequests|pull rate limit|no space left on device|TLS handshake timeout|dial tcp|no such host|connection refused|i\/o timeout|Client\.Timeout/i,
      stderr: /toomanyrequests|no space left on device|TLS handshake timeout|dial tcp|no such host/i,
    },
    title: 'images could not be downloaded',
    why: 'the registry cannot be reached or throttles, /var/lib/docker is full, or the uplink is slow or blocked',
    fix: 'free space under /var/lib/docker (df -h), use a registry mirror (answers: images.registry), then ciab install again: pulled images are kept',
  },
  {
    id: 'K11', phases: ['kolla-pull', 'kolla-deploy'], preflight: null,
    match: { msg: /The requested image does not exist/i },
    title: 'an image does not exist in the registry',
    why: 'the release tag, base distro or registry namespace does not match what the registry holds',
    fix: 'check images.registry and the release in globals.yml (openstack_tag, kolla_base_distro)',
  },
  {
    id: 'K12', phases: ['kolla-prechecks'], preflight: null,
    match: { msg: /meant only for testing purposes.*--use-test-images/is },
    title: 'the public test images need --use-test-images',
    why: 'quay.io/openstack.kolla holds kolla\'s test images; its prechecks refuse them without the flag',
    fix: 'ciab passes --use-test-images when the plan uses quay.io; render again (ciab install) or set images.registry to your own registry',
  },
  {
    id: 'K13', phases: ['kolla-deploy'], preflight: null,
    match: { msg: /Container exited with non-zero return code/i },
    title: 'a bootstrap container failed',
    why: 'the service could not reach its database or message queue, or its configuration is wrong; kolla cannot repair a failed bootstrap by re-running',
    fix: 'read the stderr above and /var/log/kolla/<service>/; then ciab destroy and ciab install rather than a blind resume',
  },
  {
    id: 'K14', phases: ['kolla-deploy'], preflight: 'kvm',
    match: { msg: /Nova compute services failed to register themselves/i },
    title: 'nova-compute did not register',
    why: 'nova_compute crashed (no /dev/kvm without qemu emulation), its node name differs from the inventory, or RabbitMQ is down',
    fix: 'ls -l /dev/kvm; sudo docker logs nova_compute; /var/log/kolla/nova/nova-compute.log',
  },
  {
    id: 'K15', phases: ['kolla-prechecks'], preflight: 'services',
    match: { msg: /Timeout when waiting for .*:\d+ to stop|Service nscd is running|No host NTP daemon is running|system clock as unsynchronized/i, task: /host libvirt is not running/i },
    title: 'a host service holds a port kolla needs, or the clock is not synchronized',
    why: 'a MySQL, Apache, libvirtd or RabbitMQ on the host, nscd, or no NTP service',
    fix: 'stop and disable it (systemctl disable --now …) before installing; kolla runs its own in containers. For time: enable systemd-timesyncd or chrony',
  },
];

/** The best known error for a failure, or null. A message match beats a task-name match. */
export function matchKnownError(failure: { phase: string; task: string | null; message: string | null; stderrTail: string | null }): Hint | null {
  let best: { entry: KnownError; score: number } | null = null;
  for (const entry of KNOWN_ERRORS) {
    let score = 0;
    if (entry.match.msg?.test(failure.message ?? '')) score += 3;
    if (entry.match.stderr?.test(failure.stderrTail ?? '')) score += 2;
    if (entry.match.task?.test(failure.task ?? '')) score += 1;
    if (score === 0) continue;
    if (entry.phases && !entry.phases.includes(failure.phase)) score -= 0.5;
    if (!best || score > best.score) best = { entry, score };
  }
  return best ? { id: best.entry.id, title: best.entry.title, why: best.entry.why, fix: best.entry.fix } : null;
}
