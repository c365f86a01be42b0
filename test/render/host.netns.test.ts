// The rendered ifupdown stanza and NAT script, APPLIED for real inside three private network namespaces:
//   host     — where ciab's files run: "uplink0" (its management NIC) is a veth into…
//   outside  — the world: a default route back, and a listener that records who connected;
//   instance — an instance on the floating network, plugged in through the kolla end of the veth pair.
// Nothing here touches the root namespace's interfaces, routes, firewall or sysctl: every command runs with
// `ip -n NS` or `ip netns exec NS`, and every namespace is deleted in afterAll, even on failure.
// TEST addresses only: 192.0.2.0/24 (uplink), 203.0.113.0/24 (a second uplink), 198.51.100.0/24 (the outside),
// the plan's 10.20.20.0/24.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { HOST_TEMPLATES } from '../helpers/inputs.js';
import { renderHostFiles } from '../../src/render/host.js';
import { describeIfAvailable } from '../helpers/require.js';
import {
  createUplinkSandbox,
  hasTool as has,
  HOST_UPLINK_IP,
  inNs,
  ipIn,
  netnsUnavailable,
  removeNetns,
  UPLINK,
  uniqueNetnsName,
  uplinkPlan,
  WORLD_SERVER_IP as OUTSIDE_SERVER,
  WORLD_UPLINK_IP as OUTSIDE_UPLINK_IP,
} from '../helpers/netns.js';
import { waitUntil } from '../helpers/wait.js';

// host and outside are test/helpers/netns.ts's "host" and "world"; the instance is a third namespace.
const NS = { host: uniqueNetnsName('h'), outside: uniqueNetnsName('o'), instance: uniqueNetnsName('i') };
const INSTANCE_IP = '10.20.20.50';
const SECOND_UPLINK = 'uplink1';
const HOST_SECOND_IP = '203.0.113.2';
const OUTSIDE_SECOND_IP = '203.0.113.1';

const skipReason = netnsUnavailable(['ifup', 'ifdown', 'python3', 'ping'], 'iproute2 ifupdown python3 iputils-ping');

interface Link {
  ifname: string;
  operstate: string;
  master?: string;
  addr_info: Array<{ family: string; local: string; prefixlen: number }>;
}
const links = (ns: string): Link[] => JSON.parse(ipIn(ns, '-j', 'address', 'show')) as Link[];
const link = (ns: string, name: string): Link | undefined => links(ns).find((l) => l.ifname === name);

const waitFor = (what: string, ok: () => boolean, timeoutMs = 30_000) => waitUntil(ok, what, timeoutMs);

/** One TCP connection from the instance to the outside; returns the source address the outside saw. */
async function peerSeenOutside(port: number): Promise<string> {
  const server = `
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('${OUTSIDE_SERVER}', ${port})); s.listen(1); s.settimeout(10)
print('ready', flush=True)
conn, peer = s.accept(); print(peer[0], flush=True); conn.close()
`;
  const listener = spawn('ip', ['netns', 'exec', NS.outside, 'python3', '-c', server], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  listener.stdout.on('data', (d: Buffer) => (out += d.toString()));
  listener.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => listener.on('exit', resolve));
  try {
    await waitFor(`the listener in ${NS.outside} (${err})`, () => out.includes('ready'));
    inNs(NS.instance, 'python3', ['-c', `import socket; socket.create_connection(('${OUTSIDE_SERVER}', ${port}), timeout=5).close()`]);
    const code = await exited;
    if (code !== 0) throw new Error(`listener failed (${code}): ${err}`);
    return out.split('\n')[1]!.trim();
  } finally {
    listener.kill();
  }
}

