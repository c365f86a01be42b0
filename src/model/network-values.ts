// The syntax of the network values a person types (answers file, wizard, flags): one strict reading for all.
// ipaddr.js parses; these add what it lets through: leading zeros (010 is octal to inet_aton, so
// 010.020.020.000/24 silently becomes 8.16.16.0/24), IPv6 where IPv4 is expected, and host bits in a network.
import ipaddr from 'ipaddr.js';

const FOUR_PART = /^\d{1,3}(\.\d{1,3}){3}$/;

/** null when text is a plain dotted-decimal IPv4 address; else what is wrong with it. */
export function ipv4Problem(text: string): string | null {
  const value = text.trim();
  if (value === '') return 'is empty; expected an IPv4 address like 192.0.2.10';
  if (value !== text) return `"${text}" has spaces around it; expected an IPv4 address like 192.0.2.10`;
  if (!value.includes('.') && value.includes(':') && ipaddr.IPv6.isValid(value.split('/')[0]!)) {
    return `"${value}" is an IPv6 address; expected an IPv4 address like 192.0.2.10`;
  }
  if (!FOUR_PART.test(value)) return `"${value}" is not an IPv4 address like 192.0.2.10`;
  const parts = value.split('.');
  if (parts.some((p) => p.length > 1 && p.startsWith('0'))) {
    return `"${value}" has leading zeros, which some tools read as octal; write ${parts.map((p) => String(Number(p))).join('.')}`;
  }
  if (parts.some((p) => Number(p) > 255)) return `"${value}" is not an IPv4 address: each part must be 0-255`;
  return null;
}

/** null when text is an IPv4 network "a.b.c.d/n" with no host bits set; else what is wrong with it. */
export function ipv4NetworkProblem(text: string): string | null {
  const value = text.trim();
  const slash = value.indexOf('/');
  if (slash < 0) {
    if (ipaddr.IPv6.isValid(value)) return `"${value}" is an IPv6 address; expected an IPv4 network like 10.20.20.0/24`;
    return `"${value}" is not an IPv4 network like 10.20.20.0/24 (address/prefix)`;
  }
  const address = value.slice(0, slash);
  const prefixText = value.slice(slash + 1);
  if (ipaddr.IPv6.isValid(address)) return `"${value}" is an IPv6 network; expected an IPv4 network like 10.20.20.0/24`;
  const problem = ipv4Problem(address);
  if (problem) return problem.replace('an IPv4 address like 192.0.2.10', 'an IPv4 network like 10.20.20.0/24');
  if (!/^\d{1,2}$/.test(prefixText) || Number(prefixText) > 32 || (prefixText.length > 1 && prefixText.startsWith('0'))) {
    return `"${value}" is not an IPv4 network like 10.20.20.0/24: the prefix must be 0-32`;
  }
  const network = ipaddr.IPv4.networkAddressFromCIDR(value).toString();
  if (network !== address) return `"${value}" has host bits set; the network is ${network}/${prefixText}`;
  return null;
}

/** null when text is "start-end" of two IPv4 addresses, start not after end; else what is wrong. */
export function ipv4RangeProblem(text: string): string | null {
  const parts = text.split('-').map((s) => s.trim());
  if (parts.length !== 2 || !parts[0] || !parts[1]) return `"${text}" is not a range like 10.20.20.100-10.20.20.199`;
  for (const part of parts) {
    const problem = ipv4Problem(part);
    if (problem) return `${text}: ${problem.replace('an IPv4 address like 192.0.2.10', 'a range like 10.20.20.100-10.20.20.199')}`;
  }
  const [start, end] = parts.map((p) => ipaddr.IPv4.parse(p).toByteArray().reduce((n, b) => n * 256 + b, 0));
  if (start! > end!) return `"${text}" starts after it ends (start before end)`;
  return null;
}
