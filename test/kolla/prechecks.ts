// kolla-ansible's own precheck conditions, evaluated against a rendered configuration.
//
// `kolla-ansible prechecks` needs the target host (Docker, container facts, ports), which a test cannot have.
// Most of what it refuses in a CONFIGURATION, though, is plain `assert`/`fail` tasks over variables, and `stat`
// tasks on files of the deployment host (delegate_to: localhost). This runner takes exactly those tasks from the
// installed release's roles/<role>/tasks/precheck.yml, unchanged, and runs them in a role that has the real
// role's defaults/ and vars/ (symlinked), under kolla's group_vars (symlinked, loaded as playbook group_vars),
// with kolla-ansible's extra vars (globals, passwords, CONFIG_DIR) and injected host facts — so every default
// and precedence is kolla's own. Tasks that read a result registered by a task we cannot run (container facts,
// port probes) are left out and listed in `leftOut`.
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { readFile } from 'node:fs/promises';
import {
  ansibleEnv,
  fakeFacts,
  kollaExtraVars,
  requireVenv,
  run,
  tmpRoot,
  type EvaluateOptions,
  type RunResult,
} from './harness.js';

export interface PrecheckFailure {
  role: string;
  task: string;
  /** kolla's fail_msg / msg, or ansible's own error (e.g. an undefined variable). */
  message: string;
}

export interface PrecheckResult extends RunResult {
  failures: PrecheckFailure[];
  /** "role: task" of every precheck task that ran (not skipped by its `when`). */
  ran: string[];
  /** "role: task" of precheck tasks that need a live host and were not run. */
  leftOut: string[];
  /** The requested variables, by role, as kolla evaluated them (absent when the role did not run). */
  values: Record<string, Record<string, unknown>>;
}

type Task = Record<string, unknown>;

const CHECK_MODULES = ['ansible.builtin.assert', 'assert', 'ansible.builtin.fail', 'fail'];
const STAT_MODULES = ['ansible.builtin.stat', 'stat'];

function runsHere(task: Task): boolean {
  if (CHECK_MODULES.some((m) => m in task)) return true;
  return STAT_MODULES.some((m) => m in task) && task.delegate_to === 'localhost';
}

/** The assert/fail/local-stat tasks of a precheck task file; tasks reading results of the others are left out. */
export function precheckTasks(tasks: Task[]): { kept: Task[]; leftOut: string[] } {
  const dropped = tasks.filter((t) => !runsHere(t));
  const registered = dropped.map((t) => t.register).filter((r): r is string => typeof r === 'string');
  const reads = (t: Task) => registered.some((r) => new RegExp(`\\b${r}\\b`).test(JSON.stringify(t)));
  const kept = tasks.filter((t) => runsHere(t) && !reads(t));
  const name = (t: Task) => String(t.name ?? '(unnamed)');
  return {
    kept: kept.map((t) => {
      const { become: _become, ...rest } = t;
      return { ...rest, ignore_errors: true };
    }),
    leftOut: tasks.filter((t) => !kept.includes(t)).map(name),
  };
}

/** A kolla role to check, and the condition site.yml applies it under (default: enable_<role>). */
export interface PrecheckRole {
  role: string;
  when?: string;
  /** Variables to report as kolla evaluates them inside the role (role defaults included): `values[role][name]`. */
  values?: string[];
}

