// `ciab verify [--scs] [--json] [--no-instance]`: use the cloud as a user would (ansible/verify.yml, the verify
// phase's checks) and, with --scs, check the SCS standards scs-0100, -0102, -0103 and -0104 against it.
// The cloud is read through openstacksdk in the kolla venv (ansible/cloud/read-cloud.py); the rules are pure
// (src/cloud). Exit codes: 0 every check passed, 1 a check or rule failed (or the cloud could not be read),
// 2 bad input.
import { runPaths } from '../run/paths.js';
import { join } from 'node:path';
import { checkScs, type CloudInventory, type RuleResult } from '../cloud/scs-checks.js';
import { parseStandardFlavors, selectFlavors } from '../cloud/standard-flavors.js';
import type { Env } from '../env/types.js';
import { ExternalError, UserError } from '../model/errors.js';
import type { DeploymentPlan } from '../model/plan.js';

export interface VerifyCommandOptions {
  scs?: boolean;
  json?: boolean;
  instance?: boolean;
  config?: string;
  venv?: string;
  cloud?: string;
  stateDir?: string;
}

export interface VerifyReport {
  verify: { status: 'passed' | 'failed'; steps: Array<{ task: string; status: string; seconds: number | null; message: string | null }> };
  scs: { status: 'passed' | 'failed'; rules: RuleResult[]; leftOut: Array<{ flavor: string; why: string }> } | null;
}

export async function runVerify(env: Env, options: VerifyCommandOptions): Promise<number> {
  const host = env.host;
  const ROOT = env.projectRoot;
  const paths = runPaths(options.stateDir ?? env.vars.CIAB_STATE_DIR);
  const configDir = options.config ?? paths.configDir;
  const venv = options.venv ?? env.vars.CIAB_KOLLA_VENV ?? paths.kollaVenv;
  const cloud = options.cloud ?? 'ciab-admin';
  const planText = await host.readText(join(configDir, 'ciab', 'plan.json'));
  if (planText === null) throw new UserError(`--config ${configDir}: no ciab/plan.json there (render or install first)`);
  let plan: DeploymentPlan;
  try {
    plan = JSON.parse(planText) as DeploymentPlan;
  } catch {
    throw new UserError(`${join(configDir, 'ciab', 'plan.json')}: not valid JSON`);
  }
  if (!(await host.exists(join(configDir, 'openstack', 'clouds.yaml')))) throw new UserError(`--config ${configDir}: no openstack/clouds.yaml there`);
  if (!(await host.exists(join(venv, 'bin', 'ansible-playbook')))) {
    throw new UserError(`--venv ${venv}: no bin/ansible-playbook there (the kolla venv prepare-host makes; env CIAB_KOLLA_VENV)`);
  }

  const eventFile = join(configDir, 'ciab', `verify-events-${process.pid}.ndjson`);
  const play = await host.run(
    'env',
    [
      'LC_ALL=C.UTF-8', // ansible refuses the C locale HostReader.run sets
      `ANSIBLE_CONFIG=${join(ROOT, 'ansible', 'ansible.cfg')}`,
      `ANSIBLE_CALLBACK_PLUGINS=${join(ROOT, 'ansible', 'callback_plugins')}`,
      `CIAB_EVENT_FILE=${eventFile}`,
      'ANSIBLE_LOCALHOST_WARNING=false',
      'ANSIBLE_INVENTORY_UNPARSED_WARNING=false',
      join(venv, 'bin', 'ansible-playbook'),
      join(ROOT, 'ansible', 'verify.yml'),
      '-e',
      JSON.stringify({ ciab_config_dir: configDir, ciab_verify_instance: options.instance !== false, ...extraVars(env) }),
    ],
    { timeoutMs: 30 * 60_000 },
  );
  const events = (await host.readText(eventFile)) ?? '';
  await env.files.remove(eventFile).catch(() => undefined);
  const steps = stepsFromEvents(events);
  const report: VerifyReport = {
    verify: { status: play.exitCode === 0 ? 'passed' : 'failed', steps },
    scs: null,
  };
  if (play.exitCode !== 0 && steps.length === 0) {
    throw new ExternalError('ansible-playbook verify.yml failed before its first task', 'ansible-playbook verify.yml', tail(play.stdout + play.stderr));
  }

  if (options.scs) {
    const read = await host.run(
      'env',
      ['LC_ALL=C.UTF-8', `OS_CLIENT_CONFIG_FILE=${join(configDir, 'openstack', 'clouds.yaml')}`, `OS_CLOUD=${cloud}`, join(venv, 'bin', 'python'), join(ROOT, 'ansible', 'cloud', 'read-cloud.py')],
      { timeoutMs: 120_000 },
    );
    if (read.exitCode !== 0) throw new ExternalError(read.stderr.trim().split('\n').at(-1) ?? 'read-cloud.py failed', 'read-cloud.py', tail(read.stderr));
    const inventory = JSON.parse(read.stdout) as CloudInventory;
    const flavorsText = await host.readText(join(ROOT, 'ansible', 'cloud', 'scs-flavors.yml'));
    if (flavorsText === null) throw new ExternalError('ansible/cloud/scs-flavors.yml is missing', 'read', '');
    const standardFlavors = parseStandardFlavors(flavorsText);
    const selection = selectFlavors(standardFlavors, {
      vcpus: plan.compute.vcpusForInstances,
      memoryBytes: plan.compute.memoryForInstancesBytes,
      diskGB: null,
    });
    const rules = checkScs({ inventory, standardFlavors, selection, now: host.now() });
    report.scs = {
      status: rules.some((rule) => rule.status === 'fail') ? 'failed' : 'passed',
      rules,
      leftOut: selection.leftOut.map((entry) => ({ flavor: entry.flavor.name, why: entry.why })),
    };
  }

  if (options.json) env.terminal.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else env.terminal.stdout.write(formatReport(report));
  return report.verify.status === 'passed' && report.scs?.status !== 'failed' ? 0 : 1;
}

