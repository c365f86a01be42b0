// More than a hundred malformed inputs through the CLI, in-process over the recorded edge server: each must end
// with exit code 2, one line naming the file, line and key (or the flag), no stack trace, no secret, and nothing
// written — the configuration folder and the state folder are compared before and after.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureFacts } from '../helpers/facts.js';
import { runCiabInProcess } from '../helpers/in-process.js';

let root: string;
let facts: Record<string, any>;
let factsFile: string;
let caseNo = 0;

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), `ciab-malformed-${process.pid}-`));
  facts = await fixtureFacts('server');
  factsFile = path.join(root, 'server.facts.json');
  writeFileSync(factsFile, JSON.stringify(facts, null, 2));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A sandbox answers file for the edge server that renders; each case breaks one thing. */
const GOOD = `profile: sandbox
network:
  vip: 198.51.100.250
storage:
  backend: lvm
  disks: [/dev/nvme1n1]
admin_password: Typed-Secret-Pw-4711
`;
const LAN = `profile: sandbox
network:
  access: lan
  external_interface: enp65s0f0
  floating_cidr: 198.51.100.0/24
  floating_gateway: 198.51.100.1
  floating_range: 198.51.100.200-198.51.100.240
  vip: 198.51.100.250
storage:
  backend: lvm
  disks: [/dev/nvme1n1]
`;

interface CaseDir {
  dir: string;
  answers: string;
  facts: string;
  out: string;
  state: string;
}

/** Every file under dir with its content (or "<dir>"), for a before/after comparison. */
function snapshot(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const info = lstatSync(p);
      if (info.isSymbolicLink()) result[p] = `<link to ${readlinkSync(p)}>`;
      else if (info.isDirectory()) {
        result[p] = '<dir>';
        walk(p);
      } else result[p] = info.isFile() ? readFileSync(p, 'utf8') : '<special>';
    }
  };
  if (existsSync(dir)) walk(dir);
  return result;
}

function newCase(): CaseDir {
  caseNo += 1;
  const dir = path.join(root, `case-${caseNo}`);
  mkdirSync(dir);
  return { dir, answers: path.join(dir, 'answers.yaml'), facts: factsFile, out: path.join(dir, 'out'), state: path.join(dir, 'state') };
}

