// The deploy audit (shared/docs/DEPLOY-AUDIT.md §3/§4), as a table: every profile, rendered from every recorded
// host that fits it, must not reproduce a would-fail-deploy finding. Where kolla-ansible itself decides (its
// precheck asserts, its role defaults), the pinned release decides here too (test/kolla/prechecks.ts).
// Speed: kolla's prechecks run ONCE per case, with every role and value the checks below read (ALL_ROLES); each
// check reads its role's part. Extra vars (globals, passwords) are per ansible-playbook run in kolla, so one run
// cannot hold two cases' configurations without changing their precedence: one run per case, not per check.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { compareWithDisk, writeFileSet } from '../../src/app/write-files.js';
import type { FileSet } from '../../src/model/files.js';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { renderFiles } from '../../src/render/index.js';
import type { RandomSource } from '../../src/render/passwords.js';
import { fastRandom } from '../helpers/random.js';
import { HOST_TEMPLATES, testEnv } from '../helpers/inputs.js';
import { fixtureSession } from '../helpers/plans.js';
import { ansibleEnv, cleanupKollaHarness, ensureKollaVenv, requireVenv, run } from '../kolla/harness.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { runKollaPrechecks, type PrecheckResult, type PrecheckRole } from '../kolla/prechecks.js';

/** Blockers that describe the moment of recording (busy ports, running services, no uplink), not the hardware. */
const TRANSIENT = new Set(['ports', 'services', 'uplink']);

interface Case {
  name: string;
  host: string;
  profile: string;
  /** Answers beyond the profile (YAML body). */
  answers?: string;
}

/** Every profile on every recorded host that fits it (checked below against the ranking), plus the answer variants the audit names. */
export const AUDIT_CASES: Case[] = [
  { name: 'server-sandbox', host: 'server', profile: 'sandbox', answers: 'network:\n  vip: 198.51.100.250\ndomain: demo.example.org\n' },
  {
    name: 'server-edge-proxy',
    host: 'server',
    profile: 'edge',
    answers: 'network:\n  vip: 198.51.100.250\nproxy:\n  http: http://proxy.example.org:3128\n  https: http://proxy.example.org:3128\n  no_proxy: .example.org,10.0.0.0/8\n',
  },
  { name: 'server-workshop', host: 'server', profile: 'workshop' },
  { name: 'laptop-workshop', host: 'laptop', profile: 'workshop' },
  { name: 'cloud-vm-workshop-mirror', host: 'cloud-vm', profile: 'workshop', answers: 'images:\n  registry: registry.workshop.lan:5000\n  registry_scheme: http\n' },
];

const work = mkdtempSync(path.join(tmpdir(), 'ciab-audit-'));
let venvSkip: string | null = null;
const rendered: Record<string, { dir: string; plan: DeploymentPlan; files: FileSet; fits: boolean }> = {};

beforeAll(async () => {
  const venv = await ensureKollaVenv();
  if ('skip' in venv) venvSkip = venv.skip;
  for (const c of AUDIT_CASES) {
    const session = await fixtureSession(c.host, `profile: ${c.profile}\n${c.answers ?? ''}`, [...TRANSIENT]);
    const rank = session.ranking.profiles.find((p) => p.profile.id === c.profile)!;
    if (!session.plan) throw new Error(`${c.name}: incomplete: ${session.resolution.missing.join(', ')}`);
    const dir = path.join(work, c.name);
    // Pre-generated keys (test/helpers/random.ts): this file is not about keys, and 7 RSA-4096 pairs per case
    // took minutes of the hook on a busy machine.
    const { files } = await renderFiles({ plan: session.plan, answers: {}, adminPassword: null, existingPasswords: null, templates: HOST_TEMPLATES, outDir: dir, random: fastRandom(c.name) });
    await writeFileSet(testEnv.files, dir, await compareWithDisk(testEnv.files, dir, files));
    rendered[c.name] = { dir, plan: session.plan, files, fits: rank.blockers.every((b) => TRANSIENT.has(b.id)) };
  }
}, 300_000);
afterAll(async () => {
  await cleanupKollaHarness();
  rmSync(work, { recursive: true, force: true });
});

/** Every role and value the checks read, in one kolla precheck run per case. */
const ALL_ROLES: PrecheckRole[] = [
  // K1 (neutron's dns domain), K6 (container_proxy), K7 (insecure registry)
  { role: 'neutron', values: ['container_proxy', 'docker_registry_insecure', 'docker_registry'] },
  // K2/K3
  { role: 'octavia', values: ['octavia_provider_drivers', 'enable_octavia_jobboard', 'octavia_auto_configure'] },
  // W1, W15: a role without prechecks, for its defaults; site.yml applies it to every deployment
  { role: 'certificates', when: 'true', values: ['kolla_certificates_dir', 'kolla_admin_openrc_cacert', 'node_custom_config'] },
  // W10 (applied under enable_loadbalancer, as site.yml does)
  { role: 'loadbalancer', values: ['keepalived_virtual_router_id'] },
  // W14
  { role: 'mariadb', values: ['node_custom_config'] },
];
const auditRuns = new Map<string, Promise<PrecheckResult>>();

