// Host-side files that make the plan's network and storage survive a reboot: the local floating-IP bridge with
// its veth pair, IPv4 forwarding and NAT, the unaddressed external NIC, and the loop file under cinder's volume
// group. Paths mirror where the files go on the machine, under host/. Pure: the template texts are passed in.
//
// Which format for which OS:
// - ifupdown: an /etc/network/interfaces.d stanza that creates the bridge and veth pair in pre-up.
// - networkd: .netdev/.network files in /etc/systemd/network.
// - netplan: also systemd-networkd files for the bridge and veth pair. netplan only learned veth pairs
//   ("virtual-ethernets") in 0.107; Debian 12 ships 0.106 and Ubuntu 22.04 0.105/0.106, and a netplan bridge cannot
//   enslave a link netplan does not define. netplan-managed servers run systemd-networkd, which reads
//   /etc/systemd/network next to netplan's /run/systemd/network, so the same files work on every netplan version.
//   The unaddressed external NIC (LAN access) is plain netplan (/etc/netplan/60-ciab.yaml), which every version
//   expresses and which keeps that NIC under the renderer that already owns it.
// - NetworkManager (running NetworkManager, or netplan with "renderer: NetworkManager", as on Ubuntu Desktop):
//   NetworkManager keyfiles in /etc/NetworkManager/system-connections (0600, or NetworkManager ignores them).
//   systemd-networkd files would do nothing there unless networkd were started beside NetworkManager
//   (DEPLOY-AUDIT W4). The tests check them with NetworkManager's own parser (nmcli --offline).
// - unknown: systemd-networkd files, plus a NetworkManager conf.d snippet that keeps NetworkManager off the links.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { RenderedFile } from '../model/files.js';
import type { DeploymentPlan } from '../model/plan.js';
import { DEFAULT_CONFIG_DIR } from './clouds.js';

export const NAT_SCRIPT = '/usr/local/sbin/ciab-nat';
export const NAT_UNIT = 'ciab-nat.service';
export const LOOP_SCRIPT = '/usr/local/sbin/ciab-cinder-loop';
export const LOOP_UNIT = 'ciab-cinder-loop.service';
export const CERTS_SCRIPT = '/usr/local/sbin/ciab-certs-renew';
export const CERTS_UNIT = 'ciab-certs-renew.service';
export const CERTS_TIMER = 'ciab-certs-renew.timer';
/** What `kolla-ansible certificates` signs for (roles/certificates/tasks/generate.yml: +365d; the CA +1024d). */
export const KOLLA_CERT_DAYS = 365;
export const KOLLA_CA_DAYS = 1024;
/** Renew this many days before expiry: the timer runs weekly, so several tries fit before the date. */
export const CERTS_RENEW_DAYS = 45;
/** Where the run engine installs the pinned kolla-ansible (src/run/paths.ts); CIAB_KOLLA_VENV overrides it. */
const DEFAULT_KOLLA_VENV = '/opt/ciab/kolla-venv';
/** The nftables table and the iptables comment that mark ciab's NAT rules (and only those). */
export const NAT_TAG = 'ciab-nat';
export const NAT_TABLE = 'ciab';

/** The texts of templates/host/*, by file name (read by the app and passed in: rendering stays pure). */
export type HostTemplates = Readonly<Record<string, string>>;

/** `{{name}}` substitution; a placeholder without a value is a bug, never an empty string in a config file. */
export function fill(templates: HostTemplates, name: string, values: Record<string, string>): string {
  const text = templates[name];
  if (text === undefined) throw new Error(`template ${name}: not among the host templates`);
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${name}: no value for {{${key}}}`);
    return value;
  });
}

/** The comment every file starts with: who wrote it, for which plan, how to undo it. */
function header(plan: DeploymentPlan, what: string, undo: string[], notes: string[] = []): string {
  // No plan hash here: a header that changed with every unrelated plan change would rewrite (and re-apply)
  // network files for nothing.
  const lines = [
    `Written by ciab (Cloud-in-a-Box) for the ${plan.profile.id} plan on ${plan.host.hostname}: ${what}.`,
    'Do not edit: ciab rewrites this file; change the answers and re-run ciab instead.',
    ...notes,
    'To undo:',
    ...undo.map((u) => `  ${u}`),
  ];
  return lines.map((l) => `# ${l}`.trimEnd()).join('\n') + '\n';
}

