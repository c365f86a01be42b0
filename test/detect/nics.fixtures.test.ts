// NIC and network detection against recorded hosts (test/fixtures/hosts/*/nics.json).
import { describe, expect, it } from 'vitest';
import { detectNetwork, UPLINK_TARGET } from '../../src/detect/nics.js';
import { DEFAULT_DETECT_OPTIONS, type DetectOptions } from '../../src/detect/index.js';
import { Network, Nic, type Note } from '../../src/model/facts.js';
import { createFixtureHost, loadHostFixture } from '../fakes/fixture-host.js';

const OFFLINE: DetectOptions = { ...DEFAULT_DETECT_OPTIONS, uplink: false };

async function detectFixture(name: string, options: DetectOptions = OFFLINE) {
  const notes: Note[] = [];
  const result = await detectNetwork(createFixtureHost(loadHostFixture(name, ['nics'])), notes, options);
  // What detectHost validates anyway; failing here points at this module.
  Nic.array().parse(result.nics);
  Network.parse(result.network);
  const nic = (n: string) => {
    const found = result.nics.find((x) => x.name === n);
    if (!found) throw new Error(`no NIC ${n} in ${result.nics.map((x) => x.name).join(', ')}`);
    return found;
  };
  return { ...result, notes, nic };
}

describe('laptop: Wi-Fi uplink, unplugged Ethernet, docker0, resolved stub, 127.0.1.1 trap', () => {
  it('lists every interface in ifindex order, down and unaddressed ones included', async () => {
    const { nics } = await detectFixture('laptop');
    expect(nics.map((n) => n.name)).toEqual(['lo', 'enp0s31f6', 'wlp0s20f3', 'docker0']);
  });

  it('classifies kinds from sysfs and ip', async () => {
    const { nic } = await detectFixture('laptop');
    expect(nic('lo').kind).toBe('loopback');
    expect(nic('enp0s31f6').kind).toBe('physical');
    expect(nic('wlp0s20f3').kind).toBe('wireless');
    expect(nic('docker0').kind).toBe('bridge');
  });

  it('reads link state, driver and addresses', async () => {
    const { nic } = await detectFixture('laptop');
    expect(nic('enp0s31f6')).toMatchObject({
      operstate: 'down',
      carrier: null,
      speedMbps: null,
      driver: 'e1000e',
      mac: '8c:16:45:aa:bb:01',
      addresses: [],
      role: null,
    });
    expect(nic('wlp0s20f3')).toMatchObject({
      operstate: 'up',
      carrier: true,
      driver: 'iwlwifi',
      mtu: 1500,
      defaultRoute: true,
      role: 'management',
    });
    expect(nic('wlp0s20f3').addresses).toContainEqual({ family: 'inet', address: '192.0.2.57', prefixlen: 24, scope: 'global', dynamic: true });
    expect(nic('docker0')).toMatchObject({ operstate: 'down', carrier: null, role: null, master: null });
    expect(nic('lo')).toMatchObject({ operstate: 'unknown', carrier: true, mtu: 65536, role: null });
  });

  it('finds the default route, the real DNS upstreams behind the stub, and the hostname trap', async () => {
    const { network, notes } = await detectFixture('laptop');
    expect(network.defaultRoute).toEqual({ interface: 'wlp0s20f3', gateway: '192.0.2.1' });
    expect(network.dns).toEqual(['192.0.2.1', '198.51.100.53']);
    expect(network.hostname).toBe('lappy');
    expect(network.hostnameAddresses).toEqual(['127.0.1.1']);
    expect(network.hostnameLoopbackTrap).toBe(true);
    expect(network.uplink).toEqual({ checked: false, reachable: null, target: 'quay.io:443', ms: null, error: null });
    expect(notes).toEqual([]);
  });
});

