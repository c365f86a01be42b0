// DEPLOY-AUDIT W4: on NetworkManager hosts (NetworkManager running, or netplan with "renderer: NetworkManager" as
// on Ubuntu Desktop) the host network is written as NetworkManager keyfiles, and NetworkManager's own keyfile
// parser accepts them: `nmcli --offline` (NetworkManager >= 1.40) reads a keyfile on stdin, verifies the
// connection and writes it back, with no daemon. Nothing is applied to this machine.
// nmcli comes from PATH, or from Debian's network-manager and libnm0 packages unpacked (dpkg-deb -x) under
// ~/.cache/ciab/networkmanager-deb/root.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RenderedFile } from '../../src/model/files.js';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { renderHostFiles } from '../../src/render/host.js';
import { HOST_TEMPLATES } from '../helpers/inputs.js';
import { fixturePlan, fixtureSession } from '../helpers/plans.js';

const UNPACKED = path.join(os.homedir(), '.cache', 'ciab', 'networkmanager-deb', 'root');

function findNmcli(): { bin: string; env: NodeJS.ProcessEnv } | { skip: string } {
  const onPath = spawnSync('nmcli', ['--version'], { encoding: 'utf8' });
  if (onPath.status === 0) return { bin: 'nmcli', env: process.env };
  const bin = path.join(UNPACKED, 'usr', 'bin', 'nmcli');
  if (!existsSync(bin)) return { skip: `no nmcli (apt-get download network-manager libnm0; dpkg-deb -x each into ${UNPACKED})` };
  const env = { ...process.env, LD_LIBRARY_PATH: path.join(UNPACKED, 'usr', 'lib', 'x86_64-linux-gnu') };
  if (!existsSync(path.join(UNPACKED, 'usr', 'lib', 'x86_64-linux-gnu', 'libnm.so.0'))) {
    // nmcli needs libnm (its own package); fetched from Debian's archive like network-manager itself.
    const cache = path.dirname(UNPACKED);
    const got = spawnSync('sh', ['-c', 'apt-get download libnm0 && dpkg -x libnm0_*.deb root'], { cwd: cache, stdio: 'ignore', timeout: 120_000 });
    if (got.status !== 0) return { skip: 'libnm0 is not unpacked and could not be downloaded' };
  }
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8', env });
  if (version.status !== 0) return { skip: `unpacked nmcli does not run: ${version.stderr.trim().split('\n')[0]} (libnm0 unpacked too?)` };
  return { bin, env };
}
const nmcli = findNmcli();

