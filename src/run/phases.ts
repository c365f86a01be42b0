// The install's phases as data (STYLE rule 3): each says whether it applies to a plan, what it depends on (for the
// input hash), whether it is done, and the command it runs. The two last ones (first resources, verify) talk to the
// cloud's APIs instead of the host: they need a cloud, which a stand-in kolla-ansible does not make (CloudPhaseOptions).
import type { DeploymentPlan, PhaseId } from '../model/plan.js';
import type { PhaseRecord } from '../model/run-state.js';

/** A command the engine runs for a phase: kolla-ansible or the project's own ansible-playbook. */
export interface PhaseCommand {
  kind: 'kolla' | 'playbook';
  /** kolla-ansible's action, or the playbook path relative to the project. */
  action: string;
  args: string[];
}

export interface PhaseInputs {
  plan: DeploymentPlan;
  configDir: string;
  kollaVenv: string;
  stateDir: string;
  confirmedWipe: string[];
  stopServices: string[];
  skipChecks: string[];
  cloud: CloudPhaseOptions;
}

/**
 * How the phases that use the cloud's APIs run, from the environment (the knobs are for tests and odd sites):
 *   CIAB_CLOUD_PHASES=skip   no cloud to talk to (the stand-in kolla-ansible made none): they are skipped, reason no-cloud
 *   CIAB_CLOUDS_YAML=FILE    the admin cloud's clouds.yaml (default: the rendered openstack/clouds.yaml), e.g. the
 *                            test fixture's real APIs
 *   CIAB_CIRROS_FILE=FILE    a local CirrOS image instead of the download (offline sites, tests); with
 *   CIAB_CIRROS_SHA256=HEX   its sha256 (default: CirrOS 0.6.3's, pinned in bootstrap-cloud.yml)
 *   CIAB_VERIFY_EXTRA_VARS   JSON object of verify.yml variables (ciab_verify_instance=false for a cloud without compute)
 */
export interface CloudPhaseOptions {
  skip: boolean;
  cloudsYaml: string | null;
  cirrosFile: string | null;
  cirrosSha256: string | null;
  verifyExtraVars: Record<string, unknown>;
}

/** The cloud phases' options from the environment; a malformed value is the user's error (RangeError names it). */
export function cloudPhaseOptions(vars: Readonly<Record<string, string | undefined>>): CloudPhaseOptions {
  const mode = vars.CIAB_CLOUD_PHASES ?? 'run';
  if (mode !== 'run' && mode !== 'skip') throw new RangeError(`CIAB_CLOUD_PHASES=${mode}: use run or skip`);
  let verifyExtraVars: Record<string, unknown> = {};
  if (vars.CIAB_VERIFY_EXTRA_VARS) {
    try {
      verifyExtraVars = JSON.parse(vars.CIAB_VERIFY_EXTRA_VARS) as Record<string, unknown>;
    } catch {
      throw new RangeError('CIAB_VERIFY_EXTRA_VARS: not a JSON object');
    }
    if (typeof verifyExtraVars !== 'object' || verifyExtraVars === null || Array.isArray(verifyExtraVars)) throw new RangeError('CIAB_VERIFY_EXTRA_VARS: not a JSON object');
  }
  const sha = vars.CIAB_CIRROS_SHA256 || null;
  if (sha !== null && !/^[0-9a-f]{64}$/.test(sha)) throw new RangeError('CIAB_CIRROS_SHA256: not a sha256 (64 lowercase hex digits)');
  return { skip: mode === 'skip', cloudsYaml: vars.CIAB_CLOUDS_YAML || null, cirrosFile: vars.CIAB_CIRROS_FILE || null, cirrosSha256: sha, verifyExtraVars };
}

/** The phases that need the cloud's APIs: skipped (reason no-cloud) when there is no cloud to talk to. */
export const CLOUD_PHASE_IDS: readonly string[] = ['bootstrap-cloud', 'verify'];

export interface RunPhase {
  id: PhaseId | DestroyPhaseId;
  /** For phases the plan does not list (destroy's). */
  title?: string;
  estimateMinutes?: number;
  applies(plan: DeploymentPlan): boolean;
  /** Prefixes of the rendered configuration's files this phase depends on. */
  dependsOn: string[];
  isDone(record: PhaseRecord | undefined, inputHash: string): boolean;
  command(inputs: PhaseInputs, record: PhaseRecord | undefined): PhaseCommand;
}

export type DestroyPhaseId = 'kolla-destroy' | 'teardown-host';

const doneWithSameInputs = (record: PhaseRecord | undefined, inputHash: string) => record?.status === 'done' && record.inputHash === inputHash;

/**
 * ciab's host playbooks run their modules with the distribution's python, named: interpreter discovery takes the
 * first python3 on root's PATH, and a pyenv or conda shim there fails every module (measured: "pyenv: python3.13:
 * command not found" at fact gathering); the apt module needs the system's python3-apt anyway.
 */
export const HOST_PYTHON = '/usr/bin/python3';

const kolla = (action: string, inputs: PhaseInputs, extra: string[] = []): PhaseCommand => ({
  kind: 'kolla',
  action,
  args: [action, '-i', `${inputs.configDir}/kolla/inventory`, '--configdir', `${inputs.configDir}/kolla`, ...extra],
});