function file(filePath: string, content: string, mode = 0o644): RenderedFile {
  return { path: `host${filePath}`, mode, content, secret: false };
}

function script(filePath: string, head: string, body: string): RenderedFile {
  return file(filePath, `#!/bin/sh\n${head}\n${body}`, 0o755);
}

const NETWORKD_DIR = '/etc/systemd/network';
// networkd uses the first .network file (in lexical order over all its folders) that matches a link: 10-ciab-
// sorts before netplan's 10-netplan-*, cloud-init's 10-cloud-init-* and the usual 20-/50-/99- catch-alls.
const networkdFile = (link: string, kind: 'netdev' | 'network') => `10-${link.startsWith('ciab') ? '' : 'ciab-'}${link}.${kind}`;

function networkdNote(plan: DeploymentPlan): string[] {
  switch (plan.host.networkConfig) {
    case 'networkd':
      return [];
    case 'netplan':
      return [
        'netplan host: systemd-networkd files rather than netplan YAML, because netplan before 0.107 (Debian 12,',
        'Ubuntu 22.04) has no veth pairs; netplan servers run systemd-networkd, which reads these beside netplan\'s own.',
        '(A netplan host with "renderer: NetworkManager" gets NetworkManager keyfiles instead.)',
      ];
    default:
      return [
        'Network configuration system not recognised: written for systemd-networkd (enable it:',
        '`systemctl enable --now systemd-networkd`), which every supported distribution ships.',
      ];
  }
}

const networkdUndo = (files: string[]) => [`rm ${files.map((f) => `${NETWORKD_DIR}/${f}`).join(' ')}`, 'networkctl reload  # or reboot'];

/** The names ciab creates or hands to neutron must never be the management interface. */
function assertLeavesManagementAlone(plan: DeploymentPlan): void {
  const mgmt = plan.host.managementInterface;
  const b = plan.network.localBridge;
  const ours = b ? [b.bridge, b.vethHost, b.vethKolla] : [plan.network.externalInterface];
  if (ours.includes(mgmt)) throw new Error(`bug: the host network files would reconfigure the management interface ${mgmt}`);
}

/** outDir: the folder the tree is written to (kolla's --configdir is <outDir>/kolla). */
export function renderHostFiles(plan: DeploymentPlan, templates: HostTemplates, outDir: string = DEFAULT_CONFIG_DIR): RenderedFile[] {
  assertLeavesManagementAlone(plan);
  const files = plan.network.localBridge ? localAccessFiles(templates, plan, plan.network.localBridge) : lanAccessFiles(templates, plan);
  if (plan.storage.backend === 'lvm-file' && plan.storage.file) files.push(...loopFileFiles(templates, plan, plan.storage.file, plan.storage.volumeGroup));
  if (plan.network.tls) files.push(...certsRenewalFiles(templates, plan, outDir));
  return files;
}

/**
 * kolla's development certificates last a year (DEPLOY-AUDIT W3): a weekly timer renews them before they expire
 * on an unattended box, re-signing with the same keys and reconfiguring what serves them.
 */
function certsRenewalFiles(templates: HostTemplates, plan: DeploymentPlan, outDir: string): RenderedFile[] {
  const configDir = `${outDir.replace(/\/+$/, '')}/kolla`;
  const what = `renew kolla-ansible's TLS certificates (${KOLLA_CERT_DAYS} days; the CA ${KOLLA_CA_DAYS}) ${CERTS_RENEW_DAYS} days before they expire`;
  const undo = [`systemctl disable --now ${CERTS_TIMER}`, `rm /etc/systemd/system/${CERTS_TIMER} /etc/systemd/system/${CERTS_UNIT} ${CERTS_SCRIPT}`];
  const values = { configDir, kollaVenv: DEFAULT_KOLLA_VENV, renewDays: String(CERTS_RENEW_DAYS), script: CERTS_SCRIPT };
  const notes = [`By hand: ${CERTS_SCRIPT} status | renew [--no-reconfigure]`];
  return [
    script(CERTS_SCRIPT, header(plan, what, undo, notes), fill(templates, 'ciab-certs-renew.sh', values)),
    file(`/etc/systemd/system/${CERTS_UNIT}`, `${header(plan, what, undo, notes)}\n${fill(templates, 'ciab-certs-renew.service', values)}`),
    file(`/etc/systemd/system/${CERTS_TIMER}`, `${header(plan, what, undo, notes)}\n${fill(templates, 'ciab-certs-renew.timer', values)}`),
  ];
}

