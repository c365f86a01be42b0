// HostFacts of the recorded fixture hosts, produced by the real detection code.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { detectHost } from '../../src/detect/index.js';
import type { HostFacts } from '../../src/model/facts.js';
import { createFixtureHost, loadHostFixture } from '../fakes/fixture-host.js';

/** The laptop's installer stick is mounted here in its fixture. */
export const FIXTURE_INSTALLER_PATH = '/media/alex/CIAB/cloud-in-a-box';

/** The shipped KVM guest probe; fixture hosts answer its command from their recording (they ignore its text). */
export const KVM_PROBE_SCRIPT = readFileSync(path.join(import.meta.dirname, '..', '..', 'probes', 'kvm-guest.py'), 'utf8');

export async function fixtureFacts(name: string): Promise<HostFacts> {
  const facts = await detectHost(createFixtureHost(loadHostFixture(name)), {
    uplink: true,
    installerPath: FIXTURE_INSTALLER_PATH,
    kvmProbeScript: KVM_PROBE_SCRIPT,
  });
  return { ...facts, durationMs: 0 };
}

/** Write a fixture's facts to DIR/NAME.facts.json for `ciab … --facts`. */
export async function writeFixtureFacts(name: string, dir: string): Promise<string> {
  const file = path.join(dir, `${name}.facts.json`);
  writeFileSync(file, JSON.stringify(await fixtureFacts(name), null, 2));
  return file;
}
