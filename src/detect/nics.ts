// NICs and network: every interface (down and unaddressed ones too: they are the candidates for kolla's
// neutron_external_interface), the default route, DNS, what the hostname resolves to, and the uplink.
// Reads: /sys/class/net (kind, carrier, speed, driver, master), ONE `ip -j -d addr` (addresses, link kind),
// `ip -j route show default` (+ -6), resolv.conf, `getent ahostsv4`, a TCP probe. All in parallel.
import type { HostReader } from '../env/types.js';
import type { Address, Network, Nic, NicKind, Note } from '../model/facts.js';
import type { DetectOptions } from './options.js';

const SYS_NET = '/sys/class/net';

/** Where the uplink probe connects: the registry kolla pulls its images from. */
export const UPLINK_TARGET = { host: 'quay.io', port: 443, timeoutMs: 1500 } as const;

/** kolla's RabbitMQ precheck resolves the hostname this way; one second is plenty for /etc/hosts or a sane DNS. */
const GETENT_TIMEOUT_MS = 1000;

/** systemd-resolved's local stub listeners: they say nothing about the real upstream servers. */
const RESOLVED_STUBS = new Set(['127.0.0.53', '127.0.0.54']);

// ---------------------------------------------------------------------------------------------------------
// Pure parsers

/** One interface as `ip -j -d addr` reports it, reduced to what we use. */
export interface IpLink {
  ifindex: number | null;
  name: string;
  operstate: string | null;
  mtu: number | null;
  mac: string | null;
  master: string | null;
  /** linkinfo.info_kind: veth, bridge, bond, vlan, tun, ifb, vxlan … (absent for plain hardware) */
  infoKind: string | null;
  addresses: Address[];
}

export type Parsed<T> = { ok: true; value: T; skipped: number } | { ok: false; error: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const int = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) ? value : null);

function parseJsonArray(stdout: string): Parsed<unknown[]> {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch (error) {
    return { ok: false, error: `not JSON (${(error as Error).message})` };
  }
  if (!Array.isArray(data)) return { ok: false, error: 'not a JSON array' };
  return { ok: true, value: data, skipped: 0 };
}

/** `ip -j -d addr` → links. Entries without a name are skipped (counted), never fatal. */
export function parseIpAddr(stdout: string): Parsed<IpLink[]> {
  const array = parseJsonArray(stdout);
  if (!array.ok) return array;
  const links: IpLink[] = [];
  let skipped = 0;
  for (const entry of array.value) {
    const name = isObject(entry) ? str(entry.ifname) : null;
    if (!isObject(entry) || name === null) {
      skipped++;
      continue;
    }
    const addresses: Address[] = [];
    for (const info of Array.isArray(entry.addr_info) ? entry.addr_info : []) {
      if (!isObject(info)) continue;
      const family = info.family;
      const address = str(info.local);
      const prefixlen = int(info.prefixlen);
      if ((family !== 'inet' && family !== 'inet6') || address === null || prefixlen === null) continue;
      addresses.push({ family, address, prefixlen, scope: str(info.scope) ?? 'global', ...(info.dynamic === true ? { dynamic: true as const } : {}) });
    }
    const linkinfo = isObject(entry.linkinfo) ? entry.linkinfo : null;
    const operstate = str(entry.operstate);
    links.push({
      ifindex: int(entry.ifindex),
      name,
      operstate: operstate ? operstate.toLowerCase() : null,
      mtu: int(entry.mtu),
      mac: str(entry.address),
      master: str(entry.master),
      infoKind: linkinfo ? str(linkinfo.info_kind) : null,
      addresses,
    });
  }
  return { ok: true, value: links, skipped };
}

export interface DefaultRoute {
  interface: string;
  gateway: string | null;
  metric: number;
}

/** `ip -j route show default` → routes with a device, best (lowest metric) first. Multipath: the first hop. */
export function parseDefaultRoutes(stdout: string): Parsed<DefaultRoute[]> {
  // An empty answer is a valid "no default route" (ip prints nothing or `[]`).
  if (stdout.trim() === '') return { ok: true, value: [], skipped: 0 };
  const array = parseJsonArray(stdout);
  if (!array.ok) return array;
  const routes: DefaultRoute[] = [];
  let skipped = 0;
  for (const entry of array.value) {
    if (!isObject(entry)) {
      skipped++;
      continue;
    }
    // unreachable/blackhole/prohibit defaults carry no device and lead nowhere.
    const type = str(entry.type);
    if (type !== null && type !== 'unicast') continue;
    const hop = Array.isArray(entry.nexthops) && isObject(entry.nexthops[0]) ? entry.nexthops[0] : entry;
    const dev = str(hop.dev);
    if (dev === null) {
      skipped++;
      continue;
    }
    routes.push({ interface: dev, gateway: str(hop.gateway), metric: int(entry.metric) ?? 0 });
  }
  routes.sort((a, b) => a.metric - b.metric);
  return { ok: true, value: routes, skipped };
}

