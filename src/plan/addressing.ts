// IPv4 address arithmetic for the plan, on top of ipaddr.js (parsing and subnet matching).
import ipaddr from 'ipaddr.js';

export interface Cidr {
  network: string;
  prefix: number;
  text: string;
}

export function isIpv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

/** Parse "a.b.c.d/n"; null when invalid. The network address is normalised (host bits cleared). */
export function parseCidr(text: string): Cidr | null {
  // ipaddr.js reads 010 as octal; only plain dotted decimal is an address here.
  const [addressText, prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0 || !addressText || !isIpv4(addressText) || !prefixText || !/^\d{1,2}$/.test(prefixText)) return null;
  try {
    const [address, prefix] = ipaddr.IPv4.parseCIDR(text);
    const network = ipaddr.IPv4.networkAddressFromCIDR(text).toString();
    void address;
    return { network, prefix, text: `${network}/${prefix}` };
  } catch {
    return null;
  }
}

export function toNumber(ip: string): number {
  return ipaddr.IPv4.parse(ip).toByteArray().reduce((n, byte) => n * 256 + byte, 0);
}

export function fromNumber(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function contains(cidr: Cidr, ip: string): boolean {
  return isIpv4(ip) && ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parse(cidr.network), cidr.prefix);
}

export function cidrBounds(cidr: Cidr): { first: number; last: number } {
  const first = toNumber(cidr.network);
  return { first, last: first + 2 ** (32 - cidr.prefix) - 1 };
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const x = cidrBounds(a);
  const y = cidrBounds(b);
  return x.first <= y.last && y.first <= x.last;
}

/** Usable host addresses (network and broadcast excluded for prefixes up to /30). */
export function hostBounds(cidr: Cidr): { first: string; last: string } {
  const { first, last } = cidrBounds(cidr);
  return cidr.prefix >= 31 ? { first: fromNumber(first), last: fromNumber(last) } : { first: fromNumber(first + 1), last: fromNumber(last - 1) };
}

export function parseRange(text: string): { start: string; end: string } | null {
  const [start, end] = text.split('-').map((s) => s.trim());
  if (!start || !end || !isIpv4(start) || !isIpv4(end) || toNumber(start) > toNumber(end)) return null;
  return { start, end };
}

export function rangeContains(range: { start: string; end: string }, ip: string): boolean {
  const n = toNumber(ip);
  return n >= toNumber(range.start) && n <= toNumber(range.end);
}

export function cidrOf(address: string, prefixlen: number): Cidr | null {
  return parseCidr(`${address}/${prefixlen}`);
}