type LocalBridge = NonNullable<DeploymentPlan['network']['localBridge']>;

function localAccessFiles(templates: HostTemplates, plan: DeploymentPlan, b: LocalBridge): RenderedFile[] {
  const what = `bridge ${b.bridge} (${b.gatewayCidr}) with veth pair ${b.vethHost}/${b.vethKolla} for local floating IPs`;
  const files =
    plan.host.networkConfig === 'ifupdown'
      ? ifupdownLocal(templates, plan, b, what)
      : plan.host.networkConfig === 'NetworkManager'
        ? networkManagerLocal(templates, plan, b, what)
        : networkdLocal(templates, plan, b, what);
  if (usesNetworkManagerSnippet(plan)) files.push(networkManagerUnmanaged(templates, plan, [b.bridge, b.vethHost, b.vethKolla]));
  files.push(sysctl(templates, plan, ['net.ipv4.ip_forward = 1', ...[b.bridge, b.vethHost, b.vethKolla].map(noIpv6)], 'IPv4 forwarding for the floating network; no IPv6 on ciab\'s links'));
  files.push(...natFiles(templates, plan, b));
  return files;
}

function ifupdownLocal(templates: HostTemplates, plan: DeploymentPlan, b: LocalBridge, what: string): RenderedFile[] {
  const target = '/etc/network/interfaces.d/60-ciab';
  const head = header(plan, what, [`ifdown ${b.bridge}  # removes the bridge and the veth pair`, `rm ${target}`], [
    '/etc/network/interfaces must `source /etc/network/interfaces.d/*` (Debian\'s default does).',
  ]);
  const body = fill(templates, 'ifupdown-local', { bridge: b.bridge, gatewayCidr: b.gatewayCidr, vethHost: b.vethHost, vethKolla: b.vethKolla });
  return [file(target, `${head}\n${body}`)];
}

function networkdLocal(templates: HostTemplates, plan: DeploymentPlan, b: LocalBridge, what: string): RenderedFile[] {
  const names = {
    bridgeNetdev: networkdFile(b.bridge, 'netdev'),
    bridgeNetwork: networkdFile(b.bridge, 'network'),
    vethNetdev: networkdFile(b.vethHost, 'netdev'),
    hostNetwork: networkdFile(b.vethHost, 'network'),
    kollaNetwork: networkdFile(b.vethKolla, 'network'),
  };
  const all = Object.values(names);
  const undo = [`ip link del ${b.vethHost}; ip link del ${b.bridge}`, ...networkdUndo(all)];
  const head = (part: string) => header(plan, `${part} — part of the ${what}`, undo, networkdNote(plan));
  const at = (name: string) => `${NETWORKD_DIR}/${name}`;
  return [
    file(at(names.bridgeNetdev), `${head(`bridge ${b.bridge}`)}\n${fill(templates, 'networkd-bridge.netdev', { bridge: b.bridge })}`),
    file(
      at(names.bridgeNetwork),
      `${head(`address of ${b.bridge}`)}\n${fill(templates, 'networkd-bridge.network', { bridge: b.bridge, gatewayCidr: b.gatewayCidr, floatingCidr: plan.network.floating.cidr })}`,
    ),
    file(at(names.vethNetdev), `${head(`veth pair ${b.vethHost} ↔ ${b.vethKolla}`)}\n${fill(templates, 'networkd-veth.netdev', { vethHost: b.vethHost, vethKolla: b.vethKolla })}`),
    file(at(names.hostNetwork), `${head(`${b.vethHost} in ${b.bridge}`)}\n${fill(templates, 'networkd-bridge-port.network', { name: b.vethHost, bridge: b.bridge })}`),
    file(
      at(names.kollaNetwork),
      `${head(`${b.vethKolla} up without an address`)}\n${fill(templates, 'networkd-unaddressed.network', { name: b.vethKolla, why: `neutron's external interface (OVS br-ex), no IP` })}`,
    ),
  ];
}

