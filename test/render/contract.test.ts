// Contract tests against kolla-ansible 2026.1's own files, read from the pinned package in the kolla venv
// (scripts/kolla-venv.sh): every globals key we write is a variable kolla defines, booleans are booleans, and
// the inventory has every group of the release's all-in-one with the same children.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { parse } from 'yaml';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { renderGlobals } from '../../src/render/globals.js';
import { HOST_GROUPS, renderInventory } from '../../src/render/inventory.js';
import { FIXTURE_PLANS, fixturePlan } from '../helpers/plans.js';
import { ensureKollaVenv, needVenv, type KollaVenv, type VenvUnavailable } from '../kolla/harness.js';

function topLevelKeys(file: string): string[] {
  return Object.keys(parse(readFileSync(file, 'utf8')) ?? {});
}

/** Variables of group_vars/{all,baremetal} of kolla's ansible/ tree. */
function groupVariables(ansibleDir: string): Set<string> {
  const names = new Set<string>();
  for (const group of ['all', 'baremetal']) {
    const dir = path.join(ansibleDir, 'group_vars', group);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) for (const key of topLevelKeys(path.join(dir, file))) names.add(key);
  }
  return names;
}

/** Variables of every role's defaults/main.yml in kolla's ansible/ tree. */
function roleDefaults(ansibleDir: string): Set<string> {
  const names = new Set<string>();
  const roles = path.join(ansibleDir, 'roles');
  for (const role of readdirSync(roles)) {
    try {
      for (const key of topLevelKeys(path.join(roles, role, 'defaults', 'main.yml'))) names.add(key);
    } catch {
      // a role without defaults
    }
  }
  return names;
}

/**
 * Keys of the openstack.kolla collection's roles (docker: roles/docker/defaults/main.yml), which bootstrap-servers
 * runs; the collection comes from git through install-deps, so it is not in the package this test can read.
 */
export const COLLECTION_KEYS = ['docker_http_proxy', 'docker_https_proxy', 'docker_no_proxy'];

/** Keys of a globals.yml that kolla does not define: typos like enable_cinder_backend_lvm2. */
export function unknownKollaKeys(globalsText: string, defined: Set<string>): string[] {
  return Object.keys(parse(globalsText) ?? {}).filter((key) => !defined.has(key) && !COLLECTION_KEYS.includes(key));
}

function parseInventory(text: string): Map<string, { hosts: string[]; children: string[] }> {
  const groups = new Map<string, { hosts: string[]; children: string[] }>();
  let current: { hosts: string[]; children: string[] } | null = null;
  let kind: 'hosts' | 'children' = 'hosts';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const section = /^\[([^\]:]+)(:children)?\]$/.exec(line);
    if (section) {
      current = groups.get(section[1]!) ?? { hosts: [], children: [] };
      groups.set(section[1]!, current);
      kind = section[2] ? 'children' : 'hosts';
    } else current?.[kind].push(line.split(/\s+/)[0]!);
  }
  return groups;
}

let venv: KollaVenv | VenvUnavailable;
const plans: Record<string, DeploymentPlan> = {};
beforeAll(async () => {
  venv = await ensureKollaVenv();
  for (const p of FIXTURE_PLANS) plans[p.name] = await fixturePlan(p.name);
}, 600_000);

/** kolla's ansible/ tree in the pinned package; skips (fails under CIAB_REQUIRE_REAL=1) without the venv. */
const kollaAnsible = (ctx: TestContext): string => path.join(needVenv(ctx, venv).share, 'ansible');

let definedCache: { group: Set<string>; all: Set<string> } | undefined;
function kollaVariables(ctx: TestContext): { group: Set<string>; all: Set<string> } {
  const dir = kollaAnsible(ctx);
  definedCache ??= (() => {
    const group = groupVariables(dir);
    return { group, all: new Set([...group, ...roleDefaults(dir)]) };
  })();
  return definedCache;
}

describe('globals.yml', () => {
  it('kolla 2026.1 group_vars define 813 variables plus the baremetal interpreter, role defaults more (the check has something to check against)', (ctx) => {
    const { group, all } = kollaVariables(ctx);
    expect(group.size).toBe(814);
    expect(all.size).toBeGreaterThan(group.size);
  });

  it('a misspelt key is caught by the check', (ctx) => {
    expect(unknownKollaKeys('enable_cinder_backend_lvm2: true\nenable_cinder: true\n', kollaVariables(ctx).all)).toEqual(['enable_cinder_backend_lvm2']);
  });

  it.for(FIXTURE_PLANS.map((p) => p.name))('%s: every key is a variable kolla defines (group_vars or role defaults)', (name, ctx) => {
    expect(unknownKollaKeys(renderGlobals(plans[name]!).content, kollaVariables(ctx).all)).toEqual([]);
  });

  it.each(FIXTURE_PLANS.map((p) => p.name))('%s: booleans are YAML booleans, every key has its reason', (name) => {
    const file = renderGlobals(plans[name]!);
    const values = parse(file.content) as Record<string, unknown>;
    for (const [key, value] of Object.entries(values)) {
      if (key.startsWith('enable_') || key.startsWith('kolla_enable_')) expect(typeof value, key).toBe('boolean');
      expect(file.content, key).toMatch(new RegExp(`# .+\\n${key}:`));
    }
    expect(file.content).not.toMatch(/: "?(yes|no)"?$/m);
  });

  it('single-node traps: no HAProxy → VIP is the management IP and ProxySQL is off; external interface has no IP; qemu without KVM', () => {
    const laptop = parse(renderGlobals(plans['laptop-workshop']!).content) as Record<string, unknown>;
    expect(laptop).toMatchObject({ enable_haproxy: false, enable_proxysql: false, kolla_internal_vip_address: plans['laptop-workshop']!.host.managementIp });
    expect(laptop.neutron_external_interface).toBe('ciab-veth-ext');
    expect(laptop).not.toHaveProperty('nova_compute_virt_type');
    const vm = parse(renderGlobals(plans['cloud-vm-workshop-qemu']!).content) as Record<string, unknown>;
    expect(vm.nova_compute_virt_type).toBe('qemu');
    const edge = parse(renderGlobals(plans['server-edge-lan']!).content) as Record<string, unknown>;
    expect(edge).not.toHaveProperty('enable_haproxy');
    expect(edge.kolla_internal_vip_address).toBe('198.51.100.250');
    expect(edge.neutron_external_interface).toBe('enp65s0f0');
  });
});

describe('inventory', () => {
  const reference = (ctx: TestContext) => parseInventory(readFileSync(path.join(kollaAnsible(ctx), 'inventory', 'all-in-one'), 'utf8'));

  it('has exactly the release\'s 177 groups, each with the same children', (ctx) => {
    const ours = parseInventory(renderInventory(plans['server-sandbox']!).content);
    const ref = reference(ctx);
    expect(ref.size).toBe(177);
    expect([...ours.keys()].sort()).toEqual([...ref.keys()].sort());
    for (const [group, { children }] of ref) expect([...ours.get(group)!.children].sort(), group).toEqual([...children].sort());
  });

  it('puts this host, and only it, in the hardware groups', () => {
    const plan = plans['server-sandbox']!;
    const ours = parseInventory(renderInventory(plan).content);
    for (const group of HOST_GROUPS) expect(ours.get(group)!.hosts).toEqual([plan.host.hostname]);
    const hostGroups = [...ours].filter(([, g]) => g.hosts.length > 0).map(([name]) => name);
    expect(hostGroups.sort()).toEqual([...HOST_GROUPS].sort());
  });
});
