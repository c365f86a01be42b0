// The install's phases as data (STYLE rule 3): each says whether it applies to a plan, what it depends on (for the
// input hash), whether it is done, and the command it runs. The list is open: first resources and verify follow.
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
}

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
];

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
      args: ['-e', JSON.stringify({ ciab_config_dir: inputs.configDir, ciab_state_dir: inputs.stateDir, ciab_kolla_venv: inputs.kollaVenv })],
    }),
  },
];
