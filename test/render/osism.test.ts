// The OSISM configuration repository export, for the server (sandbox) and laptop (workshop) fixture plans.
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { planSession } from '../../src/app/session.js';
import { AnswersFile } from '../../src/model/answers.js';
import type { RenderedFile } from '../../src/model/files.js';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { readYaml } from '../../src/model/yaml-input.js';
import { loadProfiles } from '../helpers/inputs.js';
import { ed25519KeyPair, OSISM_CEPH_GROUPS, OSISM_ROLE_GROUPS, osismTakeOver, renderOsismRepository } from '../../src/render/osism.js';
import { CIAB_OSISM_SEED_KEY } from '../../src/render/passwords.js';
import { fixtureFacts } from '../helpers/facts.js';
import { ansibleEnv, cleanupKollaHarness, ensureKollaVenv, inventoryGraph, kollaPasswordKeys, needVenv, readYamlMap, type KollaVenv, type VenvUnavailable } from '../kolla/harness.js';
import { skipOrFail } from '../helpers/require.js';

const run = promisify(execFile);

// kolla's password keys: the release's own list when the pinned venv is there, else a representative set.
const FALLBACK_KEYS = [
  'database_password', 'keystone_admin_password', 'keystone_database_password', 'rabbitmq_password', 'rabbitmq_cluster_cookie',
  'nova_keystone_password', 'nova_database_password', 'neutron_keystone_password', 'metadata_secret', 'horizon_secret_key',
  'barbican_crypto_key', 'cinder_rbd_secret_uuid', 'designate_pool_id', 'docker_registry_password', 'prometheus_bcrypt_salt',
  'nova_ssh_key', 'kolla_ssh_key', 'octavia_amp_ssh_key',
];

function fakePasswords(keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (key.endsWith('_ssh_key')) {
      out[key] = {
        private_key: `-----BEGIN PRIVATE KEY-----\n${randomBytes(96).toString('base64')}\n-----END PRIVATE KEY-----\n`,
        public_key: `ssh-rsa ${randomBytes(64).toString('base64')}`,
      };
    } else if (key === 'docker_registry_password') out[key] = null;
    else if (/uuid|_id$/.test(key)) out[key] = randomUUID();
    else out[key] = randomBytes(30).toString('base64url');
  }
  return out;
}

/** Every string leaf of a value (map values, list items). */
function leaves(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(leaves);
  if (v && typeof v === 'object') return Object.values(v).flatMap(leaves);
  return [];
}

/** `ansible-inventory --graph` → group → the hosts directly in it. */
function graphGroups(graph: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const stack: Array<{ depth: number; group: string }> = [];
  for (const line of graph.split('\n')) {
    const m = /^([\s|]*?)(?:\|--)?(@?)([^\s:]+):?$/.exec(line);
    if (!m || !m[3]) continue;
    const depth = m[1]!.length;
    while (stack.length && stack.at(-1)!.depth >= depth) stack.pop();
    if (m[2]) {
      out[m[3]] ??= [];
      stack.push({ depth, group: m[3] });
    } else if (stack.length) out[stack.at(-1)!.group]!.push(m[3]);
  }
  return out;
}

