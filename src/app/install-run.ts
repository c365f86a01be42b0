// `ciab install` after the configuration is written: check the confirmations the plan needs, reattach to a run
// that is still going, then drive the run engine over the phases. Values in, an outcome out; output goes through
// the EventSink the command chose.
import path from 'node:path';
import { inspectLock, type LockHolder } from '../env/lock.js';
import { FileTail, pathExists, readTextOrNull } from '../env/run-files.js';
import { BlockedError, UserError } from '../model/errors.js';
import type { Answers } from '../model/answers.js';
import type { HostFacts } from '../model/facts.js';
import type { DeploymentPlan, PhaseId } from '../model/plan.js';
import type { EventSink, InstallerEvent } from '../model/events.js';
import { runInstall, selectPhases, type RunOutcome, type SignalName } from '../run/engine.js';
import { cloudPhaseOptions } from '../run/phases.js';
import type { RunPaths } from '../run/paths.js';
import { secretsFromPasswordsYaml, secretsFromProxyUrl } from '../run/redact.js';
import { loadState, hashInputs, readConfigTree } from '../run/state.js';

export interface InstallRunInput {
  plan: DeploymentPlan;
  answers: Answers;
  facts: HostFacts;
  paths: RunPaths;
  projectRoot: string;
  from?: string;
  until?: string;
  /** Host services the person agreed to stop (--stop-service), by name. */
  stopServices: string[];
  skipChecks: string[];
  /** Secrets known in memory (the render's list, typed passwords), masked besides those read from the files. */
  secrets?: readonly string[];
  sink: EventSink;
  resumeCommand: string;
  vars: Readonly<Record<string, string | undefined>>;
  cwd: string;
  onSignal(signal: SignalName, handler: () => void): () => void;
  now(): Date;
  pollMs?: number;
}

/** Short names of host services that clash with kolla ("libvirt", "mysql/mariadb", "nscd" …). */
export function clashingServiceNames(facts: HostFacts): string[] {
  return facts.os.services.clashing.map((label) => label.split(' ')[0]!.toLowerCase());
}

/** Every secret the logs must never show: passwords.yml's values, the typed admin password, proxy credentials. */
export function collectSecrets(configDir: string, answers: Answers): string[] {
  const secrets = secretsFromPasswordsYaml(readTextOrNull(path.join(configDir, 'kolla', 'passwords.yml')) ?? '');
  if (answers.admin_password) secrets.push(answers.admin_password);
  secrets.push(...secretsFromProxyUrl(answers.proxy.http), ...secretsFromProxyUrl(answers.proxy.https));
  return secrets;
}

function resolveTool(vars: InstallRunInput['vars'], cwd: string, name: string, fallback: string): string {
  const given = vars[name];
  if (given) return path.resolve(cwd, given);
  return fallback;
}

/** Follow another run's events until it ends (an ssh drop left it running, or a second terminal asks). */
export async function reattach(holder: LockHolder, lockFile: string, sink: EventSink, pollMs: number): Promise<InstallerEvent | null> {
  const tail = new FileTail(path.join(holder.info.runDir, 'events.ndjson'));
  let finished: InstallerEvent | null = null;
  const pump = (lines: string[]) => {
    for (const line of lines) {
      try {
        const event = JSON.parse(line) as InstallerEvent;
        sink.emit(event);
        if (event.type === 'run_finished') finished = event;
      } catch {
        // a torn line is completed on the next read
      }
    }
  };
  for (;;) {
    pump(tail.readLines());
    const now = inspectLock(lockFile);
    if (!now || now.info.runDir !== holder.info.runDir || (holder.kind === 'orphan' && now.kind !== 'orphan')) break;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  pump(tail.flush());
  return finished;
}

export type InstallRunResult = { kind: 'ran'; outcome: RunOutcome } | { kind: 'reattached'; status: string | null };

export async function runInstallPhases(input: InstallRunInput): Promise<InstallRunResult> {
  const pollMs = input.pollMs ?? 200;
  let holder = inspectLock(input.paths.lockFile);
  if (holder?.kind === 'running') {
    input.sink.emit({ type: 'notice', at: input.now().toISOString(), runId: '', level: 'info', message: `ciab ${holder.info.action} (pid ${holder.info.pid}) is running since ${holder.info.startedAt}: following its progress` });
    const finished = await reattach(holder, input.paths.lockFile, input.sink, pollMs);
    return { kind: 'reattached', status: finished?.type === 'run_finished' ? finished.status : null };
  }
  if (holder?.kind === 'orphan') {
    // ciab died but its ansible child runs on: let it end (its phase is not recorded done, so it runs again).
    input.sink.emit({ type: 'notice', at: input.now().toISOString(), runId: '', level: 'warning', message: `an earlier run's ansible (pid ${holder.info.childPid}) is still running; waiting for it to end` });
    await reattach(holder, input.paths.lockFile, { emit: () => {} }, pollMs);
    holder = null;
  }

  let selection;
  let cloud;
  try {
    selection = selectPhases(input.plan, input.from, input.until);
    cloud = cloudPhaseOptions(input.vars);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const state = loadState(input.paths.stateFile);
  const tree = readConfigTree(input.paths.configDir);
  const prepare = selection.all.find((p) => p.id === 'prepare-host');
  const preparing = prepare && selection.inRange.has('prepare-host') && !prepare.isDone(state.phases['prepare-host'], hashInputs(tree, prepare.dependsOn));
  if (preparing) {
    const clashing = clashingServiceNames(input.facts);
    const missing = clashing.filter((name) => !input.stopServices.some((s) => s.toLowerCase() === name));
    if (missing.length > 0) {
      throw new BlockedError(
        `not installing: prepare-host would stop ${missing.join(', ')} running on this host — confirm with ${missing.map((m) => `--stop-service ${m}`).join(' ')}`,
      );
    }
  }
  const kollaAnsible = resolveTool(input.vars, input.cwd, 'CIAB_KOLLA_ANSIBLE', path.join(input.paths.kollaVenv, 'bin', 'kolla-ansible'));
  // The wrapper runs the venv's pinned ansible-playbook, building the venv first on a fresh host (prepare-host).
  const ansiblePlaybook = resolveTool(input.vars, input.cwd, 'CIAB_ANSIBLE_PLAYBOOK', path.join(input.projectRoot, 'ansible', 'run-playbook.sh'));
  const callbackDir = resolveTool(input.vars, input.cwd, 'CIAB_CALLBACK_PLUGINS', path.join(input.projectRoot, 'ansible', 'callback_plugins'));
  const secrets = [...collectSecrets(input.paths.configDir, input.answers), ...(input.secrets ?? [])];
  const outcome = await runInstall({
    plan: input.plan,
    paths: input.paths,
    projectRoot: input.projectRoot,
    kollaAnsible,
    ansiblePlaybook,
    callbackDir,
    from: input.from as PhaseId | undefined,
    until: input.until as PhaseId | undefined,
    confirmedWipe: input.plan.storage.disks.filter((d) => d.wipe).map((d) => d.path),
    stopServices: input.stopServices,
    skipChecks: input.skipChecks,
    secrets,
    sink: input.sink,
    resumeCommand: input.resumeCommand,
    onSignal: input.onSignal,
    now: input.now,
    vars: input.vars,
    pollMs,
    abortGraceMs: Number(input.vars.CIAB_ABORT_GRACE_MS ?? '') || undefined,
    cloud,
  });
  return { kind: 'ran', outcome };
}

