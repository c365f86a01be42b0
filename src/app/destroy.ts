// `ciab destroy`: what will go (named before anything happens), then kolla-ansible destroy and the teardown
// playbook through the run engine (lock, run folder, logs, Ctrl-C like install).
import path from 'node:path';
import type { Answers } from '../model/answers.js';
import type { DeploymentPlan } from '../model/plan.js';
import type { EventSink } from '../model/events.js';
import { runInstall, type RunOutcome, type SignalName } from '../run/engine.js';
import type { RunPaths } from '../run/paths.js';
import { collectSecrets } from './install-run.js';
import { pathExists, readTextOrNull, removeFile, removeTree } from '../env/run-files.js';

/** Everything destroy removes, in words, from the plan that was installed. */
export function destroyList(plan: DeploymentPlan, paths: RunPaths): string[] {
  const items = [`every OpenStack container and its data volume (kolla-ansible destroy): ${plan.services.length} services, all instances, images and volumes in the cloud`];
  const bridge = plan.network.localBridge;
  if (bridge) items.push(`the host network ciab added: bridge ${bridge.bridge}, veth ${bridge.vethHost}/${bridge.vethKolla} and its NAT rule`);
  if (plan.storage.volumeGroup) {
    items.push(
      plan.storage.file
        ? `volume group ${plan.storage.volumeGroup} and its loop file ${plan.storage.file.path} (with its unit)`
        : `volume group ${plan.storage.volumeGroup} on ${plan.storage.disks.map((d) => d.path).join(', ')} (the data on it)`,
    );
  }
  items.push(`the kolla-ansible venv ${paths.kollaVenv} and the units ciab installed`);
  return items;
}

export interface DestroyInput {
  plan: DeploymentPlan;
  answers: Pick<Answers, 'admin_password' | 'proxy'>;
  paths: RunPaths;
  projectRoot: string;
  sink: EventSink;
  vars: Readonly<Record<string, string | undefined>>;
  cwd: string;
  onSignal(signal: SignalName, handler: () => void): () => void;
  now(): Date;
}

export async function runDestroy(input: DestroyInput): Promise<RunOutcome> {
  const given = (name: string) => (input.vars[name] ? path.resolve(input.cwd, input.vars[name]!) : null);
  const outcome = await runInstall({
    action: 'destroy',
    plan: input.plan,
    paths: input.paths,
    projectRoot: input.projectRoot,
    kollaAnsible: given('CIAB_KOLLA_ANSIBLE') ?? path.join(input.paths.kollaVenv, 'bin', 'kolla-ansible'),
    ansiblePlaybook: given('CIAB_ANSIBLE_PLAYBOOK') ?? path.join(input.projectRoot, 'ansible', 'run-playbook.sh'),
    callbackDir: given('CIAB_CALLBACK_PLUGINS') ?? path.join(input.projectRoot, 'ansible', 'callback_plugins'),
    confirmedWipe: [],
    stopServices: [],
    skipChecks: [],
    secrets: collectSecrets(input.paths.configDir, input.answers as Answers),
    sink: input.sink,
    resumeCommand: 'ciab destroy --yes',
    onSignal: input.onSignal,
    now: input.now,
    vars: input.vars,
    abortGraceMs: Number(input.vars.CIAB_ABORT_GRACE_MS ?? '') || undefined,
  });
  if (outcome.status === 'succeeded') removeVenvLeftToUs(input.paths);
  return outcome;
}

/**
 * The teardown playbook runs from the kolla venv, so it cannot remove it: it checks that the folder is ciab's venv
 * and names it in state/remove-venv (ansible/teardown/kolla-venv.yml). Removed here, once the playbook has ended.
 */
export function removeVenvLeftToUs(paths: RunPaths): void {
  const marker = path.join(path.dirname(paths.stateFile), 'remove-venv');
  const named = readTextOrNull(marker)?.trim();
  if (named === undefined) return;
  if (named === paths.kollaVenv && pathExists(path.join(named, 'pyvenv.cfg'))) removeTree(named);
  removeFile(marker);
}