// What OSISM reads from a configuration repository, recorded from OSISM's own repositories (read with the fetch tool;
// osism/cloud-in-a-box @1503b7c, osism/testbed @a8a90cc, osism/generics (cfg-generics) @d1599c6, osism/release @a4a0226):
const OSISM_EXPECTED_FILES: ReadonlyArray<{ path: string; why: string }> = [
  // osism/generics README + gilt.yml: `MANAGER_VERSION=… gilt overlay` in the repository root reads gilt.yml.
  { path: 'gilt.yml', why: 'gilt overlay' },
  // generics environments/manager/run.sh: ansible-playbook -i hosts -e @../images.yml -e @../configuration.yml
  // -e @../secrets.yml -e @images.yml -e @configuration.yml -e @secrets.yml, from environments/manager.
  { path: 'environments/images.yml', why: 'run.sh -e @../images.yml' },
  { path: 'environments/configuration.yml', why: 'run.sh -e @../configuration.yml' },
  { path: 'environments/secrets.yml', why: 'run.sh -e @../secrets.yml' },
  { path: 'environments/manager/hosts', why: 'run.sh -i hosts' },
  { path: 'environments/manager/images.yml', why: 'run.sh -e @images.yml (replaced by gilt overlay)' },
  { path: 'environments/manager/configuration.yml', why: 'run.sh -e @configuration.yml, configuration_git_version check' },
  { path: 'environments/manager/secrets.yml', why: 'run.sh -e @secrets.yml; cloud-in-a-box: manager_listener_broker_password' },
  // run.sh: --vault-password-file .vault_pass; osism-ansible run-generic.sh: environments/.vault_pass.
  { path: 'environments/.vault_pass', why: 'vault password file of every OSISM run' },
  // osism-ansible run-generic.sh exits "environment generic not available" without it; cloud-in-a-box and testbed
  // carry generic/ and custom/ with configuration, secrets and images each.
  ...['generic', 'custom', 'kolla'].flatMap((env) => ['configuration.yml', 'secrets.yml', 'images.yml'].map((f) => ({ path: `environments/${env}/${f}`, why: `the ${env} environment's -e @${f}` }))),
];

/**
 * OSISM defaults that differ from kolla-ansible's and would change what runs on this box (osism/defaults @212d64d
 * all/099-kolla.yml, the line in brackets): the export must set each to what runs here (DEPLOY-AUDIT W11).
 */
const OSISM_DEFAULTS_THAT_CHANGE_THE_BOX: Readonly<Record<string, string>> = {
  enable_mariabackup: 'yes [87]',
  horizon_backend_database: 'yes [98]',
  enable_neutron_port_forwarding: 'yes [119]',
  enable_neutron_qos: 'yes [120]',
  enable_prometheus_openstack_exporter: 'no [40]',
};

interface Case {
  name: string;
  host: string;
  answers?: string;
  skip?: string[];
  profile: string;
}

const CASES: Case[] = [
  { name: 'server, sandbox', host: 'server', answers: 'profile: sandbox\nnetwork:\n  vip: 198.51.100.250\n', profile: 'sandbox' },
  { name: 'laptop, workshop', host: 'laptop', skip: ['ports', 'services'], profile: 'workshop' },
];

let passwordKeys: string[] = FALLBACK_KEYS;
let venv: KollaVenv | VenvUnavailable;
let venvBin: string | undefined;
const plans: Record<string, DeploymentPlan> = {};
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ciab-osism-test-'));

beforeAll(async () => {
  const kv = (venv = await ensureKollaVenv());
  if (!('skip' in kv)) {
    passwordKeys = await kollaPasswordKeys(kv.share);
    venvBin = kv.bin;
  }
  const profiles = await loadProfiles();
  for (const c of CASES) {
    const sources = c.answers ? { file: (({ value, source }) => ({ values: value, source }))(readYaml('answers.yaml', c.answers, AnswersFile)) } : {};
    const s = planSession({ facts: await fixtureFacts(c.host), profiles, sources, options: { skip: c.skip ?? [], vars: {} } });
    if (!s.plan) throw new Error(`no plan for ${c.name}`);
    plans[c.name] = s.plan;
  }
}, 600_000);

afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  await cleanupKollaHarness();
});

function writeTree(files: RenderedFile[], dir: string): void {
  for (const f of files) {
    const p = path.join(dir, f.path);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, f.content, { mode: f.mode });
  }
}

