// Contract tests against kolla-ansible 2026.1's own files (../shared/reference, byte-identical to the pinned
// package): every globals key we write is a variable kolla defines, booleans are booleans, and the inventory
// has every group of the release's all-in-one with the same children.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { renderGlobals } from '../../src/render/globals.js';
import { HOST_GROUPS, renderInventory } from '../../src/render/inventory.js';
import { FIXTURE_PLANS, fixturePlan } from '../helpers/plans.js';
import { ensureKollaVenv } from '../kolla/harness.js';

const REFERENCE = path.join(import.meta.dirname, '..', '..', '..', 'shared', 'reference', 'kolla-ansible', '2026.1');

function topLevelKeys(file: string): string[] {
  return Object.keys(parse(readFileSync(file, 'utf8')) ?? {});
}

/** Variables of group_vars/{all,baremetal} of an ansible/ tree (the reference copy or the installed package). */
function groupVariables(ansibleDir: string): Set<string> {
  const names = new Set<string>();
  for (const group of ['all', 'baremetal']) {
    const dir = path.join(ansibleDir, 'group_vars', group);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yml'))) for (const key of topLevelKeys(path.join(dir, file))) names.add(key);
  }
  return names;
}

/** Variables of every role's defaults/main.yml in the installed package (the reference copy has no roles). */
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

/** Keys we set that kolla defines in a role's defaults, not in group_vars (checked against the package when it is there). */
const ROLE_DEFAULT_KEYS = ['octavia_loadbalancer_topology'];

/** Keys of a globals.yml that kolla does not define: typos like enable_cinder_backend_lvm2. */
export function unknownKollaKeys(globalsText: string, defined: Set<string>): string[] {
  return Object.keys(parse(globalsText) ?? {}).filter((key) => !defined.has(key));
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

let defined: Set<string>;
let groupDefined: Set<string>;
let venvSkip: string | null = null;
const plans: Record<string, DeploymentPlan> = {};
beforeAll(async () => {
  groupDefined = groupVariables(path.join(REFERENCE, 'ansible'));
  const venv = await ensureKollaVenv();
  if ('skip' in venv) {
    venvSkip = venv.skip;
    defined = groupDefined;
  } else {
    const ansibleDir = path.join(venv.share, 'ansible');
    defined = new Set([...groupVariables(ansibleDir), ...roleDefaults(ansibleDir)]);
  }
  for (const p of FIXTURE_PLANS) plans[p.name] = await fixturePlan(p.name);
}, 600_000);

describe('globals.yml', () => {
  it('the reference group_vars define 813 variables plus the baremetal interpreter (the check has something to check against)', () => {
    expect(groupDefined.size).toBe(814);
    if (venvSkip) console.warn(`role defaults not checked: ${venvSkip}`);
    else expect(defined.size).toBeGreaterThan(groupDefined.size);
  });

  it('a misspelt key is caught by the check', () => {
    expect(unknownKollaKeys('enable_cinder_backend_lvm2: true\nenable_cinder: true\n', defined)).toEqual(['enable_cinder_backend_lvm2']);
  });

  it.each(FIXTURE_PLANS.map((p) => p.name))('%s: every key is a variable kolla defines (group_vars or role defaults)', (name) => {
    const unknown = unknownKollaKeys(renderGlobals(plans[name]!).content, defined);
    // Without the package only group_vars are known; role-default keys are then the only allowed gap.
    expect(venvSkip ? unknown.filter((k) => !ROLE_DEFAULT_KEYS.includes(k)) : unknown).toEqual([]);
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
  const reference = () => parseInventory(readFileSync(path.join(REFERENCE, 'ansible', 'inventory', 'all-in-one'), 'utf8'));

  it('has exactly the release\'s 177 groups, each with the same children', () => {
    const ours = parseInventory(renderInventory(plans['server-sandbox']!).content);
    const ref = reference();
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
