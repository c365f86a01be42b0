// The one check of the network answers, used at the wizard's question, for the answers file (both through the
// question definitions) and by the plan: syntax (model/network-values) and how the values fit together and
// with this machine.
import type { HostFacts } from '../model/facts.js';
import { ipv4NetworkProblem, ipv4Problem, ipv4RangeProblem } from '../model/network-values.js';
import { cidrBounds, cidrOf, contains, fromNumber, overlaps, parseCidr, parseRange, rangeContains, type Cidr } from './addressing.js';

export type NetworkKey = 'floating_cidr' | 'floating_gateway' | 'floating_range' | 'vip';

export interface NetworkValues {
  access?: 'local' | 'lan' | null;
  management_interface?: string | null;
  floating_cidr?: string | null;
  floating_gateway?: string | null;
  floating_range?: string | null;
  vip?: string | null;
}

/** The links prepare-host makes for a local floating network (bridge with its gateway address, veth pair). */
export const LOCAL_NET = { bridge: 'ciab-br0', vethHost: 'ciab-veth-br', vethKolla: 'ciab-veth-ext' } as const;

/**
 * ciab's own links are not "this machine's networks": after prepare-host the bridge holds the floating network's
 * gateway, and a re-run that counted it would move the floating network elsewhere (seen in the VM: every run after
 * the first re-applied the host network on a new /24) or refuse the network it built.
 */
export function isCiabLink(name: string): boolean {
  return (Object.values(LOCAL_NET) as string[]).includes(name);
}

/** What the network values are checked against: this machine's addresses, networks and default gateway. */
export interface HostAddressing {
  addresses: string[];
  networks: Cidr[];
  managementCidr: Cidr | null;
  defaultGateway: string | null;
}

export function hostAddressing(facts: HostFacts, managementInterface: string | null | undefined): HostAddressing {
  const v4 = facts.nics.filter((nic) => !isCiabLink(nic.name)).flatMap((nic) => nic.addresses.filter((a) => a.family === 'inet').map((a) => ({ nic: nic.name, ...a })));
  const mgmt = v4.find((a) => a.nic === managementInterface);
  return {
    addresses: v4.map((a) => a.address),
    networks: v4.map((a) => cidrOf(a.address, a.prefixlen)).filter((c): c is Cidr => c !== null),
    managementCidr: mgmt ? cidrOf(mgmt.address, mgmt.prefixlen) : null,
    defaultGateway: facts.network.defaultRoute?.gateway ?? null,
  };
}

/** Network and broadcast address of a network (for /31 and /32 there are none). */
function edges(cidr: Cidr): string[] {
  if (cidr.prefix >= 31) return [];
  const { first, last } = cidrBounds(cidr);
  return [fromNumber(first), fromNumber(last)];
}

/**
 * Every problem of the given network values, by key (a value that is absent is not checked; a value that
 * depends on a broken one is checked only for its own syntax). One line each, without the key.
 */
export function networkProblems(values: NetworkValues, host: HostAddressing): Partial<Record<NetworkKey, string>> {
  const problems: Partial<Record<NetworkKey, string>> = {};
  const lan = values.access === 'lan';

  let cidr: Cidr | null = null;
  if (values.floating_cidr != null) {
    const syntax = ipv4NetworkProblem(values.floating_cidr);
    if (syntax) problems.floating_cidr = syntax;
    else {
      cidr = parseCidr(values.floating_cidr)!;
      const clash = host.networks.find((t) => overlaps(cidr!, t));
      if (cidr.prefix > 29) problems.floating_cidr = `${cidr.text} is too small; use /29 or larger`;
      else if (cidr.prefix < 8) problems.floating_cidr = `${cidr.text} is too large; use /8 or smaller`;
      else if (!lan && clash) problems.floating_cidr = `${cidr.text} overlaps ${clash.text}, which this machine already uses; pick a network nothing here reaches`;
    }
  }

  let gateway: string | null = null;
  if (values.floating_gateway != null) {
    const value = values.floating_gateway;
    const syntax = ipv4Problem(value);
    if (syntax) problems.floating_gateway = syntax;
    else if (cidr && !contains(cidr, value)) problems.floating_gateway = `${value} is outside the floating network ${cidr.text}`;
    else if (cidr && edges(cidr).includes(value)) problems.floating_gateway = `${value} is the ${edges(cidr)[0] === value ? 'network' : 'broadcast'} address of ${cidr.text}, not a host`;
    else if (host.addresses.includes(value)) problems.floating_gateway = `${value} is an address of this machine; the floating network's gateway must be ${lan ? 'your LAN router' : 'a free address (the bridge ciab creates)'}`;
    else gateway = value;
  }

  let range: { start: string; end: string } | null = null;
  if (values.floating_range != null) {
    const value = values.floating_range;
    const syntax = ipv4RangeProblem(value);
    const parsed = syntax ? null : parseRange(value);
    const inside = (ip: string) => parsed !== null && rangeContains(parsed, ip);
    if (syntax || !parsed) problems.floating_range = syntax ?? `"${value}" is not a range like 10.20.20.100-10.20.20.199`;
    else if (cidr && !(contains(cidr, parsed.start) && contains(cidr, parsed.end))) problems.floating_range = `${value} is not inside the floating network ${cidr.text}`;
    else if (cidr && edges(cidr).some(inside)) problems.floating_range = `${value} contains the ${inside(edges(cidr)[0]!) ? 'network' : 'broadcast'} address of ${cidr.text}`;
    else if (gateway && inside(gateway)) problems.floating_range = `${value} contains the gateway ${gateway}`;
    else if (lan && host.addresses.some(inside)) problems.floating_range = `${value} contains ${host.addresses.find(inside)}, an address of this machine`;
    else if (lan && host.defaultGateway && inside(host.defaultGateway)) problems.floating_range = `${value} contains the default gateway ${host.defaultGateway}`;
    else range = parsed;
  }

  if (values.vip != null) {
    const value = values.vip;
    const mgmt = host.managementCidr;
    const syntax = ipv4Problem(value);
    if (syntax) problems.vip = syntax;
    else if (mgmt && !contains(mgmt, value)) problems.vip = `${value} is outside the management network ${mgmt.text}`;
    else if (mgmt && edges(mgmt).includes(value)) problems.vip = `${value} is the ${edges(mgmt)[0] === value ? 'network' : 'broadcast'} address of the management network ${mgmt.text}`;
    else if (host.addresses.includes(value)) problems.vip = `${value} is already an address of this machine`;
    else if (value === host.defaultGateway) problems.vip = `${value} is the default gateway`;
    else if (range && rangeContains(range, value)) problems.vip = `${value} lies inside the floating IP pool ${values.floating_range}`;
  }
  return problems;
}
