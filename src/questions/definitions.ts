// The questions, as data. The same definitions drive unattended resolution, the answers-file template and
// the wizard. Each has one answer order: answers file → saved answers → computed default → static default.
import type { HostFacts, Nic } from '../model/facts.js';
import type { Profile } from '../model/profile.js';
import { redactUrlPassword } from '../model/answers.js';
import type { FlatAnswers, Question, QuestionContext } from '../model/questions.js';
import { cidrOf, hostBounds, overlaps, parseCidr, toNumber } from '../plan/addressing.js';
import { hostAddressing, networkProblems, type NetworkKey } from '../plan/network-check.js';
import { isCandidate, spareDisks } from '../plan/disks.js';
import { backendFits, defaultBackend } from '../plan/build.js';

export type { AnswerKey, Choice, FlatAnswers, Question, QuestionContext } from '../model/questions.js';

const v4Addresses = (nic: Nic) => nic.addresses.filter((a) => a.family === 'inet');
const profileOf = (ctx: QuestionContext) => ctx.profiles.find((p) => p.id === ctx.answers.profile);

/** The management subnet: the chosen interface's first IPv4 network. */
export function managementCidr(ctx: QuestionContext) {
  const nic = ctx.facts.nics.find((n) => n.name === ctx.answers['network.management_interface']);
  const address = nic ? v4Addresses(nic)[0] : undefined;
  return address ? { address: address.address, cidr: cidrOf(address.address, address.prefixlen) } : null;
}

/** Private /24s tried in order for a local-only floating network; the first that touches nothing on the host wins. */
export const LOCAL_FLOATING_CANDIDATES = ['10.20.20.0/24', '192.168.112.0/24', '172.30.250.0/24', '10.99.250.0/24'];

/** The one network check (plan/network-check) for the question `key`, with the answers resolved before it. */
function networkProblem(key: NetworkKey, value: string, ctx: QuestionContext): string | null {
  const a = ctx.answers;
  const order: NetworkKey[] = ['floating_cidr', 'floating_gateway', 'floating_range', 'vip'];
  const before = Object.fromEntries(order.slice(0, order.indexOf(key)).map((k) => [k, a[`network.${k}`] ?? null]));
  const values = { access: a['network.access'] ?? null, ...before, [key]: value };
  return networkProblems(values, hostAddressing(ctx.facts, a['network.management_interface']))[key] ?? null;
}

/** A registry mirror is host[:port][/path]; anything else (a URL with a scheme, spaces) is refused before it is probed. */
export function registryProblem(value: string): string | null {
  return /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._/-]+)?$/i.test(value) ? null : `"${value}" is not a registry like registry.lan:5000`;
}