/** Test knobs for a cloud without a dataplane (the test fixture), passed through unchanged. */
function extraVars(env: Env): Record<string, unknown> {
  const raw = env.vars.CIAB_VERIFY_EXTRA_VARS;
  if (!raw) return {};
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new UserError('CIAB_VERIFY_EXTRA_VARS: not a JSON object');
  }
}

function tail(text: string): string {
  return text.split('\n').slice(-20).join('\n');
}

/** One step per task: its name, last status and the seconds from its start to its last result. */
export function stepsFromEvents(ndjson: string): VerifyReport['verify']['steps'] {
  const steps = new Map<string, { task: string; status: string; start: number; end: number | null; message: string | null }>();
  for (const line of ndjson.split('\n')) {
    if (!line.trim()) continue;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (event.event === 'task_start') {
      steps.set(String(event.uuid), { task: String(event.name), status: 'started', start: Number(event.t), end: null, message: null });
    } else if (event.event === 'result') {
      const step = steps.get(String(event.task_uuid));
      if (step) {
        step.status = String(event.status);
        step.end = Number(event.t);
        step.message = typeof event.msg === 'string' && event.status === 'failed' ? event.msg : null;
      }
    }
  }
  return [...steps.values()].map((step) => ({
    task: step.task,
    status: step.status,
    seconds: step.end === null ? null : Math.round((step.end - step.start) * 10) / 10,
    message: step.message,
  }));
}

export function formatReport(report: VerifyReport): string {
  const lines = [`verify: ${report.verify.status}`];
  for (const step of report.verify.steps) {
    lines.push(`  ${step.status.padEnd(8)} ${step.task}${step.seconds !== null ? ` (${step.seconds} s)` : ''}${step.message ? `: ${step.message}` : ''}`);
  }
  if (report.scs) {
    const count = (status: string) => report.scs!.rules.filter((rule) => rule.status === status).length;
    lines.push(`SCS conformance: ${report.scs.status} (${count('pass')} pass, ${count('fail')} fail, ${count('warn')} warn)`);
    for (const rule of report.scs.rules) lines.push(`  ${rule.status.padEnd(4)} ${rule.rule} ${rule.subject}: ${rule.reason}`);
    if (report.scs.leftOut.length > 0) lines.push(`  too big for this box, not created: ${report.scs.leftOut.map((entry) => entry.flavor).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
