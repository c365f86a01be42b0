// What the finished cloud offers, for the result screen and the line summary: read from the files the two last
// phases left (the demo openrc, verify-result.json, cloud-inventory.json) and the SCS rules run on the inventory.
import path from 'node:path';
import { pathExists, readTextOrNull } from '../env/run-files.js';
import { checkScs, type CloudInventory } from '../cloud/scs-checks.js';
import { parseStandardFlavors, selectFlavors } from '../cloud/standard-flavors.js';
import type { CloudResult } from '../model/events.js';
import type { DeploymentPlan } from '../model/plan.js';
import type { RunState } from '../model/run-state.js';

export interface CloudResultInput {
  plan: DeploymentPlan;
  configDir: string;
  /** Where verify.yml wrote verify-result.json and cloud-inventory.json (the state file's folder). */
  stateDir: string;
  projectRoot: string;
  state: RunState;
  /** CIAB_CLOUD_PHASES=skip: the phases were skipped for want of a cloud. */
  skipped: boolean;
  now: Date;
}

interface VerifyResultFile {
  instance?: boolean;
  ssh?: string | null;
  skipped?: string | null;
}

const MAX_FAILING = 20;

/** null while bootstrap-cloud has not run (an install stopped earlier, --until): there is nothing to show yet. */
export function readCloudResult(input: CloudResultInput): CloudResult | null {
  if (input.skipped) {
    return { demoCredentials: null, ssh: null, verify: { status: 'skipped', note: 'verify skipped: no cloud to talk to (CIAB_CLOUD_PHASES=skip)' }, scs: null };
  }
  if (input.state.phases['bootstrap-cloud']?.status !== 'done') return null;
  const openrc = path.join(input.configDir, 'openstack', 'demo-openrc.sh');
  const verifyRecord = input.state.phases.verify;
  const file = verifyRecord?.status === 'done' ? readJson<VerifyResultFile>(path.join(input.stateDir, 'verify-result.json')) : null;
  const status = verifyRecord?.status === 'done' ? 'passed' : verifyRecord?.status === 'failed' ? 'failed' : 'not-run';
  const note =
    status === 'failed' ? 'verify failed: its log has the step'
    : status === 'not-run' ? 'verify has not run yet'
    : file?.instance === false ? `verify skipped the test instance: ${file.skipped ?? 'turned off'}`
    : (file?.ssh ?? null) === null ? 'the test instance was not kept'
    : null;
  return {
    demoCredentials: pathExists(openrc) ? openrc : null,
    ssh: status === 'passed' ? (file?.ssh ?? null) : null,
    verify: { status, note },
    scs: verifyRecord?.status === 'done' ? scsSummary(input) : null,
  };
}

function scsSummary(input: CloudResultInput): CloudResult['scs'] {
  const inventory = readJson<CloudInventory>(path.join(input.stateDir, 'cloud-inventory.json'));
  const flavorsText = readTextOrNull(path.join(input.projectRoot, 'ansible', 'cloud', 'scs-flavors.yml'));
  if (!inventory || !Array.isArray(inventory.flavors) || !Array.isArray(inventory.images) || flavorsText === null) return null;
  const standardFlavors = parseStandardFlavors(flavorsText);
  const selection = selectFlavors(standardFlavors, { vcpus: input.plan.compute.vcpusForInstances, memoryBytes: input.plan.compute.memoryForInstancesBytes, diskGB: null });
  const rules = checkScs({ inventory, standardFlavors, selection, now: input.now });
  const count = (status: string) => rules.filter((rule) => rule.status === status).length;
  const failing = rules.filter((rule) => rule.status === 'fail').map((rule) => `${rule.standard} ${rule.subject}`);
  return { status: failing.length > 0 ? 'failed' : 'passed', pass: count('pass'), fail: count('fail'), warn: count('warn'), failing: [...new Set(failing)].slice(0, MAX_FAILING) };
}

function readJson<T>(file: string): T | null {
  const text = readTextOrNull(file);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
