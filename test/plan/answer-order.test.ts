// One answer order everywhere (wizard → command line → answers file → saved answers → computed → default): the
// ranking sees the same answers as the plan, and every answer is labelled by where it really came from.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSession } from '../../src/app/session.js';
import { AnswersFile } from '../../src/model/answers.js';
import { readYaml } from '../../src/model/yaml-input.js';
import { fixtureFacts } from '../helpers/facts.js';
import { createTestEnv, runCiabInProcess } from '../helpers/in-process.js';
import { loadProfiles } from '../helpers/inputs.js';

// The cloud VM has no uplink in its recording: only a registry mirror (or an offline bundle) lets a profile fit.
const MIRROR = 'images:\n  registry: registry.workshop.lan:5000\n';
const BUNDLE = 'images:\n  offline_bundle: /srv/ciab/bundle.tar\n';

async function sessions(text: string) {
  const facts = await fixtureFacts('cloud-vm');
  const profiles = await loadProfiles();
  const { value, source } = readYaml('answers.yaml', text, AnswersFile);
  // The bundle is taken as readable here: what an unreadable one does is test/plan/offline-bundle.test.ts.
  const checkFile = () => null;
  const viaFile = planSession({ facts, profiles, sources: { file: { values: value, source } }, options: { vars: {} }, checkFile });
  const viaSaved = planSession({ facts, profiles, sources: { saved: { values: value, file: '/etc/ciab/answers.yaml' } }, options: { vars: {} }, checkFile });
  return { viaFile, viaSaved };
}

describe('one answer order', () => {
  for (const [name, text, key] of [
    ['a registry mirror', MIRROR, 'images.registry'],
    ['an offline bundle', BUNDLE, 'images.offline_bundle'],
  ] as const) {
    it(`${name} in saved answers ranks and plans like the same value in --answers`, async () => {
      const { viaFile, viaSaved } = await sessions(text);
      expect(viaFile.ranking.recommended).not.toBeNull();
      expect(viaFile.plan).not.toBeNull();
      expect(viaSaved.ranking).toEqual(viaFile.ranking);
      expect(viaSaved.plan).toEqual(viaFile.plan);
      expect(viaSaved.resolution.origins[key]).toBe('saved answers');
      expect(viaFile.resolution.origins[key]).toBe('answers file');
    });
  }

  it('the answers file wins over saved answers for the ranking too', async () => {
    const facts = await fixtureFacts('cloud-vm');
    const profiles = await loadProfiles();
    const file = readYaml('answers.yaml', 'images:\n  registry: null\n', AnswersFile);
    const saved = readYaml('saved.yaml', MIRROR, AnswersFile).value;
    const session = planSession({ facts, profiles, sources: { file: { values: file.value, source: file.source }, saved: { values: saved, file: 'saved.yaml' } }, options: { vars: {} } });
    expect(session.resolution.answers['images.registry']).toBeNull();
    expect(session.ranking.recommended).toBeNull(); // no uplink and no mirror: the ranking agrees with the answers
  });

  it('labels --profile as from the command line and wizard input as from the wizard', async () => {
    const facts = await fixtureFacts('laptop');
    const profiles = await loadProfiles();
    const flag = planSession({ facts, profiles, sources: { overrides: { profile: 'workshop' } }, options: { vars: {} } });
    expect(flag.resolution.origins.profile).toBe('command line');
    const typed = planSession({ facts, profiles, sources: { overrides: { profile: 'workshop' }, given: { profile: 'edge' } }, options: { vars: {} } });
    expect(typed.resolution.origins.profile).toBe('wizard');
    expect(typed.resolution.answers.profile).toBe('edge');
  });

  it('ciab plan says where the profile came from', async () => {
    const env = createTestEnv({ host: 'laptop' });
    const flag = await runCiabInProcess(['plan', '--profile', 'workshop', '--skip-check', 'ports', '--skip-check', 'services', '--state-dir', 'state', '--no-uplink-check'], env);
    expect(flag.stdout).toMatch(/^Profile: workshop \(from the command line\)$/m);
    const saved = createTestEnv({ host: 'laptop' });
    mkdirSync(path.join(saved.cwd, 'state'));
    writeFileSync(path.join(saved.cwd, 'state', 'answers.yaml'), 'profile: workshop\n');
    const fromSaved = await runCiabInProcess(['plan', '--skip-check', 'ports', '--skip-check', 'services', '--state-dir', 'state', '--no-uplink-check'], saved);
    expect(fromSaved.stdout).toMatch(/^Profile: workshop \(from the saved answers\)$/m);
  });
});