describe.each(CASES)('OSISM repository: $name', (c) => {
  const adminPassword = `admin-${randomBytes(12).toString('hex')}`;
  let passwords: Record<string, unknown>;
  let files: RenderedFile[];
  let plan: DeploymentPlan;
  const byPath = (p: string) => {
    const f = files.find((x) => x.path === `osism/${p}`);
    if (!f) throw new Error(`no osism/${p}`);
    return f;
  };

  beforeAll(() => {
    plan = plans[c.name]!;
    passwords = fakePasswords([...passwordKeys, CIAB_OSISM_SEED_KEY]);
    files = renderOsismRepository(plan, { passwords, adminPassword });
  });

  it('is the plan of the expected profile', () => {
    expect(plan.profile.id).toBe(c.profile);
  });

  it('has exactly the expected files, with modes and secret flags', () => {
    const h = plan.host.hostname;
    expect(files.map((f) => f.path).sort()).toEqual(
      [
        'osism/README.md',
        ...OSISM_EXPECTED_FILES.map((f) => `osism/${f.path}`),
        `osism/environments/manager/host_vars/${h}.yml`,
        'osism/inventory/20-roles',
        `osism/inventory/host_vars/${h}.yml`,
      ].sort(),
    );
    for (const f of files) {
      const secret = f.path.endsWith('/secrets.yml') || f.path.endsWith('/.vault_pass');
      expect({ path: f.path, mode: f.mode, secret: f.secret }).toEqual({ path: f.path, mode: secret ? 0o600 : 0o644, secret });
    }
  });

  it('has every file OSISM\'s manager bootstrap and `osism apply` read (recorded from OSISM\'s repositories)', () => {
    const paths = new Set(files.map((f) => f.path));
    for (const { path: p, why } of OSISM_EXPECTED_FILES) expect(paths.has(`osism/${p}`), `${p} (${why})`).toBe(true);
  });

  it('gilt.yml pulls OSISM\'s generic manager files from osism/generics at a pinned tag', () => {
    const gilt = parseYaml(byPath('gilt.yml').content) as Array<{ git: string; version: string; files: Array<{ src: string; dst: string }> }>;
    expect(gilt).toHaveLength(1);
    expect(gilt[0]!.git).toBe('https://github.com/osism/generics.git');
    // osism/release @a4a0226: generics_version of 10.2.0/base.yml and latest/openstack-2026.1.yml
    expect(gilt[0]!.version).toBe('v0.20260808.0');
    const dst = Object.fromEntries(gilt[0]!.files.map((f) => [f.src, f.dst]));
    expect(dst).toMatchObject({
      'environments/manager/run.sh': 'environments/manager/run.sh',
      'environments/manager/images.yml': 'environments/manager/images.yml',
      'environments/manager/ansible.cfg': 'environments/manager/ansible.cfg',
      'src/set-versions.py': 'environments/',
    });
  });

  it('manager: configuration_git_* as run.sh reads it, the listener\'s broker and password', () => {
    const content = byPath('environments/manager/configuration.yml').content;
    const data = parseYaml(content) as Record<string, unknown>;
    // run.sh: grep -E "^configuration_git_version:" configuration.yml | sed 's/^..*:[ ]*//' must equal the branch
    const line = content.split('\n').find((l) => /^configuration_git_version:/.test(l));
    expect(line?.replace(/^.+:[ ]*/, '')).toBe('main');
    // key names and shapes from osism/cloud-in-a-box environments/manager/configuration.yml and OSISM's docs
    expect(data).toMatchObject({
      configuration_directory: '/opt/configuration',
      configuration_type: 'git',
      configuration_git_version: 'main',
      configuration_git_port: expect.any(Number),
      configuration_git_protocol: expect.stringMatching(/^(ssh|https)$/),
      configuration_git_host: expect.any(String),
      configuration_git_repository: expect.stringMatching(/\.git$/),
      manager_listener_broker_hosts: [plan.host.managementIp],
      manager_listener_broker_username: 'openstack',
    });
    const secretsData = parseYaml(byPath('environments/manager/secrets.yml').content) as Record<string, unknown>;
    expect(secretsData).toEqual({ manager_listener_broker_password: passwords.rabbitmq_password });
    expect(() => renderOsismRepository(plan, { passwords: { ...passwords, rabbitmq_password: undefined }, adminPassword })).toThrow(/rabbitmq_password/);
  });

  it('kolla/images.yml pins the OpenStack release the plan deployed (osism/defaults mirrors 2025.2)', () => {
    const data = parseYaml(byPath('environments/kolla/images.yml').content) as Record<string, unknown>;
    expect(data).toEqual({ openstack_release: plan.release.openstack });
  });

  it('environments/.vault_pass: a per-install password that ansible-vault takes', async (ctx) => {
    const vault = byPath('environments/.vault_pass');
    expect(vault.content).toMatch(/^[A-Za-z0-9]{48}\n$/);
    const other = renderOsismRepository(plan, { passwords: fakePasswords([...passwordKeys, CIAB_OSISM_SEED_KEY]), adminPassword });
    expect(other.find((f) => f.path === vault.path)!.content).not.toBe(vault.content);
    const kv = needVenv(ctx, venv);
    const dir = mkdtempSync(path.join(tmp, 'vault-'));
    writeTree(files, dir);
    const env = await ansibleEnv(kv);
    const secretsFile = path.join(dir, 'osism/environments/manager/secrets.yml');
    const passFile = path.join(dir, 'osism/environments/.vault_pass');
    await run(path.join(kv.bin, 'ansible-vault'), ['encrypt', '--vault-password-file', passFile, secretsFile], { env });
    expect(readFileSync(secretsFile, 'utf8')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    const view = await run(path.join(kv.bin, 'ansible-vault'), ['view', '--vault-password-file', passFile, secretsFile], { env });
    expect(view.stdout).toBe(byPath('environments/manager/secrets.yml').content);
  });

  it('the manager\'s own inventory (environments/manager/hosts + host_vars) names this host with its address', async (ctx) => {
    expect(byPath('environments/manager/hosts').content).toMatch(new RegExp(`^\\[manager\\]\\n${plan.host.hostname}$`, 'm'));
    const kv = needVenv(ctx, venv);
    const dir = mkdtempSync(path.join(tmp, 'manager-'));
    writeTree(files, dir);
    const env = await ansibleEnv(kv);
    const out = await run(path.join(kv.bin, 'ansible-inventory'), ['-i', path.join(dir, 'osism/environments/manager/hosts'), '--host', plan.host.hostname], { env });
    expect(JSON.parse(out.stdout)).toEqual({
      ansible_host: plan.host.managementIp,
      internal_address: plan.host.managementIp,
      internal_interface: plan.host.managementInterface,
    });
  });

  it('every OSISM default that would change this box is set to what kolla-ansible runs here (W11)', async (ctx) => {
    const data = parseYaml(byPath('environments/kolla/configuration.yml').content) as Record<string, unknown>;
    const kv = needVenv(ctx, venv);
    const groupVars = path.join(kv.share, 'ansible', 'group_vars', 'all');
    const kollaDefaults: Record<string, unknown> = {};
    for (const f of readdirSync(groupVars).filter((x) => x.endsWith('.yml'))) Object.assign(kollaDefaults, await readYamlMap(path.join(groupVars, f)));
    const prometheus = (plan.services as string[]).includes('prometheus') || (plan.services as string[]).includes('prometheus-exporters');
    for (const key of Object.keys(OSISM_DEFAULTS_THAT_CHANGE_THE_BOX)) {
      const kollaDefault = kollaDefaults[key];
      // kolla 2026.1 ties the exporter to Prometheus ("{{ enable_prometheus | bool }}"); the rest are literal false
      const runsHere = key in plan.kolla ? plan.kolla[key]!.value : kollaDefault === '{{ enable_prometheus | bool }}' ? prometheus : kollaDefault;
      expect(typeof runsHere, `${key}: kolla default ${String(kollaDefault)}`).toBe('boolean');
      expect(data[key], `${key} (OSISM default ${OSISM_DEFAULTS_THAT_CHANGE_THE_BOX[key]})`).toBe(runsHere);
    }
  });

  it('every YAML file parses to a non-empty mapping', () => {
    for (const f of files.filter((x) => x.path.endsWith('.yml') && x.path !== 'osism/gilt.yml')) {
      const data = parseYaml(f.content) as unknown;
      expect(data, f.path).toBeTypeOf('object');
      expect(Object.keys(data as object).length, f.path).toBeGreaterThan(0);
    }
  });

  it('kolla/secrets.yml holds every kolla password as given, the admin password as deployed', () => {
    const data = parseYaml(byPath('environments/kolla/secrets.yml').content) as Record<string, unknown>;
    const kollaKeys = Object.keys(passwords).filter((key) => key !== CIAB_OSISM_SEED_KEY);
    expect(Object.keys(data).sort()).toEqual([...new Set([...kollaKeys, 'keystone_admin_password'])].sort());
    for (const [key, value] of Object.entries(passwords).filter(([key]) => key !== CIAB_OSISM_SEED_KEY)) {
      expect(data[key], key).toEqual(key === 'keystone_admin_password' ? adminPassword : value);
    }
  });

  it('environments/secrets.yml holds the per-install secrets OSISM needs, none of cloud-in-a-box\'s public ones', () => {
    const data = parseYaml(byPath('environments/secrets.yml').content) as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['ara_password', 'ara_server_mariadb_password', 'keystone_admin_password', 'operator_private_key']);
    expect(data.keystone_admin_password).toBe(adminPassword);
    expect(data.ara_password).not.toBe('password');
    expect(data.ara_password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(data.ara_server_mariadb_password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(data.ara_password).not.toBe(data.ara_server_mariadb_password);
    expect(data.operator_private_key).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n[\s\S]+\n-----END OPENSSH PRIVATE KEY-----\n$/);
    // stable for the same secrets, different for another install
    const again = renderOsismRepository(plan, { passwords, adminPassword });
    expect(again.map((f) => f.content)).toEqual(files.map((f) => f.content));
    const other = renderOsismRepository(plan, { passwords: fakePasswords([...passwordKeys, CIAB_OSISM_SEED_KEY]), adminPassword });
    const otherData = parseYaml(other.find((f) => f.path === 'osism/environments/secrets.yml')!.content) as Record<string, string>;
    expect(otherData.operator_private_key).not.toBe(data.operator_private_key);
    expect(otherData.ara_password).not.toBe(data.ara_password);
  });

  it('the operator key and ARA passwords come from the seed alone: a new admin password (or any kolla password) keeps them', () => {
    const secretsOf = (rendered: RenderedFile[]) => {
      const data = parseYaml(rendered.find((f) => f.path === 'osism/environments/secrets.yml')!.content) as Record<string, string>;
      return { key: data.operator_private_key, ara: data.ara_password, araDb: data.ara_server_mariadb_password };
    };
    const before = secretsOf(files);
    const changed = { ...passwords, keystone_admin_password: 'a-new-admin-password', database_password: 'a-new-database-password' };
    expect(secretsOf(renderOsismRepository(plan, { passwords: changed, adminPassword: 'a-new-admin-password' }))).toEqual(before);
    const reseeded = { ...passwords, [CIAB_OSISM_SEED_KEY]: randomBytes(30).toString('base64url') };
    const after = secretsOf(renderOsismRepository(plan, { passwords: reseeded, adminPassword }));
    expect(after.key).not.toBe(before.key);
    expect(after.ara).not.toBe(before.ara);
    expect(() => renderOsismRepository(plan, { passwords: { ...passwords, [CIAB_OSISM_SEED_KEY]: null }, adminPassword })).toThrow(CIAB_OSISM_SEED_KEY);
    // the seed itself goes nowhere in the OSISM repository
    const seed = passwords[CIAB_OSISM_SEED_KEY] as string;
    for (const f of files) expect(f.content.includes(seed), f.path).toBe(false);
  });

  it('the operator key pair is a real OpenSSH ed25519 pair', async (ctx) => {
    const secretsData = parseYaml(byPath('environments/secrets.yml').content) as Record<string, string>;
    const config = parseYaml(byPath('environments/configuration.yml').content) as Record<string, string[]>;
    const keyFile = path.join(tmp, `${c.host}-operator`);
    writeFileSync(keyFile, secretsData.operator_private_key!, { mode: 0o600 });
    let out: string;
    try {
      out = (await run('ssh-keygen', ['-y', '-f', keyFile])).stdout;
    } catch (e) {
      if ((e as { code?: unknown }).code === 'ENOENT') return skipOrFail(ctx, 'ssh-keygen not installed (apt: openssh-client)');
      throw e;
    }
    const [type, blob] = out.trim().split(' ');
    expect(config.operator_authorized_keys).toHaveLength(1);
    expect(config.operator_authorized_keys![0]!.split(' ').slice(0, 2)).toEqual([type, blob]);
    expect(type).toBe('ssh-ed25519');
  });

  it('kolla/configuration.yml has every key of plan.kolla with the same value, and pins OSISM defaults to this box', () => {
    const data = parseYaml(byPath('environments/kolla/configuration.yml').content) as Record<string, unknown>;
    // Per-host keys stay out: OSISM passes this file as extra vars (-e @configuration.yml), which beat host_vars.
    const perHost = ['network_interface', 'neutron_external_interface'];
    for (const [key, v] of Object.entries(plan.kolla)) expect(data[key], key).toEqual(perHost.includes(key) ? undefined : v.value);
    const content = byPath('environments/kolla/configuration.yml').content;
    for (const [key, v] of Object.entries(plan.kolla)) if (!perHost.includes(key)) expect(content).toContain(`# ${v.why}`);
    expect(data).toMatchObject({ docker_registry_kolla: 'registry.osism.tech', docker_namespace: 'kolla', om_enable_rabbitmq_stream_fanout: true });
    const has = (s: string) => (plan.services as string[]).includes(s);
    expect(data.enable_heat).toBe(has('heat'));
    expect(data.enable_designate).toBe(has('designate'));
    expect(data.enable_octavia).toBe(has('octavia'));
    expect(data.enable_central_logging).toBe(has('opensearch'));
    expect(data.enable_grafana).toBe(has('grafana'));
    expect(data.enable_prometheus).toBe(has('prometheus') || has('prometheus-exporters'));
    expect(data.enable_valkey).toBe(false);
    expect(data.kolla_enable_tls_external).toBe(plan.network.tls);
    expect(data.kolla_internal_vip_address).toBe(plan.network.vip);
    expect(data.network_interface).toBeUndefined();
    expect(data.neutron_external_interface).toBeUndefined();
  });

  it('global configuration carries kolla\'s Docker settings, so OSISM\'s docker role keeps Docker\'s iptables off', () => {
    const data = parseYaml(byPath('environments/configuration.yml').content) as Record<string, unknown>;
    expect(data.docker_opts).toEqual({ iptables: false, 'ip-forward': false });
    expect(data.docker_disable_default_network).toBe(true);
  });

  it('the README says plainly that OSISM cannot take over 2026.1 yet, and what the tree is good for', () => {
    expect(plan.release.openstack).toBe('2026.1');
    const readme = byPath('README.md').content;
    expect(readme).toMatch(/## Status: a reference, not a take-over/);
    expect(readme).toMatch(/\*\*OSISM cannot take this cloud over yet\.\*\* OSISM has no numbered release for OpenStack 2026\.1/);
    expect(readme).toMatch(/What this tree is good for today: /);
    expect(readme).not.toMatch(/so that OSISM can take\s+the cloud over/);
    expect(osismTakeOver('2026.1')).toMatchObject({ supported: false, summary: expect.stringMatching(/no release for OpenStack 2026\.1 yet/) });
    expect(osismTakeOver('2025.2')).toMatchObject({ supported: true });
  });

  it('manager/configuration.yml pins the OpenStack release and says how the OSISM version was chosen', () => {
    const content = byPath('environments/manager/configuration.yml').content;
    const data = parseYaml(content) as Record<string, unknown>;
    expect(data.openstack_version).toBe(plan.release.openstack);
    expect(data.manager_version).toBe(plan.release.openstack === '2026.1' ? 'latest' : '10.2.0');
    if (data.manager_version === 'latest') expect(content).toMatch(/No numbered OSISM release was established/);
  });

  it('global configuration carries DNS, time zone and the VIP', () => {
    const data = parseYaml(byPath('environments/configuration.yml').content) as Record<string, unknown>;
    expect(data).toMatchObject({
      resolvconf_nameserver: plan.host.dns,
      resolvconf_search: plan.host.domain,
      timezone_name: plan.host.timezone,
      kolla_internal_vip_address: plan.network.vip,
    });
    expect(data.proxy_proxies).toBeUndefined();
  });

  it('host_vars name the address and interfaces of this host', () => {
    const data = parseYaml(byPath(`inventory/host_vars/${plan.host.hostname}.yml`).content) as Record<string, unknown>;
    expect(data).toEqual({
      ansible_host: plan.host.managementIp,
      internal_address: plan.host.managementIp,
      internal_interface: plan.host.managementInterface,
      network_interface: plan.kolla.network_interface!.value,
      neutron_external_interface: plan.network.externalInterface,
    });
  });

  it('no secret value appears in any non-secret file', () => {
    const secretValues = new Set<string>([adminPassword, ...leaves(passwords)]);
    for (const f of files.filter((x) => x.secret)) {
      for (const v of leaves(parseYaml(f.content))) secretValues.add(v);
    }
    const operatorPublic = (parseYaml(byPath('environments/configuration.yml').content) as { operator_authorized_keys: string[] }).operator_authorized_keys;
    for (const f of files.filter((x) => !x.secret)) {
      for (const v of secretValues) {
        if (v.length < 8) continue;
        // public halves of key pairs are not secrets, but none of kolla's appear outside the secret files either
        if (operatorPublic.includes(v)) continue;
        expect(f.content.includes(v), `${f.path} contains a secret value`).toBe(false);
        // the PEM body, line by line
        for (const line of v.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----'))) {
          expect(f.content.includes(line), `${f.path} contains part of a secret value`).toBe(false);
        }
      }
    }
  });

  it('inventory: the host is in every role group, the Ceph groups are empty, ansible-inventory parses it', async (ctx) => {
    const roles = byPath('inventory/20-roles').content;
    for (const g of OSISM_ROLE_GROUPS) expect(roles).toMatch(new RegExp(`^\\[${g}\\]\\n${plan.host.hostname}$`, 'm'));
    needVenv(ctx, venv);
    const dir = path.join(tmp, c.host);
    writeTree(files, dir);
    if (process.env.CIAB_OSISM_DUMP) writeTree(files, path.join(process.env.CIAB_OSISM_DUMP, c.host));
    const res = await inventoryGraph(path.join(dir, 'osism', 'inventory'));
    expect(res.exitCode, res.stderr).toBe(0);
    // OSISM's group names carry dashes (ceph-control, and all of osism/generics: nova-compute, …): ansible only
    // warns about those; any other warning fails.
    const warnings = res.stderr.split('\n').filter((l) => /WARNING/.test(l) && !/Invalid characters were found in group names/.test(l));
    expect(warnings).toEqual([]);
    const groups = graphGroups(res.stdout);
    const h = plan.host.hostname;
    for (const g of OSISM_ROLE_GROUPS) expect(groups[g], g).toEqual([h]);
    for (const g of OSISM_CEPH_GROUPS) expect(groups[g], g).toEqual([]);
    expect(groups.ungrouped).toEqual([]);
    expect(Object.keys(groups).sort()).toEqual(['all', 'ungrouped', ...OSISM_ROLE_GROUPS, ...OSISM_CEPH_GROUPS].sort());
    // host_vars/ next to the INI files is read as the host's variables
    const cfg = path.join(tmp, 'empty-ansible.cfg');
    writeFileSync(cfg, '');
    const hostOut = await run(path.join(venvBin!, 'ansible-inventory'), ['-i', path.join(dir, 'osism', 'inventory'), '--host', h], {
      env: { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: path.join(tmp, 'ansible-tmp') },
    });
    const hostVars = JSON.parse(hostOut.stdout) as Record<string, unknown>;
    expect(hostVars).toMatchObject({ ansible_host: plan.host.managementIp, network_interface: plan.host.managementInterface });
  });
});

it('ed25519KeyPair is deterministic for a seed and rejects a wrong seed length', () => {
  const seed = Buffer.alloc(32, 7);
  expect(ed25519KeyPair(seed, 1, 'x')).toEqual(ed25519KeyPair(seed, 1, 'x'));
  expect(() => ed25519KeyPair(Buffer.alloc(31), 1, 'x')).toThrow(/32 bytes/);
});