describeIfAvailable('ifupdown stanza and NAT script in network namespaces', skipReason, () => {
  let dir = '';
  let plan: DeploymentPlan;
  let interfaces = '';
  let nat = '';
  const ifupdown = (command: 'ifup' | 'ifdown') =>
    inNs(NS.host, command, ['-i', interfaces, '--state-dir', path.join(dir, 'state'), '--no-scripts', '--no-mappings', plan.network.localBridge!.bridge]);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ciab-netns-'));
    // The laptop's local-access workshop plan, on an ifupdown host whose management NIC is this test's uplink.
    plan = await uplinkPlan();
    const files = renderHostFiles(plan, HOST_TEMPLATES);
    interfaces = path.join(dir, 'interfaces');
    writeFileSync(interfaces, files.find((f) => f.path === 'host/etc/network/interfaces.d/60-ciab')!.content);
    nat = path.join(dir, 'ciab-nat');
    writeFileSync(nat, files.find((f) => f.path === 'host/usr/local/sbin/ciab-nat')!.content);
    chmodSync(nat, 0o755);
    mkdirSync(path.join(dir, 'state'), { recursive: true });
    // host ⇄ outside: the uplink, with the outside as default gateway. The outside has a default route back:
    // without NAT the instance's own address arrives, and is seen.
    createUplinkSandbox({ host: NS.host, world: NS.outside, others: [NS.instance] }, { routeBack: true });
  }, 60_000);

  afterAll(() => {
    removeNetns(Object.values(NS));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ifup creates the bridge with the gateway address, and the veth pair: host end enslaved, kolla end up with no address', async () => {
    const b = plan.network.localBridge!;
    ifupdown('ifup');
    await waitFor('the bridge and both veth ends up', () => [b.bridge, b.vethHost, b.vethKolla].every((n) => link(NS.host, n)?.operstate === 'UP'));
    const bridge = link(NS.host, b.bridge)!;
    expect(bridge.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).toEqual([b.gatewayCidr]);
    expect(link(NS.host, b.vethHost)!.master).toBe(b.bridge);
    expect(link(NS.host, b.vethHost)!.addr_info).toEqual([]);
    expect(link(NS.host, b.vethKolla)!.master).toBeUndefined();
    // No IPv4, and no IPv6 either (not even link-local): neutron/OVS takes this end as it is.
    expect(link(NS.host, b.vethKolla)!.addr_info).toEqual([]);
    expect(inNs(NS.host, 'cat', [`/proc/sys/net/ipv6/conf/${b.vethKolla}/disable_ipv6`]).trim()).toBe('1');
    // The uplink (management NIC) is exactly as it was.
    expect(link(NS.host, UPLINK)!.addr_info.filter((a) => a.family === 'inet').map((a) => a.local)).toEqual([HOST_UPLINK_IP]);
  });

  it('an instance behind the kolla end reaches the bridge gateway', async () => {
    const b = plan.network.localBridge!;
    // Stand-in for OVS br-ex plus a router port: move the kolla end into the instance namespace.
    ipIn(NS.host, 'link', 'set', b.vethKolla, 'netns', NS.instance);
    ipIn(NS.instance, 'addr', 'add', `${INSTANCE_IP}/24`, 'dev', b.vethKolla);
    ipIn(NS.instance, 'link', 'set', b.vethKolla, 'up');
    ipIn(NS.instance, 'route', 'add', 'default', 'via', plan.network.floating.gateway);
    await waitFor('the kolla end up in the instance', () => link(NS.instance, b.vethKolla)?.operstate === 'UP');
    inNs(NS.instance, 'ping', ['-c', '1', '-W', '3', plan.network.floating.gateway]);
  });

  const backends = (['nft', 'iptables'] as const).filter((b) => has(b));
  const count: Record<(typeof backends)[number], () => number> = {
    nft: () => (inNs(NS.host, 'nft', ['list', 'ruleset']).match(/masquerade/g) ?? []).length,
    iptables: () => inNs(NS.host, 'iptables', ['-w', '-t', 'nat', '-S', 'POSTROUTING']).split('\n').filter((l) => l.includes('ciab-nat')).length,
  };
  let port = 18080;

  it.each(backends)('NAT with %s: masquerades the floating network out of the uplink, idempotently; stop removes exactly its rules', async (backend) => {
    const env = { CIAB_NAT_BACKEND: backend };
    // Forwarding is per namespace: the script turns it on in the host namespace only.
    inNs(NS.host, nat, ['start'], env);
    expect(inNs(NS.host, 'cat', ['/proc/sys/net/ipv4/ip_forward']).trim()).toBe('1');
    expect(count[backend]()).toBe(1);
    inNs(NS.host, nat, ['start'], env);
    expect(count[backend](), 'a second start adds no rule').toBe(1);

    inNs(NS.instance, 'ping', ['-c', '1', '-W', '3', OUTSIDE_SERVER]);
    expect(await peerSeenOutside(port++)).toBe(HOST_UPLINK_IP);

    inNs(NS.host, nat, ['stop'], env);
    expect(count[backend]()).toBe(0);
    inNs(NS.host, nat, ['stop'], env);
    // Without the rule the outside sees the instance's own address: the masquerade was ciab's, and it is gone.
    expect(await peerSeenOutside(port++)).toBe(INSTANCE_IP);
  });

  it.each(backends)('NAT with %s follows the uplink: a second NIC carrying the default route is masqueraded too (W12)', async (backend) => {
    const env = { CIAB_NAT_BACKEND: backend };
    // A laptop that moves from Wi-Fi to cable: the same outside, reached through another link of the host.
    ipIn(NS.host, 'link', 'add', SECOND_UPLINK, 'type', 'veth', 'peer', 'name', 'wan1', 'netns', NS.outside);
    ipIn(NS.host, 'addr', 'add', `${HOST_SECOND_IP}/24`, 'dev', SECOND_UPLINK);
    ipIn(NS.host, 'link', 'set', SECOND_UPLINK, 'up');
    ipIn(NS.outside, 'addr', 'add', `${OUTSIDE_SECOND_IP}/24`, 'dev', 'wan1');
    ipIn(NS.outside, 'link', 'set', 'wan1', 'up');
    try {
      ipIn(NS.host, 'route', 'replace', 'default', 'via', OUTSIDE_SECOND_IP);
      inNs(NS.host, nat, ['start'], env);
      expect(await peerSeenOutside(port++)).toBe(HOST_SECOND_IP);
      inNs(NS.host, nat, ['stop'], env);
    } finally {
      ipIn(NS.host, 'route', 'replace', 'default', 'via', OUTSIDE_UPLINK_IP);
      ipIn(NS.host, 'link', 'del', SECOND_UPLINK);
    }
  });

  it('stop leaves other NAT rules alone', () => {
    const backend = backends.includes('iptables') ? 'iptables' : null;
    if (!backend) return;
    const other = ['-t', 'nat', '-A', 'POSTROUTING', '-s', '10.99.0.0/24', '-o', UPLINK, '-j', 'MASQUERADE'];
    inNs(NS.host, 'iptables', ['-w', ...other]);
    inNs(NS.host, nat, ['start'], { CIAB_NAT_BACKEND: 'iptables' });
    inNs(NS.host, nat, ['stop']);
    const rules = inNs(NS.host, 'iptables', ['-w', '-t', 'nat', '-S', 'POSTROUTING']);
    expect(rules).toMatch(/-s 10\.99\.0\.0\/24 -o uplink0 -j MASQUERADE/);
    expect(rules).not.toMatch(/ciab-nat/);
  });

  it('ifdown removes the bridge and the veth pair, and nothing else', () => {
    ifupdown('ifdown');
    const b = plan.network.localBridge!;
    const names = links(NS.host).map((l) => l.ifname);
    expect(names).not.toContain(b.bridge);
    expect(names).not.toContain(b.vethHost);
    expect(links(NS.instance).map((l) => l.ifname)).not.toContain(b.vethKolla);
    expect(names).toContain(UPLINK);
  });
});