/** `nameserver` lines of a resolv.conf, in order, without duplicates. */
export function parseResolvConf(text: string): string[] {
  const servers: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const match = /^nameserver\s+(\S+)/.exec(line);
    if (match && !servers.includes(match[1]!)) servers.push(match[1]!);
  }
  return servers;
}

/** `getent ahostsv4 NAME` → the addresses, in order, once each (it prints STREAM/DGRAM/RAW lines per address). */
export function parseGetentAhosts(stdout: string): string[] {
  const addresses: string[] = [];
  for (const line of stdout.split('\n')) {
    const address = line.trim().split(/\s+/)[0];
    if (address && /^\d{1,3}(\.\d{1,3}){3}$/.test(address) && !addresses.includes(address)) addresses.push(address);
  }
  return addresses;
}

/** The IPv4 address of the first /etc/hosts line naming `hostname`: glibc's files backend stops at the first hit. */
export function lookupEtcHosts(text: string, hostname: string): string[] {
  const wanted = hostname.toLowerCase();
  for (const raw of text.split('\n')) {
    const [address, ...names] = raw.replace(/#.*$/, '').trim().split(/\s+/);
    if (!address || !/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) continue;
    if (names.some((name) => name.toLowerCase() === wanted)) return [address];
  }
  return [];
}

/** sysfs `carrier`: "1"/"0"; unreadable (EINVAL while the link is down) → null. */
export function parseCarrier(text: string | null): boolean | null {
  const value = text?.trim();
  return value === '1' ? true : value === '0' ? false : null;
}

/** sysfs `speed` in Mb/s: -1 (unknown, e.g. virtio, Wi-Fi), missing or unreadable → null, never -1. */
export function parseSpeed(text: string | null): number | null {
  const value = Number.parseInt(text?.trim() ?? '', 10);
  // Some drivers print SPEED_UNKNOWN as an unsigned 32-bit value.
  return Number.isFinite(value) && value > 0 && value !== 0xffffffff ? value : null;
}

const parseIntOrNull = (text: string | null): number | null => {
  const value = Number.parseInt(text?.trim() ?? '', 10);
  return Number.isFinite(value) ? value : null;
};

const basename = (target: string | null): string | null => (target ? (target.split('/').filter(Boolean).pop() ?? null) : null);

/** `KEY=value` lines of a sysfs uevent file. */
export function parseUevent(text: string | null): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of (text ?? '').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) result[line.slice(0, eq)] = line.slice(eq + 1).trim();
  }
  return result;
}

/** What sysfs says about one interface. */
export interface SysfsNic {
  name: string;
  /** Entry names of /sys/class/net/NAME (null when unreadable). */
  entries: string[] | null;
  uevent: Record<string, string>;
  /** ARPHRD type: 1 ether, 772 loopback, 65534 none (tun) … */
  type: number | null;
  operstate: string | null;
  carrier: boolean | null;
  speedMbps: number | null;
  mtu: number | null;
  mac: string | null;
  /** /sys/class/net/NAME/device exists: backed by a bus device (PCI, USB, virtio …). */
  hasDevice: boolean;
  driver: string | null;
  master: string | null;
  /** Target of /sys/class/net/NAME: …/devices/virtual/net/NAME for software interfaces. */
  sysPath: string | null;
}

/** ip's info_kind values that have a kind of their own; anything else software-made is "virtual". */
const INFO_KINDS: Record<string, NicKind> = {
  veth: 'veth',
  tun: 'tun',
  tap: 'tun',
  bridge: 'bridge',
  bond: 'bond',
  team: 'bond',
  vlan: 'vlan',
};

/**
 * The kind, from sysfs first (DEVTYPE, bridge/, bonding/, wireless/, device link) and ip's info_kind for
 * what sysfs does not name (veth, tun). Never from the MAC address: locally administered MACs are common on
 * real hardware (and VMs), and virtual interfaces can carry any MAC.
 */
