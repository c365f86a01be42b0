// A re-run after prepare-host: ciab's bridge now holds the floating network's gateway. It must not count as a
// network "this machine already uses", or every run moves the floating network to the next /24 (seen in the VM:
// the third run re-applied the host network on 192.168.112.0/24 after the second had built 10.20.20.0/24).
import { describe, expect, it } from 'vitest';
import { planSession } from '../../src/app/session.js';
import { AnswersFile } from '../../src/model/answers.js';
import type { HostFacts } from '../../src/model/facts.js';
import { readYaml } from '../../src/model/yaml-input.js';
import { fixtureFacts } from '../helpers/facts.js';
import { loadProfiles } from '../helpers/inputs.js';

const SKIP = ['cpu', 'memory', 'disk-space', 'uplink', 'kvm', 'hostname', 'time', 'ports', 'services', 'docker', 'storage', 'static-address'];

function withLink(facts: HostFacts, name: string, address: string): HostFacts {
  const template = facts.nics[0]!;
  const link = { ...template, name, mac: '02:00:00:00:00:01', addresses: [{ ...template.addresses.find((a) => a.family === 'inet')!, address, prefixlen: 24 }] };
  return { ...facts, nics: [...facts.nics, link] } as HostFacts;
}

async function floatingCidr(facts: HostFacts): Promise<string> {
  const { value, source } = readYaml('answers.yaml', 'profile: workshop\nstorage:\n  backend: none\n', AnswersFile);
  const session = planSession({ facts, profiles: await loadProfiles(), sources: { file: { values: value, source } }, options: { vars: {}, skip: SKIP }, checkFile: () => null });
  if (!session.plan) throw new Error(`no plan: ${session.resolution.missing.join(', ')}`);
  return session.plan.network.floating.cidr;
}

describe("ciab's own bridge on a re-run", () => {
  it('keeps the floating network the first run built', async () => {
    const facts = await fixtureFacts('laptop');
    const first = await floatingCidr(facts);
    const gateway = first.replace(/\.0\/24$/, '.1');
    expect(await floatingCidr(withLink(facts, 'ciab-br0', gateway))).toBe(first);
    // Any other link on that network does push it aside: the test can fail.
    expect(await floatingCidr(withLink(facts, 'br-other', gateway))).not.toBe(first);
  });
});
