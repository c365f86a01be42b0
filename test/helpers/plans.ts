// Sessions and plans for the recorded fixture hosts, the way `ciab plan --facts … --answers …` builds them.
import { planSession, type Session } from '../../src/app/session.js';
import { AnswersFile } from '../../src/model/answers.js';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { readYaml } from '../../src/model/yaml-input.js';
import { loadProfiles } from './inputs.js';
import { fixtureFacts } from './facts.js';

export async function fixtureSession(host: string, answers?: string, skip: string[] = []): Promise<Session> {
  const sources = answers ? { file: (({ value, source }) => ({ values: value, source }))(readYaml('answers.yaml', answers, AnswersFile)) } : {};
  return planSession({ facts: await fixtureFacts(host), profiles: await loadProfiles(), sources, options: { skip, vars: {} } });
}

/** The edge server with floating IPs on the LAN through its spare 25G port, wiping the disk with an old LVM label. */
export const EDGE_LAN_ANSWERS = `profile: edge
network:
  access: lan
  external_interface: enp65s0f0
  floating_cidr: 198.51.100.0/24
  floating_gateway: 198.51.100.1
  floating_range: 198.51.100.200-198.51.100.239
  vip: 198.51.100.250
storage:
  disks: [/dev/sdb]
  wipe: [/dev/sdb]
`;

/** The plans the render tests cover: every profile, both access modes, every storage backend but none. */
export const FIXTURE_PLANS: ReadonlyArray<{ name: string; host: string; answers?: string; skip?: string[] }> = [
  { name: 'laptop-workshop', host: 'laptop', skip: ['ports', 'services'] },
  { name: 'server-sandbox', host: 'server', answers: 'profile: sandbox\nnetwork:\n  vip: 198.51.100.250\n' },
  {
    name: 'server-edge-lan',
    host: 'server',
    answers: EDGE_LAN_ANSWERS,
  },
  { name: 'cloud-vm-workshop-qemu', host: 'cloud-vm', answers: 'images:\n  registry: registry.workshop.lan:5000\n' },
];

export async function fixturePlan(name: string): Promise<DeploymentPlan> {
  const spec = FIXTURE_PLANS.find((p) => p.name === name);
  if (!spec) throw new Error(`no fixture plan ${name}`);
  const session = await fixtureSession(spec.host, spec.answers, spec.skip);
  if (!session.plan) throw new Error(`fixture plan ${name} is incomplete: ${session.resolution.missing.join(', ')}`);
  return session.plan;
}