export function classifyNic(sys: SysfsNic, infoKind: string | null): NicKind {
  const has = (entry: string) => sys.entries?.includes(entry) ?? false;
  const devtype = sys.uevent.DEVTYPE ?? null;
  if (sys.name === 'lo' || sys.type === 772) return 'loopback';
  // Checked before the device link: a Wi-Fi card is a bus device too.
  if (devtype === 'wlan' || has('wireless') || has('phy80211')) return 'wireless';
  if (devtype === 'bridge' || has('bridge') || infoKind === 'bridge') return 'bridge';
  if (devtype === 'bond' || has('bonding') || infoKind === 'bond' || infoKind === 'team') return 'bond';
  if (devtype === 'vlan' || infoKind === 'vlan') return 'vlan';
  const named = infoKind ? INFO_KINDS[infoKind] : undefined;
  if (named) return named;
  if (has('tun_flags')) return 'tun';
  if (sys.hasDevice || sys.driver !== null) return 'physical';
  if (infoKind !== null || sys.sysPath?.includes('/devices/virtual/')) return 'virtual';
  return 'unknown';
}

/** Kinds that can never be neutron's external interface. */
const NOT_EXTERNAL: ReadonlySet<NicKind> = new Set<NicKind>([
  'loopback',
  'bridge',
  'tun',
  // A Wi-Fi client cannot be put in a bridge (the AP drops frames from foreign MACs without 4addr mode).
  'wireless',
]);

/**
 * management: carries the default route. external: up, carrier, no IPv4 and no global IPv6, not enslaved.
 * Without ip's answer the addresses are unknown, not absent: then nothing is called external.
 */