describe('server: bond in a bridge, a spare 25G port, a VLAN', () => {
  it('lists every interface and skips the bonding_masters control file', async () => {
    const { nics } = await detectFixture('server');
    expect(nics.map((n) => n.name)).toEqual(['lo', 'eno1', 'eno2', 'enp65s0f0', 'enp65s0f1', 'bond0', 'br0', 'br0.100']);
  });

  it('classifies kinds and masters', async () => {
    const { nic } = await detectFixture('server');
    expect(nic('eno1')).toMatchObject({ kind: 'physical', master: 'bond0', driver: 'igb', speedMbps: 1000, role: null });
    expect(nic('eno2')).toMatchObject({ kind: 'physical', master: 'bond0', role: null });
    expect(nic('bond0')).toMatchObject({ kind: 'bond', master: 'br0', role: null });
    expect(nic('br0')).toMatchObject({ kind: 'bridge', master: null });
    expect(nic('br0.100')).toMatchObject({ kind: 'vlan', master: null });
    expect(nic('enp65s0f1')).toMatchObject({ kind: 'physical', operstate: 'down', carrier: null, role: null });
  });

  it('management on the bridge with the default route; the cabled spare port is the external candidate', async () => {
    const { nic, nics } = await detectFixture('server');
    expect(nic('br0')).toMatchObject({ defaultRoute: true, role: 'management' });
    expect(nic('br0').addresses).toContainEqual({ family: 'inet', address: '198.51.100.10', prefixlen: 24, scope: 'global' });
    // Only a link-local IPv6 address: still unaddressed for kolla.
    expect(nic('enp65s0f0')).toMatchObject({
      kind: 'physical',
      operstate: 'up',
      carrier: true,
      speedMbps: 25000,
      driver: 'mlx5_core',
      role: 'external',
    });
    // The VLAN has an address, so it is not a candidate.
    expect(nic('br0.100')).toMatchObject({ role: null });
    expect(nics.filter((n) => n.role === 'external').map((n) => n.name)).toEqual(['enp65s0f0']);
    expect(nics.filter((n) => n.role === 'management').map((n) => n.name)).toEqual(['br0']);
  });

  it('reads DNS straight from resolv.conf and resolves the hostname to the management address', async () => {
    const { network, notes } = await detectFixture('server');
    expect(network.defaultRoute).toEqual({ interface: 'br0', gateway: '198.51.100.1' });
    expect(network.dns).toEqual(['198.51.100.53', '198.51.100.54']);
    expect(network.hostname).toBe('edge01');
    expect(network.hostnameAddresses).toEqual(['198.51.100.10']);
    expect(network.hostnameLoopbackTrap).toBe(false);
    expect(notes).toEqual([]);
  });
});

describe('cloud-vm: one virtio NIC', () => {
  it('a virtio NIC is physical, its speed -1 is null', async () => {
    const { nics, nic } = await detectFixture('cloud-vm');
    expect(nics.map((n) => n.name)).toEqual(['lo', 'ens3']);
    expect(nic('ens3')).toMatchObject({
      kind: 'physical',
      driver: 'virtio_net',
      speedMbps: null,
      carrier: true,
      mac: 'fa:16:3e:4d:2a:01',
      defaultRoute: true,
      role: 'management',
    });
    expect(nic('lo').kind).toBe('loopback');
  });

  it('network facts', async () => {
    const { network, notes } = await detectFixture('cloud-vm');
    expect(network.defaultRoute).toEqual({ interface: 'ens3', gateway: '10.99.7.1' });
    expect(network.dns).toEqual(['10.99.7.2', '10.99.7.3']);
    expect(network.hostname).toBe('ciab-vm');
    expect(network.hostnameAddresses).toEqual(['10.99.7.15']);
    expect(network.hostnameLoopbackTrap).toBe(false);
    expect(notes).toEqual([]);
  });

  it('probes the uplink when asked, with the exported target', async () => {
    const calls: unknown[][] = [];
    const reader = createFixtureHost(loadHostFixture('cloud-vm', ['nics']), {
      tcpConnect: async (...args) => {
        calls.push(args);
        return { ok: true, ms: 42, error: null };
      },
    });
    const { network } = await detectNetwork(reader, [], { ...OFFLINE, uplink: true });
    expect(calls).toEqual([[UPLINK_TARGET.host, UPLINK_TARGET.port, UPLINK_TARGET.timeoutMs]]);
    expect(UPLINK_TARGET).toMatchObject({ host: 'quay.io', port: 443, timeoutMs: 1500 });
    expect(network.uplink).toEqual({ checked: true, reachable: true, target: 'quay.io:443', ms: 42, error: null });
  });

  it('an unreachable uplink is a fact, not a failure', async () => {
    const recording = loadHostFixture('cloud-vm', ['nics']);
    recording.tcp['quay.io:443'] = { ok: false, ms: null, error: 'ENOTFOUND' };
    const { network } = await detectNetwork(createFixtureHost(recording), [], { ...OFFLINE, uplink: true });
    expect(network.uplink).toMatchObject({ checked: true, reachable: false, ms: null, error: 'ENOTFOUND' });
  });
});
