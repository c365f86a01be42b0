// Bad answers files, profiles and flags: each ends with exit code 2 and one line naming file, line and key —
// never a stack trace, never a half-written file. The answers-file and profile cases run the CLI in this process
// (runCli over an Env with injected streams: no process start per case); the flag cases, a missing answers
// file and the good-file control run the real CLI as a user would, so the process's own exit path stays covered.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCiab } from '../helpers/cli.js';
import { runCiabInProcess as runInProcess } from '../helpers/in-process.js';
import { HostRecording } from '../../src/env/recording.js';
import { createFixtureHost } from '../fakes/fixture-host.js';

/** In this process, over a host that fails the test if read at all: with --facts the machine is not read. */
const runCiabInProcess = (args: string[]) => runInProcess(args, { host: createFixtureHost({ ...HostRecording.parse({ hostname: 'never-read' }), absent: [] }) });
import { writeFixtureFacts } from '../helpers/facts.js';

let dir: string;
let serverFacts: string;
let laptopFacts: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ciab-bad-'));
  serverFacts = await writeFixtureFacts('server', dir);
  laptopFacts = await writeFixtureFacts('laptop', dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectCleanUsageError(result: { code: number; stdout: string; stderr: string }, pattern: RegExp) {
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  expect(result.stderr).not.toMatch(/internal error/);
  expect(result.stderr.split('\n')[0]).toMatch(pattern);
  expect(result.code).toBe(2);
}

/** A valid sandbox answers file for the server fixture; each case breaks one thing. */
const GOOD_SERVER = `profile: sandbox
network:
  vip: 198.51.100.250
storage:
  backend: lvm
  disks: [/dev/nvme1n1]
`;

// [name, answers file text, expected first stderr line (after "ciab: FILE:")]
const ANSWERS_CASES: Array<[string, string, RegExp]> = [
  ['profile of the wrong type', 'profile: 42\n', /:1:10: profile: expected string, got number 42/],
  ['unknown profile', 'profile: bogus\n', /:1:10: profile: unknown profile "bogus"; profiles: workshop, edge, sandbox/],
  ['unknown top-level key', 'profil: workshop\n', /:1:1: profil: unknown key/],
  ['unknown nested key', 'network:\n  acess: local\n', /:2:3: network\.acess: unknown key/],
  ['access not local/lan', 'network:\n  access: wifi\n', /:2:11: network\.access: must be one of "local", "lan"/],
  ['floating CIDR prefix too long', 'network:\n  floating_cidr: 10.20.20.0/33\n', /:2:18: network\.floating_cidr: "10\.20\.20\.0\/33" is not an IPv4 network/],
  ['floating CIDR not a network', 'network:\n  floating_cidr: banana\n', /:2:18: network\.floating_cidr: "banana" is not an IPv4 network like 10\.20\.20\.0\/24/],
  ['floating CIDR overlaps the host', 'network:\n  floating_cidr: 198.51.100.0/24\n', /:2:18: network\.floating_cidr: 198\.51\.100\.0\/24 overlaps 198\.51\.100\.0\/24, which this machine already uses/],
  ['floating range reversed', 'network:\n  floating_range: 10.20.20.200-10.20.20.100\n', /:2:19: network\.floating_range: .* \(start before end\)/],
  ['floating range outside the network', 'network:\n  floating_range: 10.30.0.2-10.30.0.9\n', /:2:19: network\.floating_range: 10\.30\.0\.2-10\.30\.0\.9 is not inside the floating network 10\.20\.20\.0\/24/],
  ['floating range holds the gateway', 'network:\n  floating_range: 10.20.20.1-10.20.20.50\n', /network\.floating_range: .* contains the gateway 10\.20\.20\.1/],
  ['floating gateway outside the network', 'network:\n  floating_gateway: 10.9.9.1\n', /:2:21: network\.floating_gateway: 10\.9\.9\.1 is outside the floating network 10\.20\.20\.0\/24/],
  ['VIP inside the floating pool', `profile: sandbox\nnetwork:\n  access: lan\n  external_interface: enp65s0f0\n  floating_cidr: 198.51.100.0/24\n  floating_gateway: 198.51.100.1\n  floating_range: 198.51.100.200-198.51.100.250\n  vip: 198.51.100.210\n`, /:8:8: network\.vip: 198\.51\.100\.210 lies inside the floating IP pool/],
  ['VIP outside the management network', 'profile: sandbox\nnetwork:\n  vip: 10.0.0.5\n', /:3:8: network\.vip: 10\.0\.0\.5 is outside the management network 198\.51\.100\.0\/24/],
  ['VIP is the host itself', 'profile: sandbox\nnetwork:\n  vip: 198.51.100.10\n', /network\.vip: 198\.51\.100\.10 is already an address of this machine/],
  ['VIP not an address', 'profile: sandbox\nnetwork:\n  vip: 300.1.1.1\n', /:3:8: network\.vip: "300\.1\.1\.1" is not an IPv4 address/],
  ['management interface missing', 'network:\n  management_interface: eth9\n', /:2:25: network\.management_interface: no interface "eth9" on this machine/],
  ['management interface is loopback', 'network:\n  management_interface: lo\n', /network\.management_interface: lo is the loopback interface/],
  ['management interface without IPv4', 'network:\n  management_interface: enp65s0f1\n', /network\.management_interface: enp65s0f1 has no IPv4 address/],
  ['external NIC is the management NIC', 'network:\n  access: lan\n  external_interface: br0\n  floating_cidr: 198.51.100.0/24\n', /network\.external_interface: br0 is the management interface/],
  ['external NIC with an address', 'network:\n  access: lan\n  external_interface: br0.100\n', /network\.external_interface: br0\.100 has an IP address/],
  ['root disk chosen', GOOD_SERVER.replace('[/dev/nvme1n1]', '[/dev/nvme0n1]'), /:6:11: storage\.disks\[0\]: \/dev\/nvme0n1 cannot be used: .*root/],
  ['filter matching nothing', GOOD_SERVER.replace('[/dev/nvme1n1]', '[{filter: {min_size: 100TiB}}]'), /:6:11: storage\.disks\[0\]: the filter matches no blank disk \(blank disks here: /],
  ['disk with an old LVM signature, no wipe', GOOD_SERVER.replace('[/dev/nvme1n1]', '[/dev/sdb]'), /storage\.disks\[0\]: \/dev\/sdb holds data .*list it under storage\.wipe/],
  ['disk that does not exist', GOOD_SERVER.replace('[/dev/nvme1n1]', '[/dev/nvme1n1, /dev/sdz]'), /:6:25: storage\.disks\[1\]: \/dev\/sdz: no such disk on this machine \(disks: \/dev\/sda, \/dev\/sdb, \/dev\/nvme1n1\)/],
  ['filter type not ssd/hdd', GOOD_SERVER.replace('[/dev/nvme1n1]', '[{filter: {type: floppy}}]'), /storage\.disks\[0\]/],
  ['filter size not a size', GOOD_SERVER.replace('[/dev/nvme1n1]', '[{filter: {min_size: lots}}]'), /storage\.disks\[0\]/],
  ['disk path without /dev', GOOD_SERVER.replace('[/dev/nvme1n1]', '[{path: sda}]'), /storage\.disks\[0\]/],
  ['wipe the root disk', GOOD_SERVER.replace('disks: [/dev/nvme1n1]', 'disks: [/dev/nvme1n1]\n  wipe: [/dev/nvme0n1]'), /:7:9: storage\.wipe: \/dev\/nvme0n1 can never be wiped: the root filesystem/],
  ['backend the profile lacks', 'profile: edge\nstorage:\n  backend: none\n', /:3:12: storage\.backend: edge supports lvm, lvm-file/],
  // DEPLOY-AUDIT K4: Ceph is not offered, and the error says why and what to use instead.
  ['ceph backend', 'profile: sandbox\nstorage:\n  backend: ceph\n', /:3:12: storage\.backend: ceph is not offered: .*single-host Ceph.*; use lvm \(a spare disk\) or lvm-file/],
  ['backend unknown', 'storage:\n  backend: zfs\n', /:2:12: storage\.backend: must be one of/],
  ['admin password too short', 'admin_password: short\n', /:1:17: admin_password: must be at least 8 characters/],
  ['admin password a number (the value is not repeated)', 'admin_password: 12345678\n', /:1:17: admin_password: expected string, got a number$/],
  ['domain not a domain', 'domain: "not a domain!"\n', /:1:9: domain: "not a domain!" is not a DNS domain/],
  ['proxy without scheme', 'proxy:\n  http: proxy.lan:3128\n', /:2:9: proxy\.http: "proxy\.lan:3128" is not a proxy URL/],
  ['time zone unknown', 'timezone: Mars/Olympus\n', /:1:11: timezone: "Mars\/Olympus" is not an IANA time zone/],
  ['registry with a URL scheme', 'images:\n  registry: "http://bad url"\n', /:2:13: images\.registry: .* is not a registry/],
  ['unknown skip_checks id', 'skip_checks: [nosuch]\n', /skip_checks: unknown check id "nosuch"; check ids: os, /],
  ['YAML syntax error', 'network:\n  access: local\n   vip: 1.2.3.4\n', /:\d+:\d+: not valid YAML/],
  ['duplicate key', 'profile: workshop\nprofile: edge\n', /:2:1: not valid YAML: Map keys must be unique/],
  ['a list instead of a mapping', '- profile: workshop\n', /:1:1: \(top level\): expected object, got a list/],
  ['network as a string', 'network: local\n', /:1:10: network: expected object, got string "local"/],
  ['unattended sandbox without a VIP', 'profile: sandbox\n', /: network\.vip: no answer and no default for this machine/],
];

describe('bad answers files', () => {
  it.each(ANSWERS_CASES)('%s', async (_name, text, pattern) => {
    const file = path.join(dir, `answers-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    const result = await runCiabInProcess(['plan', '--facts', serverFacts, '--answers', file, '--state-dir', dir]);
    expectCleanUsageError(result, new RegExp(`^ciab: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${pattern.source.startsWith(':') ? '' : '.*'}${pattern.source}`));
  });

  it('a missing answers file', async () => {
    const result = await runCiab(['plan', '--facts', serverFacts, '--answers', path.join(dir, 'nope.yaml')]);
    expectCleanUsageError(result, /nope\.yaml: cannot read the answers file \(no such file\)/);
  });

  it('the good file for these cases is good (so each case fails for its own reason)', async () => {
    const file = path.join(dir, 'good.yaml');
    writeFileSync(file, GOOD_SERVER);
    const result = await runCiab(['plan', '--facts', serverFacts, '--answers', file, '--state-dir', dir, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).plan.profile.id).toBe('sandbox');
  });
});

const PROFILE_CASES: Array<[string, (text: string) => string, RegExp]> = [
  ['cpu block not a number', (t) => t.replace('cpu: { unit: threads, block: 4, warn: 8 }', 'cpu: { unit: threads, block: lots, warn: 8 }'), /workshop\.yaml:\d+:\d+: requirements\.cpu\.block: expected number, got string "lots"/],
  ['unknown service', (t) => t.replace('  - horizon\n', '  - horizon\n  - zun\n'), /workshop\.yaml:\d+:\d+: services\[\d+\]: must be one of/],
  ['service without a memory budget', (t) => t.replace('  - horizon\n', '  - horizon\n  - heat\n'), /workshop\.yaml:\d+:\d+: services\[\d+\]: heat has no entry in memory_budget_mib/],
  ['id not the file name', (t) => t.replace('id: workshop', 'id: classroom'), /workshop\.yaml:\d+:5: id: "classroom" must match the file name "workshop"/],
  ['warn below block', (t) => t.replace('memory_gib: { block: 12, warn: 16 }', 'memory_gib: { block: 12, warn: 8 }'), /workshop\.yaml:\d+:\d+: requirements\.memory_gib\.warn: warn \(8\) must not be below block \(12\)/],
  ['TLS without HAProxy', (t) => t.replace('tls_external: false', 'tls_external: true'), /workshop\.yaml:\d+:\d+: network\.tls_external: TLS is terminated by HAProxy/],
  ['unknown key', (t) => t.replace('rank: 1', 'rank: 1\nflavour: vanilla'), /workshop\.yaml:\d+:1: flavour: unknown key/],
  ['YAML syntax error', (t) => t.replace('services:\n', 'services:\n  - [unclosed\n'), /workshop\.yaml:\d+:\d+: not valid YAML/],
  ['kvm not required/preferred', (t) => t.replace('kvm: preferred', 'kvm: maybe'), /workshop\.yaml:\d+:\d+: requirements\.kvm: must be one of "required", "preferred"/],
];

describe('bad profiles', () => {
  it.each(PROFILE_CASES)('%s', async (_name, edit, pattern) => {
    const profiles = mkdtempSync(path.join(dir, 'profiles-'));
    cpSync(path.join(import.meta.dirname, '..', '..', 'profiles'), profiles, { recursive: true });
    const file = path.join(profiles, 'workshop.yaml');
    const edited = edit(readFileSync(file, 'utf8'));
    writeFileSync(file, edited);
    const result = await runCiabInProcess(['plan', '--facts', laptopFacts, '--profiles', profiles, '--state-dir', dir]);
    expectCleanUsageError(result, pattern);
  });
});

describe('bad flags', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown command', ['deploy-everything'], /^ciab: unknown command 'deploy-everything'/],
    ['misspelt command', ['detcet'], /^ciab: unknown command 'detcet' \(Did you mean detect\?\)/],
    ['unknown flag', ['detect', '--colour'], /^ciab: unknown option '--colour'/],
    ['flag without its value', ['plan', '--answers'], /^ciab: option '--answers <file>' argument missing/],
    ['bad flag value', ['plan', '--facts', '/nonexistent/facts.json'], /^ciab: \/nonexistent\/facts\.json: cannot read the facts file \(no such file\)/],
    ['unknown check id', ['plan', '--skip-check', 'nosuch'], /^ciab: --skip-check: unknown check id "nosuch"/],
    ['unknown profile', ['plan', '--profile', 'huge'], /^ciab: --profile: unknown profile "huge"/],
    ['facts file that is not facts', ['plan', '--facts', '/etc/os-release'], /^ciab: \/etc\/os-release: not a host file: expected HostFacts/],
  ];
  it.each(cases)('%s', async (_name, args, pattern) => {
    const result = await runCiab(args, { env: { CIAB_STATE_DIR: dir } });
    expectCleanUsageError(result, pattern);
  });
});