export function nicRole(nic: Omit<Nic, 'role'>, addressesKnown = true): Nic['role'] {
  if (nic.defaultRoute) return 'management';
  if (!addressesKnown) return null;
  const addressed = nic.addresses.some((a) => a.family === 'inet' || (a.family === 'inet6' && a.scope === 'global'));
  if (nic.operstate === 'up' && nic.carrier === true && !addressed && nic.master === null && !NOT_EXTERNAL.has(nic.kind)) {
    return 'external';
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Thin readers

async function readSysfsNic(reader: HostReader, name: string): Promise<SysfsNic> {
  const dir = `${SYS_NET}/${name}`;
  const [entries, uevent, type, operstate, carrier, speed, mtu, address, device, driver, master, sysPath] =
    await Promise.all([
      reader.listDir(dir),
      reader.readText(`${dir}/uevent`),
      reader.readText(`${dir}/type`),
      reader.readText(`${dir}/operstate`),
      reader.readText(`${dir}/carrier`),
      reader.readText(`${dir}/speed`),
      reader.readText(`${dir}/mtu`),
      reader.readText(`${dir}/address`),
      reader.readLink(`${dir}/device`),
      reader.readLink(`${dir}/device/driver`),
      reader.readLink(`${dir}/master`),
      reader.readLink(dir),
    ]);
  return {
    name,
    entries,
    uevent: parseUevent(uevent),
    type: parseIntOrNull(type),
    operstate: operstate?.trim() || null,
    carrier: parseCarrier(carrier),
    speedMbps: parseSpeed(speed),
    mtu: parseIntOrNull(mtu),
    mac: address?.trim() || null,
    hasDevice: device !== null || (entries?.includes('device') ?? false),
    driver: basename(driver),
    master: basename(master),
    sysPath,
  };
}

/** Interfaces as sysfs lists them. `bonding_masters` is a control file that lives beside the interfaces. */
async function readSysfsNics(reader: HostReader): Promise<SysfsNic[] | null> {
  const names = await reader.listDir(SYS_NET);
  if (names === null) return null;
  return Promise.all(names.filter((n) => n !== 'bonding_masters').map((n) => readSysfsNic(reader, n)));
}

function describeFailure(command: string, result: Awaited<ReturnType<HostReader['run']>>): string | null {
  if (result.notFound) return `\`${command}\` could not run: ip (iproute2) is not installed`;
  if (result.timedOut) return `\`${command}\` timed out`;
  if (result.exitCode !== 0) {
    const why = result.stderr.trim().split('\n')[0];
    return `\`${command}\` failed with exit code ${result.exitCode}${why ? `: ${why}` : ''}`;
  }
  return null;
}

async function readIpLinks(reader: HostReader, notes: Note[]): Promise<IpLink[] | null> {
  const command = 'ip -j -d addr';
  const result = await reader.run('ip', ['-j', '-d', 'addr']);
  const failure = describeFailure(command, result);
  if (failure) {
    notes.push({ fact: 'nics', message: `${failure}; addresses and link kinds unknown, so no interface is offered as external` });
    return null;
  }
  const parsed = parseIpAddr(result.stdout);
  if (!parsed.ok) {
    notes.push({ fact: 'nics', message: `\`${command}\` output unusable (${parsed.error}); addresses and link kinds unknown` });
    return null;
  }
  if (parsed.skipped > 0) notes.push({ fact: 'nics', message: `\`${command}\`: ignored ${parsed.skipped} malformed entries` });
  return parsed.value;
}

async function readDefaultRoutes(reader: HostReader, notes: Note[], family: 4 | 6): Promise<DefaultRoute[] | null> {
  const args = family === 4 ? ['-j', 'route', 'show', 'default'] : ['-j', '-6', 'route', 'show', 'default'];
  const command = `ip ${args.join(' ')}`;
  const result = await reader.run('ip', args);
  const failure = describeFailure(command, result);
  // IPv6 is a bonus: a host without IPv6 answers with an error we do not need to explain.
  if (failure) {
    if (family === 4) notes.push({ fact: 'network.defaultRoute', message: `${failure}; default route unknown` });
    return null;
  }
  const parsed = parseDefaultRoutes(result.stdout);
  if (!parsed.ok) {
    notes.push({ fact: 'network.defaultRoute', message: `\`${command}\` output unusable (${parsed.error})` });
    return null;
  }
  return parsed.value;
}

async function readDns(reader: HostReader, notes: Note[]): Promise<string[]> {
  const text = await reader.readText('/etc/resolv.conf');
  if (text === null) {
    notes.push({ fact: 'network.dns', message: '/etc/resolv.conf is missing or unreadable: DNS servers unknown' });
    return [];
  }
  const servers = parseResolvConf(text);
  if (servers.length === 0) {
    notes.push({ fact: 'network.dns', message: '/etc/resolv.conf lists no nameserver' });
    return [];
  }
  // The systemd-resolved stub is only a local forwarder; containers (and kolla) need the real upstreams.
  if (servers.every((s) => RESOLVED_STUBS.has(s))) {
    const upstream = await reader.readText('/run/systemd/resolve/resolv.conf');
    const real = upstream === null ? [] : parseResolvConf(upstream).filter((s) => !RESOLVED_STUBS.has(s));
    if (real.length > 0) return real;
    notes.push({
      fact: 'network.dns',
      message: 'only the systemd-resolved stub (127.0.0.53) is configured and its upstream servers are unknown',
    });
  }
  return servers;
}

async function readHostnameAddresses(reader: HostReader, notes: Note[], hostname: string): Promise<string[]> {
  const result = await reader.run('getent', ['ahostsv4', hostname], { timeoutMs: GETENT_TIMEOUT_MS });
  if (!result.notFound && !result.timedOut) {
    // getent exits 2 when the name does not resolve: a real answer, not a failure.
    if (result.exitCode === 0 || result.exitCode === 2) {
      const addresses = result.exitCode === 0 ? parseGetentAhosts(result.stdout) : [];
      if (addresses.length === 0) {
        notes.push({ fact: 'network.hostnameAddresses', message: `hostname ${hostname} does not resolve to an IPv4 address` });
      }
      return addresses;
    }
  }
  const why = result.notFound ? 'getent is not available' : result.timedOut ? 'getent timed out' : `getent failed (exit ${result.exitCode})`;
  const hosts = await reader.readText('/etc/hosts');
  const addresses = hosts === null ? [] : lookupEtcHosts(hosts, hostname);
  notes.push({
    fact: 'network.hostnameAddresses',
    message: `${why}; ${hosts === null ? '/etc/hosts is unreadable too' : 'used /etc/hosts only (DNS not consulted)'}`,
  });
  return addresses;
}

async function probeUplink(reader: HostReader, options: DetectOptions): Promise<Network['uplink']> {
  const target = `${UPLINK_TARGET.host}:${UPLINK_TARGET.port}`;
  if (!options.uplink) return { checked: false, reachable: null, target, ms: null, error: null };
  const probe = await reader.tcpConnect(UPLINK_TARGET.host, UPLINK_TARGET.port, UPLINK_TARGET.timeoutMs);
  return { checked: true, reachable: probe.ok, target, ms: probe.ms, error: probe.error };
}

// ---------------------------------------------------------------------------------------------------------

/** Order: ifindex (the kernel's creation order, as `ip` shows it), then name. */
function byIndex(index: Map<string, number | null>) {
  return (a: Nic, b: Nic) => (index.get(a.name) ?? Infinity) - (index.get(b.name) ?? Infinity) || a.name.localeCompare(b.name);
}

export async function detectNetwork(
  reader: HostReader,
  notes: Note[],
  options: DetectOptions,
): Promise<{ nics: Nic[]; network: Network }> {
  const hostname = reader.hostname();
  // Everything at once: the uplink probe (up to 1.5 s) and getent (up to 1 s) overlap the fast reads.
  const [sysfs, ipLinks, routes4, routes6, dns, hostnameAddresses, uplink] = await Promise.all([
    readSysfsNics(reader),
    readIpLinks(reader, notes),
    readDefaultRoutes(reader, notes, 4),
    readDefaultRoutes(reader, notes, 6),
    readDns(reader, notes),
    readHostnameAddresses(reader, notes, hostname),
    probeUplink(reader, options),
  ]);

  if (sysfs === null) notes.push({ fact: 'nics', message: `${SYS_NET} is unreadable: kinds, carrier and speed unknown` });
  // IPv4 decides; an IPv6 default only matters on an IPv6-only host.
  const best = routes4?.[0] ?? routes6?.[0] ?? null;
  const defaultRoute = best ? { interface: best.interface, gateway: best.gateway } : null;

  const ipByName = new Map((ipLinks ?? []).map((link) => [link.name, link]));
  const sysByName = new Map((sysfs ?? []).map((sys) => [sys.name, sys]));
  // sysfs is the list; ip fills in when sysfs is unreadable (or the two race with a link being added).
  const names = [...new Set([...sysByName.keys(), ...ipByName.keys()])];
  const index = new Map<string, number | null>();

  const nics = names.map((name): Nic => {
    const ip = ipByName.get(name) ?? null;
    const sys: SysfsNic = sysByName.get(name) ?? {
      name,
      entries: null,
      uevent: {},
      type: null,
      operstate: null,
      carrier: null,
      speedMbps: null,
      mtu: null,
      mac: null,
      hasDevice: false,
      driver: null,
      master: null,
      sysPath: null,
    };
    const ueventIndex = parseIntOrNull(sys.uevent.IFINDEX ?? null);
    index.set(name, ip?.ifindex ?? ueventIndex);
    const base: Omit<Nic, 'role'> = {
      name,
      kind: classifyNic(sys, ip?.infoKind ?? null),
      operstate: sys.operstate ?? ip?.operstate ?? 'unknown',
      carrier: sys.carrier,
      speedMbps: sys.speedMbps,
      mtu: sys.mtu ?? ip?.mtu ?? null,
      mac: sys.mac ?? ip?.mac ?? null,
      driver: sys.driver,
      master: sys.master ?? ip?.master ?? null,
      addresses: ip?.addresses ?? [],
      defaultRoute: defaultRoute?.interface === name,
    };
    return { ...base, role: nicRole(base, ip !== null) };
  });
  nics.sort(byIndex(index));

  // Down links answer EINVAL for carrier (expected); an up link without one is worth saying.
  for (const nic of nics) {
    if (sysByName.has(nic.name) && nic.operstate === 'up' && nic.carrier === null) {
      notes.push({ fact: 'nics', message: `${nic.name} is up but its carrier is unreadable` });
    }
  }
  if (defaultRoute && !nics.some((n) => n.name === defaultRoute.interface) && nics.length > 0) {
    notes.push({ fact: 'network.defaultRoute', message: `the default route uses ${defaultRoute.interface}, which is not listed` });
  }
  if (routes4 !== null && routes4.length === 0 && (routes6 ?? []).length === 0) {
    notes.push({ fact: 'network.defaultRoute', message: 'no default route: this machine has no way out' });
  }

  return {
    nics,
    network: {
      defaultRoute,
      dns,
      hostname,
      hostnameAddresses,
      hostnameLoopbackTrap: hostnameAddresses.some((a) => a.startsWith('127.')),
      uplink,
    },
  };
}