/** NetworkManager's verdict on a keyfile: its normalized form, or its error. */
function parse(keyfile: string): { status: number | null; out: string; err: string } {
  if ('skip' in nmcli) throw new Error(nmcli.skip);
  // A modification that changes nothing: nmcli reads, verifies and writes the connection back.
  const id = /^id=(.*)$/m.exec(keyfile)?.[1] ?? 'x';
  const r = spawnSync(nmcli.bin, ['--offline', 'connection', 'modify', 'connection.id', id], { input: keyfile, encoding: 'utf8', env: nmcli.env });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** key=value lines of one [section] of a keyfile. */
function section(text: string, name: string): Record<string, string> {
  const body = text.split(/^\[/m).find((s) => s.startsWith(`${name}]`));
  if (!body) return {};
  return Object.fromEntries(body.split('\n').slice(1).filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

let laptop: DeploymentPlan;
let lan: DeploymentPlan;
const nmFiles = (files: RenderedFile[]) => files.filter((f) => f.path.startsWith('host/etc/NetworkManager/system-connections/'));

beforeAll(async () => {
  // The recorded Ubuntu Desktop laptop: netplan, whose only file says "renderer: NetworkManager".
  laptop = (await fixtureSession('laptop', undefined, ['ports', 'services'])).plan!;
  const edge = await fixturePlan('server-edge-lan');
  lan = { ...edge, host: { ...edge.host, networkConfig: 'NetworkManager' } };
});

describe('detection and choice of format', () => {
  it('the laptop\'s netplan renders through NetworkManager, so it gets keyfiles (0600) and no systemd-networkd files', () => {
    expect(laptop.host.networkConfig).toBe('NetworkManager');
    const files = renderHostFiles(laptop, HOST_TEMPLATES);
    expect(files.filter((f) => f.path.includes('/systemd/network/'))).toEqual([]);
    expect(nmFiles(files).map((f) => [f.path, f.mode])).toEqual([
      ['host/etc/NetworkManager/system-connections/ciab-br0.nmconnection', 0o600],
      ['host/etc/NetworkManager/system-connections/ciab-veth-br.nmconnection', 0o600],
      ['host/etc/NetworkManager/system-connections/ciab-veth-ext.nmconnection', 0o600],
    ]);
    // NetworkManager owns these links now: no snippet telling it to leave them alone.
    expect(files.some((f) => f.path.includes('/conf.d/'))).toBe(false);
  });

  it('a netplan server (no renderer line) keeps systemd-networkd files', async () => {
    const vm = (await fixtureSession('cloud-vm', 'images:\n  registry: registry.workshop.lan:5000\n')).plan!;
    expect(vm.host.networkConfig).toBe('netplan');
    expect(nmFiles(renderHostFiles(vm, HOST_TEMPLATES))).toEqual([]);
  });

  it('UUIDs are stable across renders and differ per link', () => {
    const uuids = (plan: DeploymentPlan) => nmFiles(renderHostFiles(plan, HOST_TEMPLATES)).map((f) => section(f.content, 'connection').uuid);
    const first = uuids(laptop);
    expect(uuids(laptop)).toEqual(first);
    expect(new Set(first).size).toBe(3);
    for (const u of first) expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe.skipIf('skip' in nmcli)(`NetworkManager's own keyfile parser${'skip' in nmcli ? ` (${nmcli.skip})` : ''}`, () => {
  it('accepts the local-access bridge, its port and the unaddressed kolla end, as meant', () => {
    const files = Object.fromEntries(nmFiles(renderHostFiles(laptop, HOST_TEMPLATES)).map((f) => [path.basename(f.path), f.content]));
    const parsed: Record<string, string> = {};
    for (const [name, text] of Object.entries(files)) {
      const r = parse(text);
      expect(r.status, `${name}: ${r.err}`).toBe(0);
      parsed[name] = r.out;
    }
    const bridge = parsed['ciab-br0.nmconnection']!;
    expect(section(bridge, 'connection')).toMatchObject({ type: 'bridge', 'interface-name': 'ciab-br0' });
    expect(section(bridge, 'ipv4')).toMatchObject({ method: 'manual', address1: laptop.network.localBridge!.gatewayCidr, 'never-default': 'true' });
    expect(section(bridge, 'ipv6')).toMatchObject({ method: 'disabled' });
    expect(section(bridge, 'bridge')).toMatchObject({ stp: 'false' });
    const port = parsed['ciab-veth-br.nmconnection']!;
    expect(section(port, 'connection')).toMatchObject({ type: 'veth', 'interface-name': 'ciab-veth-br', master: section(bridge, 'connection').uuid, 'slave-type': 'bridge' });
    expect(section(port, 'veth')).toMatchObject({ peer: 'ciab-veth-ext' });
    const kolla = parsed['ciab-veth-ext.nmconnection']!;
    expect(section(kolla, 'connection')).toMatchObject({ type: 'veth', 'interface-name': 'ciab-veth-ext' });
    expect(section(kolla, 'ipv4')).toMatchObject({ method: 'disabled' });
    expect(section(kolla, 'ipv6')).toMatchObject({ method: 'disabled' });
    expect(Object.keys(section(kolla, 'ipv4')).filter((k) => k.startsWith('address'))).toEqual([]);
  });

  it('accepts the LAN-access NIC: up, no IPv4, no IPv6', () => {
    const [nic] = nmFiles(renderHostFiles(lan, HOST_TEMPLATES));
    expect(nic!.path).toBe(`host/etc/NetworkManager/system-connections/ciab-${lan.network.externalInterface}.nmconnection`);
    expect(nic!.mode).toBe(0o600);
    const r = parse(nic!.content);
    expect(r.status, r.err).toBe(0);
    expect(section(r.out, 'connection')).toMatchObject({ type: 'ethernet', 'interface-name': lan.network.externalInterface });
    expect(section(r.out, 'ipv4')).toMatchObject({ method: 'disabled' });
    expect(section(r.out, 'ipv6')).toMatchObject({ method: 'disabled' });
  });

  it('refuses a broken keyfile (the check is real)', () => {
    const [bridge] = nmFiles(renderHostFiles(laptop, HOST_TEMPLATES));
    const r = parse(bridge!.content.replace('method=manual', 'method=manuall'));
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/ipv4\.method/);
  });
});