interface Case {
  /** The answers file's text (default: GOOD). */
  answers?: string | Buffer;
  /** Edit a copy of the facts (written to the case folder). */
  facts?: (f: Record<string, any>) => void;
  /** Prepare the case folder (make out/ a file, passwords.yml a folder …). */
  setup?: (c: CaseDir) => void;
  /** The command line (default: render with the case's files). */
  args?: (c: CaseDir) => string[];
  input?: string;
  /** The first line of stderr after "ciab: ". FILE stands for the answers file, FACTS for the facts file. */
  expect: string | RegExp;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const renderArgs = (c: CaseDir) => ['render', '--facts', c.facts, '--answers', c.answers, '--out', c.out, '--state-dir', c.state];

async function runCase(spec: Case) {
  const c = newCase();
  writeFileSync(c.answers, spec.answers ?? GOOD);
  if (spec.facts) {
    const edited = structuredClone(facts);
    spec.facts(edited);
    c.facts = path.join(c.dir, 'facts.json');
    writeFileSync(c.facts, JSON.stringify(edited, null, 2));
  }
  spec.setup?.(c);
  const before = snapshot(c.dir);
  const result = await runCiabInProcess((spec.args ?? renderArgs)(c), { host: 'server', cwd: c.dir, input: spec.input });
  return { c, result, before, after: snapshot(c.dir) };
}

function expectRefused(run: Awaited<ReturnType<typeof runCase>>, expected: string | RegExp) {
  const { c, result, before, after } = run;
  // The one progress line a render may print before it finds a folder in the way (the keys were made in memory).
  const lines = result.stderr.split('\n').filter((line) => !line.startsWith('Generating the secrets for this install'));
  const first = lines[0] ?? '';
  const pattern =
    typeof expected === 'string'
      ? new RegExp(`^ciab: ${escape(expected).replace('FILE', escape(c.answers)).replace('FACTS', escape(c.facts))}`)
      : new RegExp(`^ciab: ${expected.source.replace('FILE', escape(c.answers)).replace('FACTS', escape(c.facts))}`);
  expect(first, result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(result.stderr).not.toMatch(/internal error|Invalid input|TypeError|undefined/);
  expect(result.stderr).not.toContain('Typed-Secret-Pw-4711');
  expect(lines.join('\n').trimEnd().split('\n').length, result.stderr).toBeLessThanOrEqual(2);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(2);
  expect(after).toEqual(before);
}

const answers = (edit: (text: string) => string) => edit(GOOD);
const withNet = (lines: string) => GOOD.replace('network:\n  vip: 198.51.100.250\n', `network:\n${lines}`);

// [name, case]
const CASES: Array<[string, Case]> = [
  // 1. Network values: the one check, at the answers file
  ['leading zeros in the floating network', { answers: withNet('  vip: 198.51.100.250\n  floating_cidr: 010.020.020.000/24\n'), expect: 'FILE:4:18: network.floating_cidr: "010.020.020.000" has leading zeros, which some tools read as octal; write 10.20.20.0' }],
  ['leading zeros in the VIP', { answers: withNet('  vip: 198.051.100.250\n'), expect: 'FILE:3:8: network.vip: "198.051.100.250" has leading zeros, which some tools read as octal; write 198.51.100.250' }],
  ['leading zeros in the gateway', { answers: withNet('  vip: 198.51.100.250\n  floating_gateway: 10.20.20.01\n'), expect: 'FILE:4:21: network.floating_gateway: "10.20.20.01" has leading zeros' }],
  ['leading zeros in the range', { answers: withNet('  vip: 198.51.100.250\n  floating_range: 10.20.20.010-10.20.20.99\n'), expect: 'FILE:4:19: network.floating_range: 10.20.20.010-10.20.20.99: "10.20.20.010" has leading zeros' }],
  ['a zero-padded prefix', { answers: withNet('  vip: 198.51.100.250\n  floating_cidr: 10.20.20.0/024\n'), expect: 'FILE:4:18: network.floating_cidr: "10.20.20.0/024" is not an IPv4 network like 10.20.20.0/24: the prefix must be 0-32' }],
  ['host bits set in the floating network', { answers: withNet('  vip: 198.51.100.250\n  floating_cidr: 10.20.20.5/24\n'), expect: 'FILE:4:18: network.floating_cidr: "10.20.20.5/24" has host bits set; the network is 10.20.20.0/24' }],
  ['IPv6 floating network', { answers: withNet('  vip: 198.51.100.250\n  floating_cidr: "2001:db8::/64"\n'), expect: 'FILE:4:18: network.floating_cidr: "2001:db8::/64" is an IPv6 network; expected an IPv4 network' }],
  ['IPv6 VIP', { answers: withNet('  vip: "2001:db8::5"\n'), expect: 'FILE:3:8: network.vip: "2001:db8::5" is an IPv6 address; expected an IPv4 address' }],
  ['IPv6 gateway', { answers: withNet('  vip: 198.51.100.250\n  floating_gateway: "fe80::1"\n'), expect: 'FILE:4:21: network.floating_gateway: "fe80::1" is an IPv6 address' }],
  ['IPv6 range', { answers: withNet('  vip: 198.51.100.250\n  floating_range: "2001:db8::1-2001:db8::9"\n'), expect: 'FILE:4:19: network.floating_range: 2001:db8::1-2001:db8::9: "2001:db8::1" is an IPv6 address' }],
  ['a network without prefix', { answers: withNet('  vip: 198.51.100.250\n  floating_cidr: 10.20.20.0\n'), expect: 'FILE:4:18: network.floating_cidr: "10.20.20.0" is not an IPv4 network like 10.20.20.0/24 (address/prefix)' }],
  ['prefix 33', { answers: withNet('  vip: 198.51.100.250\n  floating_cidr: 10.20.20.0/33\n'), expect: 'FILE:4:18: network.floating_cidr: "10.20.20.0/33" is not an IPv4 network' }],
  ['a /30 is too small', { answers: withNet('  vip: 198.51.100.250\n  floating_cidr: 10.20.20.0/30\n'), expect: 'FILE:4:18: network.floating_cidr: 10.20.20.0/30 is too small; use /29 or larger' }],
  ['a /4 is too large', { answers: withNet('  vip: 198.51.100.250\n  floating_cidr: 0.0.0.0/4\n'), expect: 'FILE:4:18: network.floating_cidr: 0.0.0.0/4 is too large' }],
  ['an octet over 255', { answers: withNet('  vip: 198.51.100.256\n'), expect: 'FILE:3:8: network.vip: "198.51.100.256" is not an IPv4 address: each part must be 0-255' }],
  ['three octets', { answers: withNet('  vip: 198.51.100\n'), expect: 'FILE:3:8: network.vip: "198.51.100" is not an IPv4 address like 192.0.2.10' }],
  ['a hostname as VIP', { answers: withNet('  vip: api.example.org\n'), expect: 'FILE:3:8: network.vip: "api.example.org" is not an IPv4 address' }],
  ['a number as VIP', { answers: withNet('  vip: 42\n'), expect: 'FILE:3:8: network.vip: expected string, got number 42' }],
  ['VIP is the network address', { answers: withNet('  vip: 198.51.100.0\n'), expect: 'FILE:3:8: network.vip: 198.51.100.0 is the network address of the management network 198.51.100.0/24' }],
  ['VIP is the broadcast address', { answers: withNet('  vip: 198.51.100.255\n'), expect: 'FILE:3:8: network.vip: 198.51.100.255 is the broadcast address of the management network 198.51.100.0/24' }],
  ['VIP is the host', { answers: withNet('  vip: 198.51.100.10\n'), expect: 'FILE:3:8: network.vip: 198.51.100.10 is already an address of this machine' }],
  ['VIP is the default gateway', { answers: withNet('  vip: 198.51.100.1\n'), expect: 'FILE:3:8: network.vip: 198.51.100.1 is the default gateway' }],
  ['VIP outside the management network', { answers: withNet('  vip: 10.0.0.5\n'), expect: 'FILE:3:8: network.vip: 10.0.0.5 is outside the management network 198.51.100.0/24' }],
  ['gateway is the floating network address', { answers: withNet('  vip: 198.51.100.250\n  floating_gateway: 10.20.20.0\n'), expect: 'FILE:4:21: network.floating_gateway: 10.20.20.0 is the network address of 10.20.20.0/24, not a host' }],
  ['gateway is the floating broadcast address', { answers: withNet('  vip: 198.51.100.250\n  floating_gateway: 10.20.20.255\n'), expect: 'FILE:4:21: network.floating_gateway: 10.20.20.255 is the broadcast address of 10.20.20.0/24, not a host' }],
  ['gateway outside the floating network', { answers: withNet('  vip: 198.51.100.250\n  floating_gateway: 10.9.9.1\n'), expect: 'FILE:4:21: network.floating_gateway: 10.9.9.1 is outside the floating network 10.20.20.0/24' }],
  ['LAN: gateway is the host', { answers: LAN.replace('floating_gateway: 198.51.100.1', 'floating_gateway: 198.51.100.10'), expect: 'FILE:6:21: network.floating_gateway: 198.51.100.10 is an address of this machine' }],
  ['LAN: range holds the host', { answers: LAN.replace('198.51.100.200-198.51.100.240', '198.51.100.5-198.51.100.40'), expect: 'FILE:7:19: network.floating_range: 198.51.100.5-198.51.100.40 contains 198.51.100.10, an address of this machine' }],
  ['LAN: range holds the gateway', { answers: LAN.replace('198.51.100.200-198.51.100.240', '198.51.100.1-198.51.100.9'), expect: 'FILE:7:19: network.floating_range: 198.51.100.1-198.51.100.9 contains the gateway 198.51.100.1' }],
  ['LAN: range holds the broadcast address', { answers: LAN.replace('198.51.100.200-198.51.100.240', '198.51.100.200-198.51.100.255'), expect: 'FILE:7:19: network.floating_range: 198.51.100.200-198.51.100.255 contains the broadcast address of 198.51.100.0/24' }],
  ['LAN: VIP in the pool', { answers: LAN.replace('vip: 198.51.100.250', 'vip: 198.51.100.210'), expect: 'FILE:8:8: network.vip: 198.51.100.210 lies inside the floating IP pool' }],
  ['range reversed', { answers: withNet('  vip: 198.51.100.250\n  floating_range: 10.20.20.200-10.20.20.100\n'), expect: 'FILE:4:19: network.floating_range: "10.20.20.200-10.20.20.100" starts after it ends' }],
  ['range with three parts', { answers: withNet('  vip: 198.51.100.250\n  floating_range: 10.20.20.2-10.20.20.5-10.20.20.9\n'), expect: 'FILE:4:19: network.floating_range: "10.20.20.2-10.20.20.5-10.20.20.9" is not a range' }],
  ['range outside the network', { answers: withNet('  vip: 198.51.100.250\n  floating_range: 10.30.0.2-10.30.0.9\n'), expect: 'FILE:4:19: network.floating_range: 10.30.0.2-10.30.0.9 is not inside the floating network 10.20.20.0/24' }],
  ['range holds the network address', { answers: withNet('  vip: 198.51.100.250\n  floating_range: 10.20.20.0-10.20.20.9\n'), expect: 'FILE:4:19: network.floating_range: 10.20.20.0-10.20.20.9 contains the network address of 10.20.20.0/24' }],
  ['range holds the local gateway', { answers: withNet('  vip: 198.51.100.250\n  floating_range: 10.20.20.1-10.20.20.50\n'), expect: 'FILE:4:19: network.floating_range: 10.20.20.1-10.20.20.50 contains the gateway 10.20.20.1' }],
  ['floating network overlaps the host', { answers: withNet('  vip: 198.51.100.250\n  floating_cidr: 198.51.100.0/24\n'), expect: 'FILE:4:18: network.floating_cidr: 198.51.100.0/24 overlaps 198.51.100.0/24' }],
  ['a space inside an address', { answers: withNet('  vip: "198.51.100. 250"\n'), expect: 'FILE:3:8: network.vip: "198.51.100. 250" is not an IPv4 address' }],
  ['spaces around an address', { answers: withNet('  vip: " 198.51.100.250"\n'), expect: 'FILE:3:8: network.vip: " 198.51.100.250" has spaces around it' }],
  ['an empty VIP', { answers: withNet('  vip: ""\n'), expect: 'FILE:3:8: network.vip: is empty; expected an IPv4 address' }],

  // 2. Units, numbers and zod's messages
  ['"10 gigs" lists the units', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {min_size: 10 gigs}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.min_size: "10 gigs" is not a size: expected a number and a unit like 100GiB, 1\.5TB or 500G \(units: B, K\/KB\/KiB/ }],
  ['a negative size', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {min_size: -5G}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.min_size: "-5G" is negative/ }],
  ['a negative number of bytes', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {max_size: -1}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.max_size: -1 is negative/ }],
  ['an absurd size', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {min_size: 900000TB}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.min_size: "900000TB" is more than 1 PiB/ }],
  ['an absurd number of bytes', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {min_size: 1e30}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.min_size: / }],
  ['a fractional number of bytes', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {min_size: 1.5}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.min_size: expected a whole number of bytes/ }],
  ['a size as a list', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {min_size: [1]}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.min_size: expected number or string, got a list/ }],
  ['a unit only', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {min_size: GiB}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.min_size: "GiB" is not a size/ }],
  ['count zero', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {count: 0}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.count: expected more than 0, got number 0/ }],
  ['count as a word', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {count: many}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.count: .*got string "many"/ }],
  ['a disk as a number', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[42]')), expect: /FILE:6:\d+: storage\.disks\[0\]: expected string or object, got number 42/ }],
  ['a disk path without /dev', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[nvme1n1]')), expect: /FILE:6:\d+: storage\.disks\[0\]: expected a device path like \/dev\/nvme1n1 or \/dev\/disk\/by-id\/…, got string "nvme1n1"/ }],
  ['a filter with a typo', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {tpye: ssd}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.tpye: unknown key/ }],
  ['a filter type not ssd/hdd', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {type: floppy}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.type: must be one of "ssd", "hdd", got string "floppy"/ }],
  ['an empty model pattern', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '[{filter: {model: ""}}]')), expect: /FILE:6:\d+: storage\.disks\[0\]\.filter\.model: expected at least 1 character/ }],
  ['a wipe entry without /dev', { answers: answers((t) => t.replace('disks: [/dev/nvme1n1]', 'disks: [/dev/nvme1n1]\n  wipe: [sdb]')), expect: /FILE:7:\d+: storage\.wipe\[0\]: expected a device path, got string "sdb"/ }],
  ['disks as a mapping', { answers: answers((t) => t.replace('[/dev/nvme1n1]', '{a: 1}')), expect: /FILE:6:\d+: storage\.disks: expected array, got a mapping/ }],
  ['skip_checks as a string', { answers: `${GOOD}skip_checks: os\n`, expect: /FILE:8:\d+: skip_checks: expected array, got string "os"/ }],
  ['access as a boolean', { answers: withNet('  vip: 198.51.100.250\n  access: true\n'), expect: /FILE:4:11: network\.access: must be one of "local", "lan", got boolean true/ }],
  ['profile as a list', { answers: answers((t) => t.replace('profile: sandbox', 'profile: [sandbox]')), expect: 'FILE:1:10: profile: expected string, got a list' }],
  ['an empty profile', { answers: answers((t) => t.replace('profile: sandbox', 'profile: ""')), expect: /FILE:1:10: profile: expected at least 1 character/ }],
  ['admin password as a number (not repeated)', { answers: answers((t) => t.replace('admin_password: Typed-Secret-Pw-4711', 'admin_password: 12345678')), expect: /FILE:7:17: admin_password: expected string, got a number$/ }],
  ['admin password too short', { answers: answers((t) => t.replace('Typed-Secret-Pw-4711', 'short')), expect: 'FILE:7:17: admin_password: must be at least 8 characters' }],
  ['admin password with a space', { answers: answers((t) => t.replace('Typed-Secret-Pw-4711', '"Typed Secret Pw 4711"')), expect: 'FILE:7:17: admin_password: must not contain spaces' }],
  ['a domain with a space', { answers: `${GOOD}domain: "my cloud"\n`, expect: 'FILE:8:9: domain: "my cloud" is not a DNS domain' }],
  ['a proxy without scheme', { answers: `${GOOD}proxy:\n  http: proxy:3128\n`, expect: 'FILE:9:9: proxy.http: "proxy:3128" is not a proxy URL' }],
  ['a time zone that does not exist', { answers: `${GOOD}timezone: Europe/Atlantis\n`, expect: 'FILE:8:11: timezone: "Europe/Atlantis" is not an IANA time zone' }],

  // 4. Control and escape characters never reach the inventory or the terminal
  ['ESC in the domain', { answers: `${GOOD}domain: "cloud\\e[31m.internal"\n`, expect: 'FILE:8:9: domain: contains control or escape characters' }],
  ['a newline in the no-proxy list', { answers: `${GOOD}proxy:\n  no_proxy: "a,b\\nc"\n`, expect: 'FILE:9:13: proxy.no_proxy: contains control or escape characters' }],
  ['a tab in the registry', { answers: `${GOOD}images:\n  registry: "reg\\t:5000"\n`, expect: 'FILE:9:13: images.registry: contains control or escape characters' }],
  ['ESC in a skip id', { answers: `${GOOD}skip_checks: ["os\\e[2J"]\n`, expect: /FILE:8:\d+: skip_checks\[0\]: contains control or escape characters/ }],
  ['a bell in the management interface', { answers: withNet('  vip: 198.51.100.250\n  management_interface: "br0\\a"\n'), expect: 'FILE:4:25: network.management_interface: contains control or escape characters' }],
  ['ESC in the offline bundle path', { answers: `${GOOD}images:\n  offline_bundle: "/x\\e]0;pwned\\a"\n`, expect: 'FILE:9:19: images.offline_bundle: contains control or escape characters' }],

  // 3. Answers files that are not files, or not text
  ['answers: a folder', { setup: (c) => { rmSync(c.answers); mkdirSync(c.answers); }, expect: 'FILE: cannot read the answers file (it is a folder)' }],
  ['answers: a FIFO (no hang)', { setup: (c) => { rmSync(c.answers); execFileSync('mkfifo', [c.answers]); }, expect: 'FILE: cannot read the answers file (is a FIFO (named pipe), not a file)' }],
  ['answers: /dev/zero', { args: (c) => [...renderArgs(c).slice(0, 3), '--answers', '/dev/zero', ...renderArgs(c).slice(5)], expect: '/dev/zero: cannot read the answers file (is a device, not a file)' }],
  ['answers: a symlink loop', { setup: (c) => { rmSync(c.answers); symlinkSync(c.answers, c.answers); }, expect: 'FILE: cannot read the answers file (a symlink loop)' }],
  ['answers: a dangling symlink', { setup: (c) => { rmSync(c.answers); symlinkSync(path.join(c.dir, 'gone'), c.answers); }, expect: 'FILE: cannot read the answers file (no such file)' }],
  ['answers: larger than 1 MiB', { answers: `# ${'x'.repeat(1024 * 1024 + 10)}\n${GOOD}`, expect: 'FILE: cannot read the answers file (larger than 1 MiB)' }],
  ['answers: a path through a file', { args: (c) => [...renderArgs(c).slice(0, 3), '--answers', path.join(c.answers, 'x.yaml'), ...renderArgs(c).slice(5)], expect: /.*answers\.yaml\/x\.yaml: cannot read the answers file \(a part of the path is a file, not a folder\)/ }],
  ['answers: Latin-1 bytes', { answers: Buffer.concat([Buffer.from(GOOD), Buffer.from('domain: caf'), Buffer.from([0xe9]), Buffer.from('.example\n')]), expect: 'FILE:8: the answers file is not UTF-8 text (save it as UTF-8)' }],
  ['answers: UTF-16', { answers: Buffer.from(`\ufeff${GOOD}`, 'utf16le'), expect: /FILE:1: the answers file is not UTF-8 text/ }],
  ['answers: an empty file name', { args: (c) => [...renderArgs(c).slice(0, 3), '--answers', '', ...renderArgs(c).slice(5)], expect: 'cannot read the answers file: the file name is empty' }],
  ['answers: a YAML alias bomb', { answers: ['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]', 'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'f: [*e,*e,*e,*e,*e,*e,*e,*e,*e]', ''].join('\n'), expect: 'FILE: not usable YAML: too many aliases' }],
  ['answers: an undefined alias', { answers: 'profile: *nothing\n', expect: 'FILE: not usable YAML: Unresolved alias' }],
  ['answers: two documents', { answers: `${GOOD}---\nprofile: edge\n`, expect: /FILE:\d+:\d+: not valid YAML/ }],
  ['answers: a tab indent', { answers: 'network:\n\tvip: 1.2.3.4\n', expect: /FILE:2:1: not valid YAML/ }],
  ['answers: a bare scalar', { answers: 'sandbox\n', expect: 'FILE:1:1: (top level): expected object, got string "sandbox"' }],
  ['answers: stdin that is too large', { args: (c) => [...renderArgs(c).slice(0, 3), '--answers', '-', ...renderArgs(c).slice(5)], input: `# ${'y'.repeat(1024 * 1024 + 1)}\n`, expect: 'stdin: cannot read the answers file (larger than 1 MiB)' }],
  ['answers: stdin with a bad value names stdin', { args: (c) => [...renderArgs(c).slice(0, 3), '--answers', '-', ...renderArgs(c).slice(5)], input: 'profile: 7\n', expect: 'stdin:1:10: profile: expected string, got number 7' }],
  ['answers and facts both from stdin', { args: (c) => ['render', '--facts', '-', '--answers', '-', '--out', c.out, '--state-dir', c.state], input: GOOD, expect: '--answers - and --facts - both read stdin' }],

  // 3+4. Facts files
  ['facts: a folder', { args: (c) => ['render', '--facts', c.dir, '--answers', c.answers, '--out', c.out, '--state-dir', c.state], expect: /.*case-\d+: cannot read the facts file \(it is a folder\)/ }],
  ['facts: /dev/zero', { args: (c) => ['render', '--facts', '/dev/zero', '--answers', c.answers, '--out', c.out, '--state-dir', c.state], expect: '/dev/zero: cannot read the facts file (is a device, not a file)' }],
  ['facts: a FIFO', { setup: (c) => { c.facts = path.join(c.dir, 'facts.fifo'); execFileSync('mkfifo', [c.facts]); }, expect: 'FACTS: cannot read the facts file (is a FIFO (named pipe), not a file)' }],
  ['facts: not JSON or YAML', { setup: (c) => { c.facts = path.join(c.dir, 'f.json'); writeFileSync(c.facts, '{"schemaVersion": 1,,}'); }, expect: /FACTS:1:\d+: not valid YAML/ }],
  ['facts: a bad management address', { facts: (f) => { f.nics.find((n: any) => n.name === 'br0').addresses[0].address = '198.51.100.999'; }, expect: /FACTS:\d+:\d+: nics\[\d+\]\.addresses\[0\]\.address: "198\.51\.100\.999" is not an IPv4 address/ }],
  ['facts: a management address with leading zeros', { facts: (f) => { f.nics.find((n: any) => n.name === 'br0').addresses[0].address = '198.51.100.010'; }, expect: /FACTS:\d+:\d+: nics\[\d+\]\.addresses\[0\]\.address: "198\.51\.100\.010" has leading zeros/ }],
  ['facts: a prefix of 40', { facts: (f) => { f.nics.find((n: any) => n.name === 'br0').addresses[0].prefixlen = 40; }, expect: /FACTS:\d+:\d+: nics\[\d+\]\.addresses\[0\]\.prefixlen: expected an IPv4 prefix length 0-32, got 40/ }],
  ['facts: a negative prefix', { facts: (f) => { f.nics.find((n: any) => n.name === 'br0').addresses[0].prefixlen = -1; }, expect: /FACTS:\d+:\d+: nics\[\d+\]\.addresses\[0\]\.prefixlen: expected an IPv4 prefix length 0-32, got -1/ }],
  ['facts: a prefix as text', { facts: (f) => { f.nics.find((n: any) => n.name === 'br0').addresses[0].prefixlen = '24'; }, expect: /FACTS:\d+:\d+: nics\[\d+\]\.addresses\[0\]\.prefixlen: expected number, got string "24"/ }],
  ['facts: an empty hostname', { facts: (f) => { f.network.hostname = ''; }, expect: /FACTS:\d+:\d+: network\.hostname: expected a hostname like node1 or node1\.example\.org, got an empty one/ }],
  ['facts: a two-line hostname', { facts: (f) => { f.network.hostname = 'edge01\nevil'; }, expect: /FACTS:\d+:\d+: network\.hostname: contains control or escape characters/ }],
  ['facts: a hostname with a space', { facts: (f) => { f.network.hostname = 'edge 01'; }, expect: /FACTS:\d+:\d+: network\.hostname: expected a hostname like node1/ }],
  ['facts: ESC in a disk model', { facts: (f) => { f.disks[0].model = 'Samsung\u001b[2J'; }, expect: /FACTS:\d+:\d+: disks\[0\]\.model: contains control or escape characters/ }],
  ['facts: ESC in a NIC name', { facts: (f) => { f.nics[1].name = 'eth\u001b]0;x\u0007'; }, expect: /FACTS:\d+:\d+: nics\[1\]\.name: contains control or escape characters/ }],
  ['facts: a bad default gateway', { facts: (f) => { f.network.defaultRoute.gateway = 'router'; }, expect: /FACTS:\d+:\d+: network\.defaultRoute\.gateway: "router" is not an IP address/ }],
  ['facts: an IPv6 address that is not one', { facts: (f) => { f.nics.find((n: any) => n.name === 'br0').addresses.push({ family: 'inet6', address: 'zz::1', prefixlen: 64, scope: 'global' }); }, expect: /FACTS:\d+:\d+: nics\[\d+\]\.addresses\[\d+\]\.address: "zz::1" is not an IPv6 address/ }],
  ['facts: a wrong schema version', { facts: (f) => { f.schemaVersion = 2; }, expect: /FACTS:\d+:\d+: schemaVersion: must be one of 1, got number 2/ }],
  ['facts: nics missing', { facts: (f) => { delete f.nics; }, expect: /FACTS:\d+:\d+: nics: is required \(expected array\)/ }],

  // 5. Output and state folders
  ['--out empty', { args: (c) => [...renderArgs(c).slice(0, 5), '--out', '', '--state-dir', c.state], expect: '--out: the folder name is empty' }],
  ['--out blank', { args: (c) => [...renderArgs(c).slice(0, 5), '--out', '  ', '--state-dir', c.state], expect: '--out: the folder name is empty' }],
  ['--out /', { args: (c) => [...renderArgs(c).slice(0, 5), '--out', '/', '--state-dir', c.state], expect: '--out /: refusing to write into the root folder' }],
  ['--out /./', { args: (c) => [...renderArgs(c).slice(0, 5), '--out', '/./', '--state-dir', c.state], expect: '--out /./: refusing to write into the root folder' }],
  ['--state-dir empty', { args: (c) => [...renderArgs(c).slice(0, 7), '--state-dir', ''], expect: '--state-dir: the folder name is empty' }],
  ['--state-dir /', { args: (c) => [...renderArgs(c).slice(0, 7), '--state-dir', '/'], expect: '--state-dir /: refusing to write into the root folder' }],
  ['--out is a file', { setup: (c) => writeFileSync(c.out, 'x'), expect: /--out .*\/out: .*\/out is a file, where a folder must be; nothing was written/ }],
  ['--out below a file', { setup: (c) => writeFileSync(c.out, 'x'), args: (c) => [...renderArgs(c).slice(0, 5), '--out', path.join(c.out, 'sub'), '--state-dir', c.state], expect: /--out .*\/out\/sub: .*\/out is a file, where a folder must be/ }],
  ['--out a symlink loop', { setup: (c) => symlinkSync(c.out, c.out), expect: /--out .*\/out: .*\/out is a symlink loop; nothing was written/ }],
  ['--out a FIFO', { setup: (c) => execFileSync('mkfifo', [c.out]), expect: /--out .*\/out: .*\/out is not a folder, where a folder must be/ }],
  ['--out /dev/null', { args: (c) => [...renderArgs(c).slice(0, 5), '--out', '/dev/null', '--state-dir', c.state], expect: '--out /dev/null: /dev/null is not a folder, where a folder must be' }],
  ['passwords.yml is a folder', { setup: (c) => mkdirSync(path.join(c.out, 'kolla', 'passwords.yml'), { recursive: true }), expect: /--out .*\/out: kolla\/passwords\.yml is a folder where ciab writes a file; move it away; nothing was written/ }],
  ['globals.yml is a folder', { setup: (c) => mkdirSync(path.join(c.out, 'kolla', 'globals.yml'), { recursive: true }), expect: /--out .*\/out: kolla\/globals\.yml is a folder where ciab writes a file/ }],
  ['kolla is a file', { setup: (c) => { mkdirSync(c.out); writeFileSync(path.join(c.out, 'kolla'), 'x'); }, expect: /--out .*\/out: .*\/out\/kolla is a file, where a folder must be/ }],
  ['install: the state folder is a file (the configuration is not written either)', { setup: (c) => writeFileSync(c.state, 'x'), args: (c) => ['install', ...renderArgs(c).slice(1)], expect: /--state-dir .*\/state: .*\/state is a file, where a folder must be; nothing was written/ }],
  ['install: answers.yaml is a folder', { setup: (c) => mkdirSync(path.join(c.state, 'answers.yaml'), { recursive: true }), args: (c) => ['install', ...renderArgs(c).slice(1)], expect: /--state-dir .*\/state: answers\.yaml is a folder where ciab writes a file/ }],

  // 7. Arguments nobody asked for
  ['plan with a stray argument', { args: (c) => ['plan', c.answers, '--facts', c.facts], expect: /too many arguments for 'plan'|unexpected argument/ }],
  ['render with a stray argument', { args: (c) => ['render', c.answers, ...renderArgs(c).slice(1)], expect: /too many arguments for 'render'|unexpected argument/ }],
  ['install with a stray argument', { args: (c) => ['install', 'now', ...renderArgs(c).slice(1)], expect: /too many arguments for 'install'|unexpected argument/ }],
  ['detect with a stray argument', { args: () => ['detect', 'eth0'], expect: /too many arguments for 'detect'|unexpected argument/ }],
  ['preflight with a stray argument', { args: (c) => ['preflight', 'sandbox', '--facts', c.facts], expect: /too many arguments for 'preflight'|unexpected argument/ }],
  ['answers-template with a stray argument', { args: () => ['answers-template', 'out.yaml'], expect: /too many arguments for 'answers-template'|unexpected argument/ }],
  ['profiles: two files for one id', { setup: (c) => { const p = path.join(c.dir, 'profiles'); mkdirSync(p); for (const f of ['workshop.yaml', 'edge.yaml', 'sandbox.yaml']) writeFileSync(path.join(p, f), readFileSync(path.join(import.meta.dirname, '..', '..', 'profiles', f))); writeFileSync(path.join(p, 'workshop.yml'), readFileSync(path.join(p, 'workshop.yaml'))); }, args: (c) => [...renderArgs(c), '--profiles', path.join(c.dir, 'profiles')], expect: /.*profiles: two files define the profile "workshop": workshop\.yaml and workshop\.yml; remove one/ }],
  ['profiles: a folder that is a file', { args: (c) => [...renderArgs(c), '--profiles', c.answers], expect: /.*answers\.yaml: cannot read the profiles folder/ }],
];

describe('malformed inputs through the CLI', () => {
  it('has at least a hundred cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(100);
  });

  it('the good answers render (so each case fails for its own reason), with a manifest', async () => {
    const run = await runCase({ expect: '' });
    expect(run.result.stderr).not.toContain('Typed-Secret-Pw-4711');
    expect(run.result.code).toBe(0);
    expect(readFileSync(path.join(run.c.out, '.ciab-files'), 'utf8')).toContain('kolla/globals.yml');
  }, 120_000);

  it.each(CASES)('%s', async (_name, spec) => {
    expectRefused(await runCase(spec), spec.expect);
  }, 60_000);
});
