// Validation harness: runs the REAL kolla-ansible release (pinned in ansible/requirements.txt, installed by
// scripts/kolla-venv.sh into a cached venv outside the repo) against a config dir (globals.yml, passwords.yml,
// globals.d/) and an inventory. Kolla's own files are read from the installed package at test time; nothing
// of kolla is copied into this repository.
//
// Every runner returns {command, stdout, stderr, exitCode} and never throws when ansible fails.
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { skipOrFail } from '../helpers/require.js';

const REPO = path.join(import.meta.dirname, '..', '..');
export const KOLLA_VENV_SCRIPT = path.join(REPO, 'scripts', 'kolla-venv.sh');
export const EVALUATE_PLAYBOOK = path.join(import.meta.dirname, 'evaluate-vars.yml');

export interface KollaVenv {
  venv: string;
  /** <venv>/share/kolla-ansible */
  share: string;
  /** <venv>/bin */
  bin: string;
}

export interface RunResult {
  command: string[];
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface EvaluateResult extends RunResult {
  /** Variable names whose templating failed (from the loop items), unique, in kolla's file order. */
  failedVariables: string[];
  /** Names that were evaluated (defined in group_vars minus NOT_EVALUATED). */
  evaluated: string[];
  /** Hosts in the PLAY RECAP, i.e. the hosts the variables were evaluated on. */
  hosts: string[];
  /** exitCode 0, no failed variable, and at least one host. */
  ok: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// process helpers

export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: { ...process.env, ...options.env }, cwd: options.cwd, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let exitCode = 0;
        if (error) {
          const code = (error as { code?: unknown }).code;
          exitCode = typeof code === 'number' ? code : 127;
          if (typeof code !== 'number' && !stderr) stderr = String(error.message);
        }
        resolve({ command: [command, ...args], stdout, stderr, exitCode });
      },
    );
  });
}

let harnessTmp: string | undefined;
export async function tmpRoot(): Promise<string> {
  if (!harnessTmp) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ciab-kolla-harness-'));
    harnessTmp = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return harnessTmp;
}