export const RUN_PHASES: RunPhase[] = [
  {
    id: 'prepare-host',
    applies: () => true,
    dependsOn: ['host/', 'ciab/', 'kolla/globals.yml', 'kolla/inventory'],
    isDone: doneWithSameInputs,
    command: (inputs) => ({
      kind: 'playbook',
      action: 'ansible/prepare-host.yml',
      args: [
        '-e',
        JSON.stringify({
          ansible_python_interpreter: HOST_PYTHON,
          ciab_config_dir: inputs.configDir,
          ciab_state_dir: inputs.stateDir,
          ciab_kolla_venv: inputs.kollaVenv,
          ciab_confirmed_wipe: inputs.confirmedWipe,
          ciab_stop_services: inputs.stopServices,
          ciab_extra_ca_files: inputs.plan.trust?.caCertificates ?? [],
          // ciab_skip names prepare-host's parts (not preflight checks): nothing is left out of an install.
          ciab_skip: [],
        }),
      ],
    }),
  },
  {
    id: 'kolla-certificates',
    applies: (plan) => plan.network.tls,
    dependsOn: ['kolla/globals.yml', 'kolla/inventory'],
    isDone: doneWithSameInputs,
    command: (inputs) => kolla('certificates', inputs),
  },
  {
    id: 'kolla-prechecks',
    applies: () => true,
    dependsOn: ['kolla/'],
    isDone: doneWithSameInputs,
    command: (inputs) =>
      kolla('prechecks', inputs, [
        ...(inputs.plan.images.useTestImages ? ['--use-test-images'] : []),
        // A skipped `time` check (no NTP server reachable: offline sites, the test VM) also skips kolla's own
        // NTP check, which would fail on the same unsynchronized clock (K15).
        ...(inputs.skipChecks.includes('time') ? ['-e', 'prechecks_enable_host_ntp_checks=false'] : []),
      ]),
  },
  {
    id: 'kolla-pull',
    applies: () => true,
    dependsOn: ['kolla/globals.yml', 'kolla/inventory'],
    isDone: doneWithSameInputs,
    command: (inputs) => kolla('pull', inputs),
  },
  {
    id: 'kolla-deploy',
    applies: () => true,
    dependsOn: ['kolla/'],
    isDone: doneWithSameInputs,
    // Once deployed, a changed configuration is applied with reconfigure (kolla's way to change a running cloud).
    command: (inputs, record) => kolla(record?.status === 'done' || record?.command === 'reconfigure' ? 'reconfigure' : 'deploy', inputs),
  },
  {
    id: 'kolla-post-deploy',
    applies: () => true,
    dependsOn: ['kolla/'],
    isDone: doneWithSameInputs,
    command: (inputs) => kolla('post-deploy', inputs),
  },
  {
    id: 'bootstrap-cloud',
    applies: () => true,
    // The plan (floating range, instance capacity) and the admin credentials; its own outputs (demo files) go to
    // openstack/ too but are not inputs.
    dependsOn: ['ciab/plan.json', 'openstack/clouds.yaml'],
    isDone: doneWithSameInputs,
    command: (inputs) => ({
      kind: 'playbook',
      action: 'ansible/bootstrap-cloud.yml',
      args: [
        '-e',
        JSON.stringify({
          ...cloudVars(inputs),
          ...(inputs.cloud.cirrosFile ? { ciab_cirros_file: inputs.cloud.cirrosFile } : {}),
          ...(inputs.cloud.cirrosSha256 ? { ciab_cirros_sha256: inputs.cloud.cirrosSha256 } : {}),
        }),
      ],
    }),
  },
  {
    id: 'verify',
    applies: () => true,
    dependsOn: ['ciab/plan.json', 'openstack/clouds.yaml'],
    isDone: doneWithSameInputs,
    command: (inputs) => ({
      kind: 'playbook',
      action: 'ansible/verify.yml',
      args: [
        '-e',
        JSON.stringify({
          ...cloudVars(inputs),
          // The install keeps its test instance for the person to log in to (the result screen's ssh command);
          // `ciab verify` deletes its own.
          ciab_verify_keep: true,
          ciab_result_dir: inputs.stateDir,
          ...inputs.cloud.verifyExtraVars,
        }),
      ],
    }),
  },
];

function cloudVars(inputs: PhaseInputs): Record<string, string> {
  return { ciab_config_dir: inputs.configDir, ...(inputs.cloud.cloudsYaml ? { ciab_clouds_yaml: inputs.cloud.cloudsYaml } : {}) };
}

export const RUN_PHASE_IDS: readonly string[] = RUN_PHASES.map((p) => p.id);

/** `ciab destroy`: kolla's containers and volumes, then what prepare-host did (network, storage, units, venv). */
export const DESTROY_PHASES: RunPhase[] = [
  {
    id: 'kolla-destroy',
    title: 'Remove the OpenStack containers and volumes',
    estimateMinutes: 3,
    applies: () => true,
    dependsOn: [],
    isDone: () => false,
    command: (inputs) => kolla('destroy', inputs, ['--yes-i-really-really-mean-it']),
  },
  {
    id: 'teardown-host',
    title: 'Undo the host preparation',
    estimateMinutes: 2,
    applies: () => true,
    dependsOn: [],
    isDone: () => false,
    command: (inputs) => ({
      kind: 'playbook',
      action: 'ansible/teardown.yml',
      args: ['-e', JSON.stringify({ ansible_python_interpreter: HOST_PYTHON, ciab_config_dir: inputs.configDir, ciab_state_dir: inputs.stateDir, ciab_kolla_venv: inputs.kollaVenv })],
    }),
  },
];