/** One role's part of the case's single precheck run: its failures and its reported values. */
async function prechecksOf(name: string, role: string): Promise<{ failures: PrecheckResult['failures']; ran: string[]; values: Record<string, unknown> | undefined }> {
  if (!auditRuns.has(name)) {
    const { plan, dir } = rendered[name]!;
    const kolla = path.join(dir, 'kolla');
    auditRuns.set(name, runKollaPrechecks(kolla, path.join(kolla, 'inventory'), ALL_ROLES, { hostAddress: plan.host.managementIp }));
  }
  const result = await auditRuns.get(name)!;
  // A failure of the run itself (not of one role's task) belongs to every role.
  return {
    failures: result.failures.filter((f) => f.role === role || f.role === '(playbook)'),
    ran: result.ran.filter((r) => r.startsWith(`${role}: `)),
    values: result.values[role],
  };
}

/** Templates `expression` once per item in ONE ansible-playbook run (a loop), with the item's vars; by id. */
async function evaluateForEach(dir: string, expression: string, items: Array<{ id: string; vars: Record<string, string> }>): Promise<Record<string, number>> {
  const kv = requireVenv();
  const vars = path.join(dir, 'evaluate-each.json');
  writeFileSync(vars, JSON.stringify({ ciab_items: items }));
  const book = path.join(dir, 'evaluate-each.yml');
  // The item's vars become task vars; the label keeps values (passwords) out of ansible's output.
  const task = { 'ansible.builtin.debug': { msg: `CIAB_EACH {{ item.id }} ${expression}` }, vars: Object.fromEntries(Object.keys(items[0]!.vars).map((k) => [k, `{{ item.vars.${k} }}`])), loop: '{{ ciab_items }}', loop_control: { label: '{{ item.id }}' } };
  writeFileSync(book, JSON.stringify([{ hosts: 'localhost', gather_facts: false, tasks: [task] }]));
  const res = await run(path.join(kv.bin, 'ansible-playbook'), ['-i', 'localhost,', '-c', 'local', '-e', `@${vars}`, book], { env: await ansibleEnv(kv), cwd: dir });
  const out = Object.fromEntries([...res.stdout.matchAll(/"msg": "CIAB_EACH (\S+) (\d+)"/g)].map((m) => [m[1]!, Number(m[2])]));
  if (Object.keys(out).length !== items.length) throw new Error(`evaluating ${expression}: ${res.stdout}${res.stderr}`);
  return out;
}

const globalsOf = (name: string) => parseYaml(rendered[name]!.files.find((f) => f.path === 'kolla/globals.yml')!.content) as Record<string, unknown>;
const fileOf = (name: string, p: string) => rendered[name]!.files.find((f) => f.path === p);