export const QUESTIONS: readonly Question[] = [
  {
    key: 'profile',
    title: 'Deployment profile',
    help: 'What kind of cloud to build: workshop (smallest, runs without KVM), edge (appliance with volumes, TLS and monitoring) or sandbox (the full SCS demo). `ciab plan` ranks them for this machine.',
    kind: 'choice',
    choices: (ctx) => ctx.profiles.map((p) => ({ value: p.id, label: `${p.title} — ${p.for}` })),
    computed: (ctx) => ctx.recommended ?? undefined,
    validate: (value, ctx) =>
      ctx.profiles.some((p) => p.id === value) ? null : `unknown profile "${value}"; profiles: ${ctx.profiles.map((p) => p.id).join(', ')}`,
  } satisfies Question<'profile'>,
  {
    key: 'network.management_interface',
    title: 'Management interface',
    help: 'The interface whose IPv4 address the OpenStack APIs and the dashboard listen on (kolla network_interface). Usually the one with the default route.',
    kind: 'choice',
    choices: (ctx) =>
      ctx.facts.nics
        .filter((n) => n.kind !== 'loopback')
        .map((n) => ({
          value: n.name,
          label: `${n.name} (${n.kind}${v4Addresses(n).length ? `, ${v4Addresses(n).map((a) => `${a.address}/${a.prefixlen}`).join(' ')}` : ''}${n.defaultRoute ? ', default route' : ''})`,
          disabled: v4Addresses(n).length === 0 ? 'has no IPv4 address' : undefined,
        })),
    computed: (ctx) => ctx.facts.network.defaultRoute?.interface ?? ctx.facts.nics.find((n) => n.kind !== 'loopback' && v4Addresses(n).length > 0)?.name,
    validate: (value, ctx) => {
      const nic = ctx.facts.nics.find((n) => n.name === value);
      if (!nic) return `no interface "${value}" on this machine (${ctx.facts.nics.filter((n) => n.kind !== 'loopback').map((n) => n.name).join(', ')})`;
      if (nic.kind === 'loopback') return `${value} is the loopback interface`;
      if (v4Addresses(nic).length === 0) return `${value} has no IPv4 address; the APIs need one`;
      return null;
    },
  } satisfies Question<'network.management_interface'>,
  {
    key: 'network.access',
    title: 'How instances are reached',
    help: 'local: floating IPs live on a private network behind this machine (a veth pair and a bridge, NAT to the uplink) — works with one NIC, reachable from this host. lan: a second NIC without an address carries floating IPs on your LAN, reachable from other machines.',
    kind: 'choice',
    choices: (ctx) => [
      { value: 'local', label: 'local — floating IPs reachable from this machine (one NIC is enough)' },
      {
        value: 'lan',
        label: 'lan — floating IPs on the LAN through a second NIC',
        disabled: ctx.facts.nics.some((n) => n.role === 'external') ? undefined : 'no spare NIC that is up, cabled and without an address',
      },
    ],
    fallback: 'local',
  } satisfies Question<'network.access'>,
  {
    key: 'network.external_interface',
    title: 'External interface (LAN access)',
    help: 'A NIC that is up, cabled and has no IP address: neutron takes it over for floating IPs (kolla neutron_external_interface). Never the management interface — that would cut this machine off.',
    kind: 'choice',
    when: (ctx) => ctx.answers['network.access'] === 'lan',
    skipValue: null,
    choices: (ctx) =>
      ctx.facts.nics
        .filter((n) => n.kind !== 'loopback' && n.name !== ctx.answers['network.management_interface'])
        .map((n) => ({ value: n.name, label: `${n.name} (${n.kind}, ${n.operstate})`, disabled: n.role === 'external' ? undefined : 'not up with carrier and without address' })),
    computed: (ctx) => ctx.facts.nics.find((n) => n.role === 'external' && n.name !== ctx.answers['network.management_interface'])?.name,
    validate: (value, ctx) => {
      const nic = ctx.facts.nics.find((n) => n.name === value);
      if (!nic) return `no interface "${value}" on this machine`;
      if (value === ctx.answers['network.management_interface']) return `${value} is the management interface; giving it to neutron would cut this machine off the network`;
      if (nic.addresses.some((a) => a.family === 'inet' || a.scope === 'global')) return `${value} has an IP address; neutron's external interface must have none`;
      if (nic.master) return `${value} is part of ${nic.master}`;
      if (nic.kind === 'wireless') return `${value} is wireless; Wi-Fi cannot carry neutron's bridge`;
      return null;
    },
  } satisfies Question<'network.external_interface'>,
  {
    key: 'network.floating_cidr',
    title: 'Floating network',
    help: 'The IPv4 network floating IPs come from. local: a private network that must not clash with anything this machine already reaches. lan: the part of your LAN that the external NIC is on.',
    kind: 'cidr',
    computed: (ctx) => {
      if (ctx.answers['network.access'] === 'lan') return undefined;
      const taken = hostAddressing(ctx.facts, null).networks;
      return LOCAL_FLOATING_CANDIDATES.find((c) => taken.every((t) => !overlaps(parseCidr(c)!, t)));
    },
    example: '192.168.1.0/24',
    validate: (value, ctx) => networkProblem('floating_cidr', value, ctx),
  } satisfies Question<'network.floating_cidr'>,
  {
    key: 'network.floating_gateway',
    title: 'Floating network gateway',
    help: 'local: the address of the host-side bridge (the NAT gateway), the first host address by default. lan: your LAN router.',
    kind: 'ip',
    computed: (ctx) => {
      if (ctx.answers['network.access'] === 'lan') return undefined;
      const cidr = parseCidr(ctx.answers['network.floating_cidr'] ?? '');
      return cidr ? hostBounds(cidr).first : undefined;
    },
    example: '192.168.1.1',
    validate: (value, ctx) => networkProblem('floating_gateway', value, ctx),
  } satisfies Question<'network.floating_gateway'>,
  {
    key: 'network.floating_range',
    title: 'Floating IP pool',
    help: 'The addresses neutron hands out as floating IPs (start-end), inside the floating network, without the gateway. On a LAN, keep it out of your DHCP server\'s range.',
    kind: 'range',
    computed: (ctx) => {
      if (ctx.answers['network.access'] === 'lan') return undefined;
      const cidr = parseCidr(ctx.answers['network.floating_cidr'] ?? '');
      if (!cidr) return undefined;
      const { first, last } = hostBounds(cidr);
      const gateway = ctx.answers['network.floating_gateway'];
      const start = gateway === first ? toNumber(first) + 1 : toNumber(first);
      return `${[24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join('.')}-${last}`;
    },
    example: '192.168.1.200-192.168.1.249',
    validate: (value, ctx) => networkProblem('floating_range', value, ctx),
  } satisfies Question<'network.floating_range'>,
  {
    key: 'network.vip',
    title: 'API virtual IP',
    help: 'With HAProxy (edge, sandbox) the APIs answer on a second, unused address in the management network, held by keepalived. Pick one no other machine and no DHCP server will use.',
    kind: 'ip',
    when: (ctx) => Boolean(profileOf(ctx)?.network.haproxy),
    skipValue: null,
    example: '192.168.1.250',
    validate: (value, ctx) => (value === null ? null : networkProblem('vip', value, ctx)),
  } satisfies Question<'network.vip'>,
  {
    key: 'storage.backend',
    title: 'Volume storage',
    help: 'Where cinder volumes live: lvm (a volume group on a spare disk), lvm-file (a volume group in a loop file on the root filesystem, re-attached at boot) or none. Ceph is not offered: ciab cannot yet prepare a single-host Ceph cluster for kolla.',
    kind: 'choice',
    choices: (ctx) => {
      const profile = profileOf(ctx);
      return (profile?.storage.backends ?? []).map((b) => ({
        value: b,
        label: b,
        disabled: profile && !backendFits(b, ctx.facts, profile) ? 'this machine cannot carry it (see `ciab detect`)' : undefined,
      }));
    },
    computed: (ctx) => {
      const profile = profileOf(ctx);
      return profile ? defaultBackend(ctx.facts, profile) : undefined;
    },
    validate: (value, ctx) => {
      const profile = profileOf(ctx);
      if (profile && !profile.storage.backends.includes(value)) return `${profile.id} supports ${profile.storage.backends.join(', ')}`;
      return null;
    },
  } satisfies Question<'storage.backend'>,
  {
    key: 'storage.disks',
    title: 'Disks for volumes',
    help: 'Spare disks for the volume group (lvm), by path (/dev/nvme1n1, /dev/disk/by-id/…) or by filter ({filter: {type: ssd, min_size: 100GiB, transport: nvme, model: "Samsung*", count: 1}}). Filters only match blank disks — one answers file fits many machines.',
    kind: 'disks',
    when: (ctx) => ctx.answers['storage.backend'] === 'lvm',
    skipValue: [],
    computed: (ctx) => {
      const blank = spareDisks(ctx.facts.disks);
      if (blank.length === 0) return undefined;
      return [blank[0]!.byId ?? blank[0]!.path];
    },
    example: '[{filter: {type: ssd, min_size: 100GiB}}]',
  } satisfies Question<'storage.disks'>,
  {
    key: 'storage.wipe',
    title: 'Disks whose data may be destroyed',
    help: 'A disk with partitions, a filesystem or an old LVM/RAID signature is used only when it is named here. Everything on it is destroyed. Filters never wipe.',
    kind: 'list',
    when: (ctx) => ctx.answers['storage.backend'] === 'lvm',
    skipValue: [],
    fallback: [],
    validate: (value, ctx) => {
      for (const path of value) {
        const disk = ctx.facts.disks.find((d) => d.path === path || d.byId === path);
        if (!disk) return `${path}: no such disk on this machine`;
        if (!isCandidate(disk)) return `${path} can never be wiped: ${disk.reasons[0]?.message ?? 'in use'}`;
      }
      return null;
    },
  } satisfies Question<'storage.wipe'>,
  {
    key: 'admin_password',
    nullable: true,
    title: 'Admin password',
    help: 'The password of the OpenStack admin user (dashboard and CLI). Leave it out (null) to have a strong one generated; it is kept in a 0600 file, never printed in logs.',
    kind: 'password',
    secret: true,
    fallback: null,
    validate: (value) => {
      if (value === null) return null;
      if (value.length < 8) return 'must be at least 8 characters (or null to generate one)';
      if (/\s/.test(value)) return 'must not contain spaces';
      return null;
    },
  } satisfies Question<'admin_password'>,
  {
    key: 'domain',
    title: 'DNS domain',
    help: 'The domain of this cloud: the host\'s full name in /etc/hosts (HOST.DOMAIN) and, with designate (sandbox), the DNS zone of instances (neutron_dns_domain) and the name of designate\'s name server (ns1.DOMAIN). The TLS certificate names the API address (kolla issues it for the IP).',
    kind: 'text',
    fallback: 'cloud.internal',
    validate: (value) =>
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i.test(value)
        ? null
        : `"${value}" is not a DNS domain like cloud.example.org`,
  } satisfies Question<'domain'>,
  {
    key: 'proxy.http',
    nullable: true,
    title: 'HTTP proxy',
    help: 'Proxy for package and image downloads (http://host:port), or null for none. Taken from http_proxy when set.',
    kind: 'text',
    computed: (ctx) => ctx.env.http_proxy,
    fallback: null,
    validate: (value) => (value === null || /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(value) ? null : `"${redactUrlPassword(value)}" is not a proxy URL like http://proxy.example:3128`),
  } satisfies Question<'proxy.http'>,
  {
    key: 'proxy.https',
    nullable: true,
    title: 'HTTPS proxy',
    help: 'Proxy for HTTPS downloads, usually the same as the HTTP proxy. Taken from https_proxy when set.',
    kind: 'text',
    computed: (ctx) => ctx.env.https_proxy ?? ctx.answers['proxy.http'] ?? undefined,
    fallback: null,
    validate: (value) => (value === null || /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(value) ? null : `"${redactUrlPassword(value)}" is not a proxy URL like http://proxy.example:3128`),
  } satisfies Question<'proxy.https'>,
  {
    key: 'proxy.no_proxy',
    nullable: true,
    title: 'No-proxy list',
    help: 'Hosts and networks reached directly (comma separated); the management network and the VIP are added automatically.',
    kind: 'text',
    computed: (ctx) => ctx.env.no_proxy,
    fallback: null,
  } satisfies Question<'proxy.no_proxy'>,
  {
    key: 'timezone',
    title: 'Time zone',
    help: 'The time zone of the host and the services (IANA name like Europe/Berlin).',
    kind: 'text',
    computed: (ctx) => ctx.env.timezone,
    fallback: 'UTC',
    validate: (value) => (isTimeZone(value) ? null : `"${value}" is not an IANA time zone like Europe/Berlin or UTC`),
  } satisfies Question<'timezone'>,
  {
    key: 'images.registry',
    nullable: true,
    title: 'Image registry mirror',
    help: 'A registry that serves kolla\'s images (host:port), e.g. a workshop\'s local mirror on a slow shared uplink; null pulls from quay.io.',
    kind: 'text',
    fallback: null,
    validate: (value) => (value === null ? null : registryProblem(value)),
  } satisfies Question<'images.registry'>,
  {
    key: 'images.registry_scheme',
    nullable: true,
    title: 'Registry mirror protocol',
    help: 'How the mirror answers: https, or http for a plain registry (docker_registry_insecure; Docker then pulls from it without TLS). Worked out by asking the mirror when it is reachable from here.',
    kind: 'choice',
    when: (ctx) => Boolean(ctx.answers['images.registry']),
    skipValue: null,
    choices: () => [
      { value: 'https', label: 'https — the mirror has a certificate this machine trusts' },
      { value: 'http', label: 'http — a plain registry without TLS (insecure registry)' },
    ],
    computed: (ctx) => ctx.probes?.registryScheme ?? undefined,
    fallback: 'https',
  } satisfies Question<'images.registry_scheme'>,
  {
    key: 'images.offline_bundle',
    nullable: true,
    title: 'Offline bundle',
    help: 'A file with every image and package the install needs, for machines without an uplink; null when online.',
    kind: 'text',
    fallback: null,
  } satisfies Question<'images.offline_bundle'>,
] as unknown as readonly Question[];

function isTimeZone(value: string): boolean {
  if (value === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