export async function runKollaPrechecks(configDir: string, inventoryPath: string, roles: PrecheckRole[], opts: EvaluateOptions = {}): Promise<PrecheckResult> {
  const kv = requireVenv();
  const env = await ansibleEnv(kv);
  const ansibleDir = path.join(kv.share, 'ansible');
  const dir = await mkdtemp(path.join(await tmpRoot(), 'prechecks-'));
  for (const link of ['group_vars', 'filter_plugins', 'action_plugins', 'library', 'module_utils']) {
    if (existsSync(path.join(ansibleDir, link))) await symlink(path.join(ansibleDir, link), path.join(dir, link));
  }

  const list = await run(path.join(kv.bin, 'ansible-inventory'), ['-i', inventoryPath, '--list'], { env });
  let hostVars: Record<string, Record<string, unknown>> = {};
  try {
    hostVars = (JSON.parse(list.stdout) as { _meta?: { hostvars?: Record<string, Record<string, unknown>> } })._meta?.hostvars ?? {};
  } catch {
    /* ansible-playbook reports the inventory problem itself */
  }
  const facts = await fakeFacts(path.resolve(configDir), hostVars, opts);
  await writeFile(path.join(dir, 'fake-facts.yml'), stringifyYaml([{ name: 'Inject fake host facts', 'ansible.builtin.set_fact': { cacheable: true, ...facts } }]));

  const leftOut: string[] = [];
  const plays: unknown[] = [];
  for (const { role, when, values } of roles) {
    const source = path.join(ansibleDir, 'roles', role);
    // A role without prechecks (e.g. certificates) still gives its defaults for `values`.
    const taskFile = path.join(source, 'tasks', 'precheck.yml');
    const tasks = existsSync(taskFile) ? ((parseYaml(await readFile(taskFile, 'utf8')) as Task[] | null) ?? []) : [];
    const { kept, leftOut: out } = precheckTasks(tasks);
    leftOut.push(...out.map((t) => `${role}: ${t}`));
    const copy = path.join(dir, 'roles', `ciab-precheck-${role}`);
    await mkdir(path.join(copy, 'tasks'), { recursive: true });
    for (const sub of ['defaults', 'vars']) if (existsSync(path.join(source, sub))) await symlink(path.join(source, sub), path.join(copy, sub));
    const report = values?.length
      ? [{ name: 'Report values', 'ansible.builtin.debug': { msg: `CIAB_VALUES ${role} {{ dict(ciab_names | zip(query('ansible.builtin.vars', *ciab_names))) | to_json }}` }, vars: { ciab_names: values } }]
      : [];
    const all = [...kept, ...report];
    await writeFile(path.join(copy, 'tasks', 'main.yml'), stringifyYaml(all.length ? all : [{ name: 'no checks', 'ansible.builtin.meta': 'noop' }]));
    plays.push({
      name: `Prechecks of ${role}`,
      hosts: 'all',
      gather_facts: false,
      pre_tasks: [{ 'ansible.builtin.import_tasks': 'fake-facts.yml' }],
      roles: [{ role: `ciab-precheck-${role}`, when: when ?? `enable_${role.replaceAll('-', '_')} | bool` }],
    });
  }
  const playbook = path.join(dir, 'prechecks.yml');
  await writeFile(playbook, stringifyYaml(plays));

  const args = ['--inventory', inventoryPath, ...(await kollaExtraVars(configDir, { kolla_action: 'precheck' })), playbook];
  const res = await run(path.join(kv.bin, 'ansible-playbook'), args, { cwd: dir, env: {
      ...env,
      // One line per result, skipped tasks hidden (their banner too): a banner means the check ran. The parser
      // below reads `fatal: [host]: FAILED! => {json}`.
      ANSIBLE_DISPLAY_SKIPPED_HOSTS: 'false',
      ANSIBLE_CALLBACK_RESULT_FORMAT: 'json',
      ANSIBLE_CALLBACK_FORMAT_PRETTY: 'false',
    },
  });
  if (process.env.CIAB_DEBUG_PRECHECKS) console.log(res.stdout);

  const reported: Record<string, Record<string, unknown>> = {};
  for (const m of res.stdout.matchAll(/^ok: \[[^\]]+\] => (\{.*\})$/gm)) {
    const msg = String((JSON.parse(m[1]!) as { msg?: unknown }).msg ?? '');
    const hit = /^CIAB_VALUES (\S+) (.*)$/s.exec(msg);
    if (hit) reported[hit[1]!] = JSON.parse(hit[2]!) as Record<string, unknown>;
  }
  const failures: PrecheckFailure[] = [];
  const ran: string[] = [];
  for (const section of res.stdout.split(/^TASK \[/m).slice(1)) {
    const head = /^ciab-precheck-([^ ]+) : (.*?)\] \**$/m.exec(section);
    if (!head || head[2] === 'Report values') continue;
    const [, role, task] = head;
    ran.push(`${role}: ${task}`);
    for (const m of section.matchAll(/^(?:fatal|failed): \[[^\]]+\](?: \(item=[^)]*\))?: FAILED! => (.*)$|^failed: \[[^\]]+\] \(item=[^)]*\) => (.*)$/gm)) {
      let message = m[1] ?? m[2] ?? '';
      try {
        const parsed = JSON.parse(message) as { msg?: unknown; item?: unknown; stat?: { exists?: boolean } };
        if (parsed.msg !== undefined) message = String(parsed.msg);
        if (parsed.stat?.exists === false) message = 'does not exist';
        if (parsed.item !== undefined) message = `${String(parsed.item)}: ${message}`;
      } catch {
        /* keep the raw text */
      }
      failures.push({ role: role!, task: task!, message });
    }
  }
  if (res.exitCode !== 0 && failures.length === 0) failures.push({ role: '(playbook)', task: '(run)', message: (res.stderr || res.stdout).trim().split('\n').slice(-5).join('\n') });
  return { ...res, failures, ran, leftOut, values: reported };
}