/** Removes the harness's temp dir (call from afterAll; vitest workers may not fire process 'exit'). */
export async function cleanupKollaHarness(): Promise<void> {
  const dir = harnessTmp;
  harnessTmp = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/**
 * Environment for every ansible call: the venv first on PATH, no colours, and an EMPTY ansible.cfg so that
 * ./ansible.cfg, ~/.ansible.cfg or /etc/ansible/ansible.cfg of the machine cannot change the result
 * (kolla-ansible ships no ansible.cfg, so an empty one is what kolla sees by default).
 */
export async function ansibleEnv(kv: KollaVenv): Promise<NodeJS.ProcessEnv> {
  const root = await tmpRoot();
  const cfg = path.join(root, 'ansible.cfg');
  if (!existsSync(cfg)) await writeFile(cfg, '# intentionally empty: kolla-ansible ships no ansible.cfg\n');
  return {
    PATH: `${kv.bin}${path.delimiter}${process.env.PATH ?? ''}`,
    VIRTUAL_ENV: kv.venv,
    ANSIBLE_CONFIG: cfg,
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
    ANSIBLE_RETRY_FILES_ENABLED: 'false',
    // STRICTER than kolla: plain ansible (and so `kolla-ansible <cmd>`) only WARNS when an inventory cannot be
    // parsed (e.g. a [x:children] section naming a missing group), then runs on no hosts and exits 0.
    ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true',
    ANSIBLE_LOCAL_TEMP: path.join(root, 'ansible-local-tmp'),
    PY_COLORS: '0',
  };
}

// ---------------------------------------------------------------------------------------------------------
// the venv

// PyPI/network trouble in pip's log: the environment cannot build the venv, which is a skip, not a failure.
const NETWORK_ERROR =
  /NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|Name or service not known|Network is unreachable|ConnectTimeout|ReadTimeout|ProxyError|Connection refused|SSLError|CERTIFICATE_VERIFY_FAILED|No route to host/;

/** Why the venv cannot be had; optOut when a person asked for it (CIAB_SKIP_KOLLA), not when something is missing. */
export interface VenvUnavailable {
  skip: string;
  optOut?: boolean;
}

let venvPromise: Promise<KollaVenv | VenvUnavailable> | undefined;
let currentVenv: KollaVenv | undefined;

/**
 * Runs scripts/kolla-venv.sh (idempotent: a complete cached venv is reused in well under a second).
 * Returns {skip} when Python >= 3.11 with venv is missing, CIAB_SKIP_KOLLA is set, or PyPI is unreachable;
 * throws for any other failure (e.g. pins that no longer resolve), which must not be hidden as a skip.
 */
export function ensureKollaVenv(): Promise<KollaVenv | VenvUnavailable> {
  venvPromise ??= (async (): Promise<KollaVenv | VenvUnavailable> => {
    if (process.env.CIAB_SKIP_KOLLA) return { skip: `CIAB_SKIP_KOLLA=${process.env.CIAB_SKIP_KOLLA}: kolla-ansible tests disabled`, optOut: true };
    const res = await run('bash', [KOLLA_VENV_SCRIPT]);
    if (res.exitCode !== 0) {
      const text = `${res.stderr}\n${res.stdout}`;
      const why = text.trim().split('\n').slice(-8).join('\n');
      if (/not found|needs Python|cannot create venvs/.test(text)) return { skip: `kolla venv unavailable (Python/venv): ${why}` };
      if (NETWORK_ERROR.test(text)) return { skip: `kolla venv unavailable (PyPI unreachable): ${why}` };
      throw new Error(`scripts/kolla-venv.sh failed (exit ${res.exitCode}):\n${text}`);
    }
    const venv = res.stdout.trim().split('\n').at(-1) ?? '';
    const kv: KollaVenv = { venv, share: path.join(venv, 'share', 'kolla-ansible'), bin: path.join(venv, 'bin') };
    if (!existsSync(path.join(kv.share, 'ansible', 'site.yml'))) throw new Error(`no kolla-ansible share dir in ${venv}`);
    currentVenv = kv;
    return kv;
  })();
  return venvPromise;
}

export function requireVenv(): KollaVenv {
  if (!currentVenv) throw new Error('call ensureKollaVenv() first (and skip when it returns {skip})');
  return currentVenv;
}

// ---------------------------------------------------------------------------------------------------------
// runners

/**
 * In a test: the venv, or skip the test with the reason it could not be had (a failure under
 * CIAB_REQUIRE_REAL=1, unless CIAB_SKIP_KOLLA asked for the skip).
 */
export function needVenv(ctx: { skip(note?: string): never }, venv: KollaVenv | VenvUnavailable | undefined): KollaVenv {
  if (venv && !('skip' in venv)) return venv;
  if (venv?.optOut) return ctx.skip(venv.skip);
  return skipOrFail(ctx, venv?.skip ?? 'kolla venv unavailable (ensureKollaVenv() not awaited)');
}

/** `ansible-inventory -i INV --graph` */

export async function inventoryGraph(inventoryPath: string): Promise<RunResult> {
  const kv = requireVenv();
  return run(path.join(kv.bin, 'ansible-inventory'), ['-i', inventoryPath, '--graph'], { env: await ansibleEnv(kv) });
}

async function globalsDFiles(configDir: string): Promise<string[]> {
  // kolla_ansible/ansible.py _get_vars_files: <configdir>/globals.d/*.{yml,yaml,json}, sorted
  const dir = path.join(configDir, 'globals.d');
  if (!existsSync(dir)) return [];
  return (await readdir(dir))
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * The extra-vars part of kolla-ansible's build_args, in its order:
 * -e @globals.yml -e @passwords.yml [-e @globals.d/*] [per-command vars] -e CONFIG_DIR=<configdir>
 */
export async function kollaExtraVars(configDir: string, commandVars: Record<string, string>): Promise<string[]> {
  const abs = path.resolve(configDir);
  const args = ['-e', `@${path.join(abs, 'globals.yml')}`, '-e', `@${path.join(abs, 'passwords.yml')}`];
  for (const f of await globalsDFiles(abs)) args.push('-e', `@${f}`);
  for (const [k, v] of Object.entries(commandVars)) args.push('-e', `${k}=${v}`);
  args.push('-e', `CONFIG_DIR=${abs}`);
  return args;
}

/**
 * `ansible-playbook --syntax-check` of <share>/ansible/site.yml with the arguments `kolla-ansible deploy -i INV`
 * would build. Note: a syntax check parses playbooks/roles and resolves static imports, it does NOT template
 * group_vars; use evaluateKollaVariables for that.
 */
export async function syntaxCheckSite(configDir: string, inventoryPath: string, action = 'deploy'): Promise<RunResult> {
  const kv = requireVenv();
  const args = [
    '--syntax-check',
    '--inventory',
    inventoryPath,
    ...(await kollaExtraVars(configDir, { kolla_action: action })),
    path.join(kv.share, 'ansible', 'site.yml'),
  ];
  return run(path.join(kv.bin, 'ansible-playbook'), args, { env: await ansibleEnv(kv) });
}

/**
 * group_vars variables that are NOT evaluated, with the reason. Everything else is, on every host.
 * None of them is excluded for lack of a real host: the facts kolla's group_vars need are injected (see
 * fakeFacts). `evaluateWhen` names a globals key: when it is true the variable IS evaluated.
 */
export const NOT_EVALUATED: Readonly<Record<string, { reason: string; evaluateWhen?: string }>> = {
  dpdk_tunnel_interface_address: {
    reason:
      "'dpdk_tunnel' | kolla_address, with dpdk_tunnel_interface defaulting to neutron_external_interface, which " +
      'must carry no IP address; it fails on a correctly configured real host as well. kolla only uses it in the ' +
      'ovs-dpdk role.',
    evaluateWhen: 'enable_ovs_dpdk',
  },
};

/**
 * Role defaults that group_vars reference. They exist only inside their role in kolla, so the harness loads
 * them as play vars_files (lower precedence than our extra vars; they would shadow an inventory var of the same
 * name, which no config of ours sets).
 *   octavia_provider_drivers (roles/octavia/defaults/main.yml) <- octavia_auto_configure, enable_octavia_jobboard
 */
export const ROLE_DEFAULTS_USED_BY_GROUP_VARS: Readonly<Record<string, string>> = {
  octavia_provider_drivers: 'octavia',
};

export interface EvaluateOptions {
  /**
   * Addresses for the fake interface facts, by interface name. Default for every interface named in
   * globals/host vars (`*_interface`): `hostAddress`; neutron_external_interface entries get no address.
   */
  interfaces?: Record<string, { ipv4?: string | null; ipv6?: string | null }>;
  /** Default IPv4 of the host's interfaces. Default: kolla_internal_vip_address when enable_haproxy is false, else 192.0.2.1. */
  hostAddress?: string;
  /** Extra/overriding facts (e.g. {os_family: 'RedHat'}). */
  facts?: Record<string, unknown>;
}

function truthy(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return /^(yes|true|on|1)$/i.test(v.trim());
  if (typeof v === 'number') return v !== 0;
  return false;
}

export async function readYamlMap(file: string): Promise<Record<string, unknown>> {
  if (!existsSync(file)) return {};
  const data: unknown = parseYaml(await readFile(file, 'utf8'));
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

/**
 * Facts: we INJECT fake facts (set_fact cacheable=true, which puts them into hostvars[host].ansible_facts
 * exactly where gathered facts live) instead of gathering real ones. Reason: the config under test describes
 * the TARGET machine (interface names such as enp3s0 from a fixture host), not the machine the tests run on;
 * gathering facts here would fail on interfaces that do not exist on CI, or, worse, pass with this runner's
 * addresses. kolla's group_vars read only these facts (2026.1): ansible_facts[<iface with - -> _>].ipv4.address
 * / .ipv6[] (via the kolla_address filter for <net>_interface_address), processor_vcpus
 * (openstack_service_workers), os_family (cinder_target_helper) and python.executable (baremetal
 * ansible_python_interpreter). The fake values are plausible for a Debian 12 single node.
 */
export async function fakeFacts(configDir: string, hostVars: Record<string, Record<string, unknown>>, opts: EvaluateOptions): Promise<Record<string, unknown>> {
  const globals = await readYamlMap(path.join(configDir, 'globals.yml'));
  for (const f of await globalsDFiles(configDir)) Object.assign(globals, await readYamlMap(f));
  const sources: Record<string, unknown>[] = [globals, ...Object.values(hostVars)];

  const names = new Set<string>();
  const external = new Set<string>(); // named only by neutron_external_interface: kolla wants no address there
  const internal = new Set<string>();
  const add = (n: string, to: Set<string>): void => {
    names.add(n);
    to.add(n);
  };
  if (!sources.some((s) => typeof s.network_interface === 'string')) add('eth0', internal); // kolla's default
  for (const src of sources) {
    for (const [k, v] of Object.entries(src)) {
      if (!k.endsWith('_interface') || typeof v !== 'string' || v.includes('{{')) continue;
      for (const n of v.split(',').map((s) => s.trim()).filter(Boolean)) {
        add(n, k === 'neutron_external_interface' ? external : internal);
      }
    }
  }
  if (!sources.some((s) => typeof s.neutron_external_interface === 'string')) add('eth1', external); // kolla's default

  const vip = globals.kolla_internal_vip_address;
  const haproxy = globals.enable_haproxy === undefined ? true : truthy(globals.enable_haproxy);
  const hostAddress = opts.hostAddress ?? (!haproxy && typeof vip === 'string' && !vip.includes('{{') ? vip : '192.0.2.1');

  const facts: Record<string, unknown> = {
    os_family: 'Debian',
    distribution: 'Debian',
    distribution_release: 'bookworm',
    distribution_major_version: '12',
    distribution_version: '12',
    processor_vcpus: 2,
    python: { executable: '/usr/bin/python3' },
  };
  for (const name of names) {
    const explicit = opts.interfaces?.[name];
    const externalOnly = external.has(name) && !internal.has(name);
    const ipv4 = explicit ? explicit.ipv4 : externalOnly ? null : hostAddress;
    const ipv6 = explicit ? explicit.ipv6 : externalOnly ? null : 'fd00::2';
    const iface: Record<string, unknown> = { device: name, active: true, type: 'ether' };
    if (ipv4) iface.ipv4 = { address: ipv4, netmask: '255.255.255.0', prefix: '24' };
    if (ipv6) iface.ipv6 = [{ address: ipv6, prefix: '64', scope: 'global' }];
    facts[name.replaceAll('-', '_')] = iface;
  }
  facts.interfaces = [...names].map((n) => n.replaceAll('-', '_'));
  return { ...facts, ...opts.facts };
}

/**
 * Templates EVERY top-level variable of <share>/ansible/group_vars/{all,baremetal}/*.yml on each host of the
 * inventory, with kolla's extra vars (globals.yml, passwords.yml, globals.d) exactly as build_args passes them.
 * The playbook sits in a temp dir next to a symlink group_vars -> <share>/ansible/group_vars, so kolla's
 * defaults load as playbook group_vars with their real precedence (below our extra vars), as for site.yml.
 */
export async function evaluateKollaVariables(configDir: string, inventoryPath: string, opts: EvaluateOptions = {}): Promise<EvaluateResult> {
  const kv = requireVenv();
  const env = await ansibleEnv(kv);
  const dir = await mkdtemp(path.join(await tmpRoot(), 'evaluate-'));
  await symlink(path.join(kv.share, 'ansible', 'group_vars'), path.join(dir, 'group_vars'));
  await symlink(path.join(kv.share, 'ansible', 'filter_plugins'), path.join(dir, 'filter_plugins'));
  await copyFile(EVALUATE_PLAYBOOK, path.join(dir, 'evaluate-vars.yml'));
  await symlink(path.join(path.dirname(EVALUATE_PLAYBOOK), 'lookup_plugins'), path.join(dir, 'lookup_plugins'));

  // hosts and their inventory vars (for *_interface names)
  const list = await run(path.join(kv.bin, 'ansible-inventory'), ['-i', inventoryPath, '--list'], { env });
  let hostVars: Record<string, Record<string, unknown>> = {};
  if (list.exitCode === 0) {
    try {
      const parsed = JSON.parse(list.stdout) as { _meta?: { hostvars?: Record<string, Record<string, unknown>> } };
      hostVars = parsed._meta?.hostvars ?? {};
    } catch {
      /* leave empty: ansible-playbook below reports the inventory problem itself */
    }
  }
  const facts = await fakeFacts(configDir, hostVars, opts);
  const factsTask = [{ name: 'Inject fake host facts (see test/kolla/harness.ts)', 'ansible.builtin.set_fact': { cacheable: true, ...facts } }];
  await writeFile(path.join(dir, 'fake-facts.yml'), stringifyYaml(factsTask));

  const roleDefaults: Record<string, unknown> = {};
  for (const [name, role] of Object.entries(ROLE_DEFAULTS_USED_BY_GROUP_VARS)) {
    const defaults = await readYamlMap(path.join(kv.share, 'ansible', 'roles', role, 'defaults', 'main.yml'));
    if (name in defaults) roleDefaults[name] = defaults[name];
  }
  await writeFile(path.join(dir, 'role-defaults.yml'), stringifyYaml(roleDefaults));

  const globals = await readYamlMap(path.join(configDir, 'globals.yml'));
  for (const f of await globalsDFiles(configDir)) Object.assign(globals, await readYamlMap(f));
  const skipped = (n: string): boolean => {
    const rule = NOT_EVALUATED[n];
    return rule !== undefined && !(rule.evaluateWhen !== undefined && truthy(globals[rule.evaluateWhen]));
  };
  const evaluated = [...new Set((await kollaDefinedVariables(kv.share)).map((v) => v.name))].filter((n) => !skipped(n));
  const listFile = path.join(dir, 'ciab-evaluate.json');
  await writeFile(listFile, JSON.stringify({ ciab_kolla_variables: evaluated }));

  const args = [
    '--inventory',
    inventoryPath,
    ...(await kollaExtraVars(configDir, { kolla_action: 'deploy' })),
    '-e',
    `@${listFile}`,
    path.join(dir, 'evaluate-vars.yml'),
  ];
  const res = await run(path.join(kv.bin, 'ansible-playbook'), args, {
    cwd: dir,
    // Print only failures.
    env: { ...env, ANSIBLE_DISPLAY_OK_HOSTS: 'false', ANSIBLE_DISPLAY_SKIPPED_HOSTS: 'false' },
  });
  const failed = new Set<string>();
  for (const m of res.stdout.matchAll(/CIAB_FAILED_VARIABLES ([^"\n|]*)/g)) for (const n of m[1]!.split(' ').filter(Boolean)) failed.add(n);
  const failedVariables = evaluated.filter((n) => failed.has(n));
  const recap = res.stdout.slice(res.stdout.lastIndexOf('PLAY RECAP'));
  const hosts = res.stdout.includes('PLAY RECAP') ? [...recap.matchAll(/^(\S+)\s+: ok=/gm)].map((m) => m[1]!) : [];
  const ok = res.exitCode === 0 && failedVariables.length === 0 && hosts.length > 0;
  return { ...res, failedVariables, evaluated, hosts, ok };
}

// ---------------------------------------------------------------------------------------------------------
// the release's own data, for contract tests

/** Top-level keys of <share>/etc_examples/kolla/passwords.yml, in file order. */
export async function kollaPasswordKeys(share: string): Promise<string[]> {
  return Object.keys(await readYamlMap(path.join(share, 'etc_examples', 'kolla', 'passwords.yml')));
}

export interface KollaInventoryGroup {
  name: string;
  hosts: string[];
  children: string[];
}

/** Groups of <share>/ansible/inventory/all-in-one (INI), in file order, with their hosts and children. */
export async function kollaInventoryGroups(share: string): Promise<KollaInventoryGroup[]> {
  const text = await readFile(path.join(share, 'ansible', 'inventory', 'all-in-one'), 'utf8');
  const groups = new Map<string, KollaInventoryGroup>();
  let current: { group: KollaInventoryGroup; kind: 'hosts' | 'children' | 'vars' } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const section = /^\[([^\]:]+)(?::(children|vars))?\]$/.exec(line);
    if (section) {
      const name = section[1]!;
      const group = groups.get(name) ?? { name, hosts: [], children: [] };
      groups.set(name, group);
      current = { group, kind: (section[2] as 'children' | 'vars' | undefined) ?? 'hosts' };
      continue;
    }
    if (!current || current.kind === 'vars') continue;
    const entry = line.split(/\s+/)[0]!;
    current.group[current.kind].push(entry);
  }
  return [...groups.values()];
}

export interface KollaVariable {
  name: string;
  /** 'all' or 'baremetal' */
  group: string;
  /** file name inside group_vars/<group>/ */
  file: string;
}

/** Every top-level definition in <share>/ansible/group_vars/{all,baremetal}/*.yml (duplicates across files kept). */
export async function kollaDefinedVariables(share: string): Promise<KollaVariable[]> {
  const out: KollaVariable[] = [];
  const base = path.join(share, 'ansible', 'group_vars');
  for (const group of (await readdir(base)).sort()) {
    const dir = path.join(base, group);
    const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
    for (const file of files) for (const name of Object.keys(await readYamlMap(path.join(dir, file)))) out.push({ name, group, file });
  }
  return out;
}