const NM_DIR = '/etc/NetworkManager/system-connections';
const nmFile = (link: string) => `${NM_DIR}/${link.startsWith('ciab') ? '' : 'ciab-'}${link}.nmconnection`;
const nmUndo = (links: string[]) => [
  ...links.map((l) => `nmcli connection delete ${l}`),
  `(or rm ${links.map(nmFile).join(' ')}; nmcli connection reload)`,
];

/** A stable UUID per host and link: a re-render keeps the connection NetworkManager already knows. */
function nmUuid(plan: DeploymentPlan, link: string): string {
  const h = createHash('sha256').update(`ciab:${plan.host.hostname}:${link}`).digest('hex');
  // RFC 4122 layout, version 5 (name-based), variant 10xx.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** NetworkManager must own the links on its hosts; it reads keyfiles only when they are root's and 0600. */
const nmConnection = (filePath: string, content: string) => file(filePath, content, 0o600);

function networkManagerLocal(templates: HostTemplates, plan: DeploymentPlan, b: LocalBridge, what: string): RenderedFile[] {
  const links = [b.bridge, b.vethHost, b.vethKolla];
  const undo = nmUndo(links);
  const head = (part: string) => header(plan, `${part} — part of the ${what}`, undo);
  const bridgeUuid = nmUuid(plan, b.bridge);
  return [
    nmConnection(nmFile(b.bridge), `${head(`bridge ${b.bridge}`)}\n${fill(templates, 'nm-bridge.nmconnection', { bridge: b.bridge, uuid: bridgeUuid, gatewayCidr: b.gatewayCidr })}`),
    nmConnection(
      nmFile(b.vethHost),
      `${head(`veth ${b.vethHost} in ${b.bridge}`)}\n${fill(templates, 'nm-bridge-port.nmconnection', { name: b.vethHost, uuid: nmUuid(plan, b.vethHost), bridgeUuid, peer: b.vethKolla })}`,
    ),
    nmConnection(nmFile(b.vethKolla), `${head(`${b.vethKolla} up without an address`)}\n${nmUnaddressed(templates, plan, b.vethKolla, { veth: b.vethHost })}`),
  ];
}

function nmUnaddressed(templates: HostTemplates, plan: DeploymentPlan, name: string, kind: { veth: string } | 'ethernet'): string {
  const typeSection = kind === 'ethernet' ? '[ethernet]\n' : `[veth]\npeer=${kind.veth}\n`;
  return fill(templates, 'nm-unaddressed.nmconnection', {
    name,
    uuid: nmUuid(plan, name),
    type: kind === 'ethernet' ? 'ethernet' : 'veth',
    typeSection,
    why: "neutron's external interface (OVS br-ex)",
  });
}

function lanAccessFiles(templates: HostTemplates, plan: DeploymentPlan): RenderedFile[] {
  const nic = plan.network.externalInterface;
  const what = `${nic} up without an address, for neutron's floating IPs ${plan.network.floating.start}–${plan.network.floating.end}`;
  const files: RenderedFile[] = [];
  switch (plan.host.networkConfig) {
    case 'netplan': {
      const target = '/etc/netplan/60-ciab.yaml';
      const head = header(plan, what, [`rm ${target}`, 'netplan apply'], [
        `If another netplan file also configures ${nic} (by name or MAC), remove it there.`,
        'No renderer here: the one the other netplan files chose stays in charge of every device.',
      ]);
      const data = {
        network: {
          version: 2,
          ethernets: { [nic]: { dhcp4: false, dhcp6: false, 'accept-ra': false, 'link-local': [], optional: true } },
        },
      };
      // netplan refuses to apply world-readable files (and warns about group-readable ones): 0600.
      files.push(file(target, `${head}${stringify(data)}`, 0o600));
      break;
    }
    case 'ifupdown': {
      const target = '/etc/network/interfaces.d/60-ciab';
      const head = header(plan, what, [`ifdown ${nic}`, `rm ${target}`], [
        `If /etc/network/interfaces also has an "iface ${nic}" stanza, remove it there (ifupdown rejects duplicates).`,
      ]);
      files.push(file(target, `${head}\n${fill(templates, 'ifupdown-external', { name: nic })}`));
      break;
    }
    case 'NetworkManager': {
      files.push(nmConnection(nmFile(nic), `${header(plan, what, nmUndo([nic]))}\n${nmUnaddressed(templates, plan, nic, 'ethernet')}`));
      break;
    }
    default: {
      const name = networkdFile(nic, 'network');
      const head = header(plan, what, networkdUndo([name]), networkdNote(plan));
      files.push(file(`${NETWORKD_DIR}/${name}`, `${head}\n${fill(templates, 'networkd-unaddressed.network', { name: nic, why: `neutron's external interface (OVS br-ex), no IP` })}`));
      if (usesNetworkManagerSnippet(plan)) files.push(networkManagerUnmanaged(templates, plan, [nic]));
    }
  }
  files.push(sysctl(templates, plan, [noIpv6(nic)], `no IPv6 address on ${nic}`));
  return files;
}

/** NetworkManager might run beside systemd-networkd: keep it off the links ciab gives to networkd and neutron. */
function usesNetworkManagerSnippet(plan: DeploymentPlan): boolean {
  return ['netplan', 'unknown'].includes(plan.host.networkConfig);
}

function networkManagerUnmanaged(templates: HostTemplates, plan: DeploymentPlan, links: string[]): RenderedFile {
  const target = '/etc/NetworkManager/conf.d/60-ciab.conf';
  const head = header(plan, `NetworkManager leaves ${links.join(', ')} alone`, [`rm ${target}`, 'systemctl reload NetworkManager']);
  return file(target, `${head}\n${fill(templates, 'networkmanager-unmanaged.conf', { devices: links.map((l) => `interface-name:${l}`).join(';') })}`);
}

// systemd re-applies net.ipv6.conf.<link>.* keys when the link appears (udev 99-systemd.rules), so these hold
// for links created after boot too.
const noIpv6 = (link: string) => `net.ipv6.conf.${link}.disable_ipv6 = 1`;

function sysctl(templates: HostTemplates, plan: DeploymentPlan, lines: string[], what: string): RenderedFile {
  const target = '/etc/sysctl.d/60-ciab.conf';
  const head = header(plan, what, [`rm ${target}`, 'reboot, or set the values back with sysctl -w']);
  return file(target, `${head}\n${fill(templates, 'sysctl.conf', { lines: lines.join('\n') })}`);
}

function natFiles(templates: HostTemplates, plan: DeploymentPlan, b: LocalBridge): RenderedFile[] {
  const cidr = plan.network.floating.cidr;
  const what = `NAT (masquerade) of the floating network ${cidr} out of any link but ${b.bridge} (${b.natOut} today)`;
  const undo = [`systemctl disable --now ${NAT_UNIT}  # runs "${NAT_SCRIPT} stop"`, `rm /etc/systemd/system/${NAT_UNIT} ${NAT_SCRIPT}`];
  const unitPath = `/etc/systemd/system/${NAT_UNIT}`;
  return [
    script(NAT_SCRIPT, header(plan, what, undo), fill(templates, 'ciab-nat.sh', { cidr, bridge: b.bridge, out: b.natOut, table: NAT_TABLE, tag: NAT_TAG })),
    file(unitPath, `${header(plan, what, undo)}\n${fill(templates, 'ciab-nat.service', { cidr, out: b.natOut, script: NAT_SCRIPT })}`),
  ];
}

function loopFileFiles(templates: HostTemplates, plan: DeploymentPlan, loop: { path: string; sizeGiB: number }, volumeGroup: string | null): RenderedFile[] {
  if (!volumeGroup) throw new Error('bug: lvm-file storage without a volume group');
  const what = `attach ${loop.path} (${loop.sizeGiB} GiB) at boot and activate volume group ${volumeGroup} for cinder`;
  const undo = [
    `systemctl disable --now ${LOOP_UNIT}`,
    `rm /etc/systemd/system/${LOOP_UNIT} ${LOOP_SCRIPT}`,
    `(destroys the volumes) vgremove ${volumeGroup}; losetup -d $(losetup -j ${loop.path} | cut -d: -f1); rm ${loop.path}`,
  ];
  return [
    script(LOOP_SCRIPT, header(plan, what, undo), fill(templates, 'ciab-cinder-loop.sh', { file: loop.path, vg: volumeGroup })),
    file(`/etc/systemd/system/${LOOP_UNIT}`, `${header(plan, what, undo)}\n${fill(templates, 'ciab-cinder-loop.service', { file: loop.path, vg: volumeGroup, script: LOOP_SCRIPT })}`),
  ];
}
