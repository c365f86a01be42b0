// The real thing: build interfaces in a private network namespace and run the built CLI inside it
// (`ip netns exec` remounts /sys, so /sys/class/net shows only the namespace's links). Nothing here touches
// the root namespace's interfaces, routes or DNS: that uplink is how everyone reaches the registries.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectNetwork } from '../../src/detect/nics.js';
import { DEFAULT_DETECT_OPTIONS } from '../../src/detect/index.js';
import { createHostReader } from '../../src/env/host.js';
import { HostFacts, type Nic, type Note } from '../../src/model/facts.js';
import { runCiab } from '../helpers/cli.js';
import { describeIfAvailable } from '../helpers/require.js';
import { cpuMsOf } from '../helpers/cpu.js';

const NS = `ciab-nics-${process.pid}-${randomBytes(3).toString('hex')}`;
// TEST addresses only (10.99.x); all traffic stays inside the namespace.
const VETH_ADDR = '10.99.0.2';
const BRIDGE_ADDR = '10.99.0.1';
const GATEWAY = '10.99.0.254';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Why this machine cannot run the namespace test, or null when it can. */
function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (creates a network namespace)';
  try {
    ip('netns', 'list');
  } catch (error) {
    return `\`ip netns\` is unavailable (${(error as Error).message.split('\n')[0]})`;
  }
  return null;
}

const skipReason = netnsUnavailable();

/** Wait until the kernel reports every link up (veth/bridge operstate settles asynchronously). */
async function waitUntilUp(names: string[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const links = JSON.parse(ip('-n', NS, '-j', 'link', 'show')) as Array<{ ifname: string; operstate: string }>;
    const notUp = names.filter((n) => links.find((l) => l.ifname === n)?.operstate !== 'UP');
    if (notUp.length === 0) return;
    if (Date.now() > deadline) throw new Error(`links not up after ${timeoutMs} ms: ${notUp.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeIfAvailable('in a network namespace', skipReason, () => {
  let facts: HostFacts;
  let stderr = '';

  beforeAll(async () => {
    ip('netns', 'add', NS);
    // Every command below is scoped with -n NS.
    const n = (...args: string[]) => ip('-n', NS, ...args);
    n('link', 'set', 'lo', 'up');
    // veth pair: va addressed, vb enslaved to the bridge that carries the default route.
    n('link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
    n('link', 'add', 'br-mgmt', 'type', 'bridge');
    n('link', 'set', 'vb', 'master', 'br-mgmt');
    n('addr', 'add', `${VETH_ADDR}/24`, 'dev', 'va');
    n('addr', 'add', `${BRIDGE_ADDR}/24`, 'dev', 'br-mgmt');
    // Second pair: up, unaddressed: the external-interface candidates.
    n('link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'ext1');
    for (const link of ['va', 'vb', 'br-mgmt', 'ext0', 'ext1']) n('link', 'set', link, 'up');
    await waitUntilUp(['va', 'vb', 'br-mgmt', 'ext0', 'ext1']);
    n('route', 'add', 'default', 'via', GATEWAY, 'dev', 'br-mgmt');

    const result = await runCiab(['detect', '--json', '--no-uplink-check'], { prefix: ['ip', 'netns', 'exec', NS] });
    stderr = result.stderr;
    expect(result.code, `ciab detect failed: ${result.stderr}`).toBe(0);
    facts = HostFacts.parse(JSON.parse(result.stdout));
  }, 60_000);

  afterAll(() => {
    // Deleting the namespace destroys every link in it, even if setup failed half-way.
    try {
      ip('netns', 'del', NS);
    } catch {
      // never created
    }
  });

  const nic = (name: string): Nic => {
    const found = facts.nics.find((x) => x.name === name);
    if (!found) throw new Error(`no NIC ${name} in ${facts.nics.map((x) => x.name).join(', ')}\n${stderr}`);
    return found;
  };

  it('sees exactly the namespace interfaces', () => {
    expect(facts.nics.map((x) => x.name).sort()).toEqual(['br-mgmt', 'ext0', 'ext1', 'lo', 'va', 'vb']);
  });

  it('kinds come from sysfs and ip: veth, bridge, loopback', () => {
    expect(nic('lo').kind).toBe('loopback');
    expect(nic('va').kind).toBe('veth');
    expect(nic('vb').kind).toBe('veth');
    expect(nic('ext0').kind).toBe('veth');
    expect(nic('br-mgmt').kind).toBe('bridge');
  });

  it('master and addresses', () => {
    expect(nic('vb').master).toBe('br-mgmt');
    expect(nic('va').master).toBeNull();
    expect(nic('va').addresses).toContainEqual({ family: 'inet', address: VETH_ADDR, prefixlen: 24, scope: 'global' });
    expect(nic('br-mgmt').addresses).toContainEqual({ family: 'inet', address: BRIDGE_ADDR, prefixlen: 24, scope: 'global' });
    expect(nic('ext0').addresses.filter((a) => a.family === 'inet')).toEqual([]);
    expect(nic('lo').addresses).toContainEqual({ family: 'inet', address: '127.0.0.1', prefixlen: 8, scope: 'host' });
  });

  it('link state: up with carrier, veth speed, no device driver', () => {
    for (const name of ['va', 'vb', 'br-mgmt', 'ext0']) expect(nic(name)).toMatchObject({ operstate: 'up', carrier: true, driver: null });
    expect(nic('ext0').mtu).toBe(1500);
    expect(nic('ext0').mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  });

  it('roles: management on the default-route bridge, external on the unaddressed up veths', () => {
    expect(nic('br-mgmt')).toMatchObject({ defaultRoute: true, role: 'management' });
    expect(nic('ext0').role).toBe('external');
    expect(nic('ext1').role).toBe('external');
    // Addressed, enslaved or loopback: not candidates.
    expect(nic('va').role).toBeNull();
    expect(nic('vb').role).toBeNull();
    expect(nic('lo').role).toBeNull();
  });

  it('default route and uplink', () => {
    expect(facts.network.defaultRoute).toEqual({ interface: 'br-mgmt', gateway: GATEWAY });
    expect(facts.network.uplink).toMatchObject({ checked: false, reachable: null });
  });
});

describe('the root namespace, read-only', () => {
  it('finds the default-route interface without throwing', async () => {
    const notes: Note[] = [];
    let detected: Awaited<ReturnType<typeof detectNetwork>> | undefined;
    const ms = await cpuMsOf(async () => (detected = await detectNetwork(createHostReader(), notes, { ...DEFAULT_DETECT_OPTIONS, uplink: false })));
    const { nics, network } = detected!;
    expect(nics.length).toBeGreaterThan(0);
    expect(nics.find((x) => x.kind === 'loopback')?.name).toBe('lo');

    let expected: string | null = null;
    try {
      const routes = JSON.parse(ip('-j', 'route', 'show', 'default') || '[]') as Array<{ dev?: string; metric?: number }>;
      expected = routes.filter((r) => r.dev).sort((a, b) => (a.metric ?? 0) - (b.metric ?? 0))[0]?.dev ?? null;
    } catch {
      // no ip here: only "did not throw" can be checked
    }
    if (expected !== null) {
      expect(network.defaultRoute?.interface).toBe(expected);
      expect(nics.find((x) => x.name === expected)).toMatchObject({ defaultRoute: true, role: 'management' });
    }
    // All reads are parallel and direct: far below a second of CPU (CPU, not wall time: the wall time on a
    // shared 2-core machine is everyone else's load).
    expect(ms).toBeLessThan(1000);
  });
});