describe.each(AUDIT_CASES.map((c) => c.name).filter((n) => !process.env.CIAB_AUDIT_CASE || n === process.env.CIAB_AUDIT_CASE))('%s', (name) => {
  const prechecks = (role: string) => prechecksOf(name, role);

  it('is a profile the recorded host fits', () => {
    expect(rendered[name]!.fits).toBe(true);
  });

  it('K1: kolla\'s neutron precheck passes (neutron_dns_domain with designate)', async (ctx) => {
    if (venvSkip) ctx.skip(venvSkip);
    const result = await prechecks('neutron');
    if (globalsOf(name).enable_designate === true) expect(result.ran).toContain("neutron: Checking if neutron's dns domain has proper value");
    expect(result.failures).toEqual([]);
  }, 300_000);

  it('K2/K3: kolla\'s octavia precheck passes (no amphora certificates, no jobboard without valkey)', async (ctx) => {
    if (venvSkip) ctx.skip(venvSkip);
    const result = await prechecks('octavia');
    expect(result.failures).toEqual([]);
    if (globalsOf(name).enable_octavia === true) {
      // kolla's own evaluation: no amphora anywhere, so no certificates phase, no jobboard, no lb-mgmt-net.
      expect(result.values).toEqual({ octavia_provider_drivers: 'ovn:OVN provider', enable_octavia_jobboard: false, octavia_auto_configure: false });
    }
  }, 300_000);

  it('K6: a proxy reaches the Docker daemon, with the no_proxy list prepare-host gives it too', async (ctx) => {
    const { plan } = rendered[name]!;
    const globals = globalsOf(name);
    if (!plan.proxy.http && !plan.proxy.https) {
      expect(Object.keys(globals).filter((k) => /_(http|https|no)_proxy$/.test(k))).toEqual([]);
      return;
    }
    expect(globals.docker_http_proxy).toBe(plan.proxy.http);
    expect(globals.docker_https_proxy).toBe(plan.proxy.https);
    if (venvSkip) ctx.skip(venvSkip);
    // prepare-host's docker.service drop-in computes NO_PROXY from the plan with this expression: template it.
    const engine = readFileSync(path.join(import.meta.dirname, '..', '..', 'ansible', 'prepare-host', 'container-engine.yml'), 'utf8');
    const expression = /Environment="NO_PROXY=(\{\{[\s\S]*?\}\})"/.exec(engine)![1]!;
    const dir = rendered[name]!.dir;
    writeFileSync(path.join(dir, 'no-proxy.yml'), `- hosts: localhost\n  gather_facts: false\n  vars:\n    ciab_docker_proxy: {no_proxy: ${JSON.stringify(plan.proxy.no_proxy ?? '')}}\n  tasks:\n    - ansible.builtin.debug:\n        msg: "CIAB ${expression.replace(/\n\s*/g, ' ').replace(/"/g, '\\"')}"\n`);
    writeFileSync(path.join(dir, 'ciab', 'plan-vars.json'), JSON.stringify({ ciab_plan: plan }));
    const kv = requireVenv();
    const res = await run(path.join(kv.bin, 'ansible-playbook'), ['-i', 'localhost,', '-c', 'local', '-e', `@${path.join(dir, 'ciab', 'plan-vars.json')}`, path.join(dir, 'no-proxy.yml')], { env: await ansibleEnv(kv), cwd: dir });
    const hostSide = /"msg": "CIAB ([^"]*)"/.exec(res.stdout)?.[1];
    expect(hostSide, res.stdout + res.stderr).toBeDefined();
    expect(globals.docker_no_proxy).toBe(hostSide);
    // and kolla's own container_proxy carries the answered entries
    const result = await prechecks('neutron');
    const containerProxy = result.values!.container_proxy as { no_proxy: string; https_proxy: string };
    expect(containerProxy.https_proxy).toBe(plan.proxy.https);
    for (const entry of (plan.proxy.no_proxy ?? '').split(',')) expect(containerProxy.no_proxy.split(',')).toContain(entry);
  }, 300_000);

  it('K7: a plain-HTTP mirror is an insecure registry for kolla and for prepare-host', async (ctx) => {
    const { plan } = rendered[name]!;
    const globals = globalsOf(name);
    const http = Boolean(plan.images.registry !== 'quay.io' && /registry_scheme: http\b/.test(AUDIT_CASES.find((c) => c.name === name)!.answers ?? ''));
    expect(globals.docker_registry_insecure ?? false).toBe(http);
    // prepare-host's daemon.json reads plan.kolla.docker_registry_insecure
    expect(plan.kolla.docker_registry_insecure?.value ?? false).toBe(http);
    if (venvSkip) ctx.skip(venvSkip);
    const result = await prechecks('neutron');
    expect(result.values!.docker_registry_insecure).toBe(http);
  }, 300_000);

  it('W1: clients trust the CA where kolla-ansible certificates writes it, and kolla\'s own openrc names it', async (ctx) => {
    const { plan, dir } = rendered[name]!;
    const clouds = parseYaml(fileOf(name, 'openstack/clouds.yaml')!.content) as { clouds: Record<string, { cacert?: string }> };
    const openrc = fileOf(name, 'openstack/admin-openrc.sh')!.content;
    const cacert = Object.values(clouds.clouds)[0]!.cacert;
    if (!plan.network.tls) {
      expect(cacert).toBeUndefined();
      expect(openrc).not.toMatch(/OS_CACERT/);
      return;
    }
    if (venvSkip) ctx.skip(venvSkip);
    // kolla's certificates role writes {{ kolla_certificates_dir }}/ca/root.crt (roles/certificates/tasks/generate-root.yml)
    const result = await prechecks('certificates');
    const kollaCa = `${result.values!.kolla_certificates_dir as string}/ca/root.crt`;
    expect(kollaCa).toBe(path.join(dir, 'kolla', 'certificates', 'ca', 'root.crt'));
    expect(cacert).toBe(kollaCa);
    expect(openrc).toContain(`export OS_CACERT='${kollaCa}'`);
    expect(result.values!.kolla_admin_openrc_cacert).toBe(kollaCa);
  }, 300_000);

  it('W10: keepalived\'s router id is the install\'s own: not 51, stable on re-render, different for another install', async (ctx) => {
    const { plan, dir, files } = rendered[name]!;
    if (!plan.network.haproxy) return;
    if (venvSkip) ctx.skip(venvSkip);
    // kolla's own evaluation, inside its loadbalancer role, from the case's single precheck run.
    const lb = await prechecks('loadbalancer');
    expect(lb.failures).toEqual([]);
    const first = Number(lb.values!.keepalived_virtual_router_id);
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThanOrEqual(255);
    const passwords = files.find((f) => f.path === 'kolla/passwords.yml')!.content;
    // Two other installs with fixed random bytes (deterministic: two installs here always differ, neither is 51).
    const seeded = (seed: number): RandomSource => fastRandom(`W10 install ${seed}`);
    const renderTo = async (to: string, existing: string | null, random: RandomSource = fastRandom(`${name} again`)) => {
      const r = await renderFiles({ plan, answers: {}, adminPassword: null, existingPasswords: existing, templates: HOST_TEMPLATES, outDir: to, random });
      await writeFileSet(testEnv.files, to, await compareWithDisk(testEnv.files, to, r.files));
      return r.files;
    };
    const installs = { first: files, again: await renderTo(path.join(work, `${name}-again`), passwords), a: await renderTo(path.join(work, `${name}-a`), null, seeded(1)), b: await renderTo(path.join(work, `${name}-b`), null, seeded(2)) };
    // Every install's globals carry the same expression kolla evaluated above; it differs only by keepalived_password.
    const expressionOf = (f: FileSet) => (parseYaml(f.find((x) => x.path === 'kolla/globals.yml')!.content) as Record<string, unknown>).keepalived_virtual_router_id as string;
    const expression = expressionOf(files);
    for (const f of Object.values(installs)) expect(expressionOf(f)).toBe(expression);
    // ansible templates it for all four installs in one run (a loop); the first must give kolla's own value back.
    const vrids = await evaluateForEach(dir, expression, Object.entries(installs).map(([id, f]) => ({ id, vars: { keepalived_password: (parseYaml(f.find((x) => x.path === 'kolla/passwords.yml')!.content) as Record<string, string>).keepalived_password! } })));
    expect(vrids.first).toBe(first);
    expect(vrids.again).toBe(first);
    const { a, b } = vrids;
    expect(a).not.toBe(b);
    expect([a, b]).not.toContain(51);
  }, 300_000);

  it('W15: the OSISM README copies kolla\'s certificates and overrides from where kolla keeps them (--configdir)', async (ctx) => {
    const { plan, dir } = rendered[name]!;
    const readme = fileOf(name, 'osism/README.md')!.content;
    expect(readme).not.toMatch(/`\/etc\/kolla\/(certificates|config)\//);
    if (venvSkip) ctx.skip(venvSkip);
    const kollaSays = (await prechecks('certificates')).values!;
    expect(readme).toContain(`\`${kollaSays.node_custom_config as string}/\` overrides`);
    if (plan.network.tls) expect(readme).toContain(`\`${kollaSays.kolla_certificates_dir as string}/\` → \`environments/kolla/certificates/\``);
    expect(kollaSays.node_custom_config).toBe(path.join(dir, 'kolla', 'config'));
  }, 300_000);

  it('W14: MariaDB\'s buffer pool fits the profile\'s budget, in a file kolla merges into galera.cnf', async (ctx) => {
    const { plan } = rendered[name]!;
    const budget = plan.memoryBudgetMiB!.mariadb!;
    const cnf = fileOf(name, 'kolla/config/galera.cnf')?.content ?? '';
    const pool = Number(/^innodb_buffer_pool_size = (\d+)M$/m.exec(cnf)?.[1]);
    expect(cnf).toMatch(/^\[mysqld\]$/m);
    expect(pool).toBeGreaterThan(0);
    expect(pool).toBeLessThanOrEqual(budget);
    if (venvSkip) ctx.skip(venvSkip);
    // kolla merges {{ node_custom_config }}/galera.cnf over its template (roles/mariadb/tasks/config.yml)
    const kv = requireVenv();
    const config = parseYaml(readFileSync(path.join(kv.share, 'ansible', 'roles', 'mariadb', 'tasks', 'config.yml'), 'utf8')) as Array<Record<string, { sources?: string[] }>>;
    const galera = config.find((t) => t.name === ('Copying over galera.cnf' as unknown))!;
    const sources = Object.values(galera).find((v) => typeof v === 'object' && v && 'sources' in v)!.sources!;
    expect(sources).toContain('{{ node_custom_config }}/galera.cnf');
    const result = await prechecks('mariadb');
    expect(path.join(result.values!.node_custom_config as string, 'galera.cnf')).toBe(path.join(rendered[name]!.dir, 'kolla', 'config', 'galera.cnf'));
  }, 300_000);
});

void fileOf;
