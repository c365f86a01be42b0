// A sandbox of private network namespaces for tests that APPLY host network configuration: a "host" namespace
// whose uplink (a veth pair, uplink0 ⇄ wan0) leads to a "world" namespace holding the default gateway and a server
// address. Names are unique per process (pid + random), and removeNetns() in afterAll deletes every namespace, so a failed test
// leaves nothing behind. Nothing here touches the root namespace: every command runs with `ip -n NS` or
// `ip netns exec NS`. TEST addresses only: 192.0.2.0/24 (the uplink), 198.51.100.10 (a server in the world).
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { planSession } from '../../src/app/session.js';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { fixtureFacts } from './facts.js';
import { loadProfiles } from './inputs.js';

export const UPLINK = 'uplink0';
export const HOST_UPLINK_IP = '192.0.2.2';
export const WORLD_UPLINK_IP = '192.0.2.1';
export const WORLD_SERVER_IP = '198.51.100.10';

export const hasTool = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

/** Why the namespace tests cannot run here (root, `ip netns`, the tools, a firewall), or null. */
export function netnsUnavailable(tools: string[], aptHint: string): string | null {
  if (process.getuid?.() !== 0) return 'needs root (creates network namespaces)';
  const missing = ['ip', ...tools].filter((t) => !hasTool(t));
  if (missing.length > 0) return `missing ${missing.join(', ')} (apt: ${aptHint})`;
  if (!hasTool('nft') && !hasTool('iptables')) return 'neither nft nor iptables (apt: nftables iptables)';
  if (spawnSync('ip', ['netns', 'list'], { stdio: 'ignore' }).status !== 0) return '`ip netns` is unavailable';
  return null;
}

/** Runs a command, returns its stdout; throws with its stderr when it fails. */
export const runCommand = (command: string, args: string[], env?: NodeJS.ProcessEnv): string =>
  execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: env ? { ...process.env, ...env } : process.env });
export const ipIn = (ns: string, ...args: string[]): string => runCommand('ip', ['-n', ns, ...args]);
export const inNs = (ns: string, command: string, args: string[], env?: NodeJS.ProcessEnv): string => runCommand('ip', ['netns', 'exec', ns, command, ...args], env);
export const shIn = (ns: string, script: string): string => inNs(ns, 'sh', ['-c', script]);

/** A unique namespace name: `ciab-<role>-<pid><random>` (short: interface-sized names read better in `ip` output). */
export function uniqueNetnsName(role: string): string {
  return `ciab-${role}-${process.pid % 100000}${randomBytes(2).toString('hex')}`;
}

/** Deletes the namespaces (those that exist; never throws: it runs in afterAll, after failures too). */
export function removeNetns(names: string[]): void {
  for (const ns of names) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
}

/**
 * Creates the namespaces `host`, `world` and `others` (all with lo up) and the uplink: host has UPLINK at
 * HOST_UPLINK_IP/24 with the default route via the world; the world has wan0 at WORLD_UPLINK_IP/24 and
 * WORLD_SERVER_IP/32 on lo. `routeBack` gives the world a default route back to the host (without it, only
 * masqueraded traffic is answered). On a failure halfway, what was created is removed before the error propagates.
 */
export function createUplinkSandbox(ns: { host: string; world: string; others?: string[] }, opts: { routeBack: boolean }): void {
  const all = [ns.host, ns.world, ...(ns.others ?? [])];
  try {
    for (const name of all) {
      runCommand('ip', ['netns', 'add', name]);
      ipIn(name, 'link', 'set', 'lo', 'up');
    }
    ipIn(ns.host, 'link', 'add', UPLINK, 'type', 'veth', 'peer', 'name', 'wan0', 'netns', ns.world);
    ipIn(ns.host, 'addr', 'add', `${HOST_UPLINK_IP}/24`, 'dev', UPLINK);
    ipIn(ns.host, 'link', 'set', UPLINK, 'up');
    ipIn(ns.host, 'route', 'add', 'default', 'via', WORLD_UPLINK_IP);
    ipIn(ns.world, 'addr', 'add', `${WORLD_UPLINK_IP}/24`, 'dev', 'wan0');
    ipIn(ns.world, 'addr', 'add', `${WORLD_SERVER_IP}/32`, 'dev', 'lo');
    ipIn(ns.world, 'link', 'set', 'wan0', 'up');
    if (opts.routeBack) ipIn(ns.world, 'route', 'add', 'default', 'via', HOST_UPLINK_IP);
  } catch (error) {
    removeNetns(all);
    throw error;
  }
}

/**
 * The recorded laptop's workshop plan (local access: bridge, veth pair, NAT) on an ifupdown host whose management
 * NIC is the sandbox's UPLINK: what both namespace tests apply. `host` overrides more of the host part.
 */
export async function uplinkPlan(host: Partial<DeploymentPlan['host']> = {}): Promise<DeploymentPlan> {
  const s = planSession({ facts: await fixtureFacts('laptop'), profiles: await loadProfiles(), sources: {}, options: { skip: ['ports', 'services'], vars: {} } });
  const real = s.plan!;
  return {
    ...real,
    host: { ...real.host, networkConfig: 'ifupdown', managementInterface: UPLINK, ...host },
    network: { ...real.network, localBridge: { ...real.network.localBridge!, natOut: UPLINK } },
  };
}
