// One answer order: answers file → saved answers → computed default → static default; and the template.
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AnswersFile } from '../../src/model/answers.js';
import type { HostFacts } from '../../src/model/facts.js';
import type { Profile } from '../../src/model/profile.js';
import { readYaml } from '../../src/model/yaml-input.js';
import { loadProfiles } from '../helpers/inputs.js';
import { rankProfiles } from '../../src/profiles/rank.js';
import { QUESTIONS } from '../../src/questions/definitions.js';
import { keyPath, resolveAnswers, toAnswersFile } from '../../src/questions/resolve.js';
import { answersTemplate } from '../../src/questions/template.js';
import { fixtureFacts } from '../helpers/facts.js';

let facts: HostFacts;
let profiles: Profile[];
beforeAll(async () => {
  facts = await fixtureFacts('server');
  profiles = await loadProfiles();
});

const base = () => ({ facts, profiles, recommended: rankProfiles(facts, profiles).recommended, env: { timezone: 'Europe/Berlin' } });
const file = (text: string) => (({ value, source }) => ({ values: value, source }))(readYaml('a.yaml', text, AnswersFile));

describe('answer order', () => {
  it('answers file beats saved answers beats computed beats static default', () => {
    const r = resolveAnswers(base(), {
      file: file('profile: edge\ndomain: file.example\n'),
      saved: { values: { profile: 'workshop', domain: 'saved.example', timezone: 'Asia/Tokyo', network: { vip: '198.51.100.251' } }, file: '/etc/ciab/answers.yaml' },
    });
    expect(r.answers.profile).toBe('edge');
    expect(r.origins.profile).toBe('answers file');
    expect(r.answers.domain).toBe('file.example');
    expect(r.answers.timezone).toBe('Asia/Tokyo');
    expect(r.origins.timezone).toBe('saved answers');
    expect(r.answers['network.vip']).toBe('198.51.100.251');
    expect(r.answers['network.management_interface']).toBe('br0');
    expect(r.origins['network.management_interface']).toBe('computed');
    expect(r.answers['images.registry']).toBeNull();
    expect(r.origins['images.registry']).toBe('default');
    expect(r.missing).toEqual([]);
  });

  it('a saved answer that no longer fits the machine is ignored, with the reason', () => {
    const r = resolveAnswers(base(), { saved: { values: { network: { management_interface: 'eth7' } }, file: '/etc/ciab/answers.yaml' } });
    expect(r.answers['network.management_interface']).toBe('br0');
    expect(r.ignoredSaved).toEqual(['network.management_interface from /etc/ciab/answers.yaml: no interface "eth7" on this machine (eno1, eno2, enp65s0f0, enp65s0f1, bond0, br0, br0.100)']);
  });

  it('a computed default that fails validation is not used', () => {
    const r = resolveAnswers({ ...base(), env: { timezone: 'Not/AZone' } }, {});
    expect(r.answers.timezone).toBe('UTC');
    expect(r.origins.timezone).toBe('default');
  });

  it('questions that do not apply are not asked and not saved', () => {
    const r = resolveAnswers(base(), { file: file('profile: workshop\n') });
    expect(r.origins['network.vip']).toBe('not asked');
    expect(r.origins['network.external_interface']).toBe('not asked');
    expect(toAnswersFile(r.answers, r.origins).network).not.toHaveProperty('vip');
  });

  it('secrets are not written back unless asked', () => {
    const r = resolveAnswers(base(), { file: file('profile: workshop\nadmin_password: correct-horse-battery\n') });
    expect(toAnswersFile(r.answers, r.origins).admin_password).toBeNull();
    expect(toAnswersFile(r.answers, r.origins, { includeSecrets: true }).admin_password).toBe('correct-horse-battery');
  });
});

describe('answers template', () => {
  it('is a valid answers file with every question, each commented', () => {
    const text = answersTemplate();
    const parsed = AnswersFile.parse(parse(text));
    for (const q of QUESTIONS) {
      let node: unknown = parsed;
      for (const part of keyPath(q.key)) node = (node as Record<string, unknown>)[part];
      expect(node, q.key).not.toBeUndefined();
      expect(text).toContain(`${q.title}:`);
    }
  });

  it('with a machine, carries its defaults and feeds back into the same plan', () => {
    const r = resolveAnswers(base(), { file: file('profile: edge\nnetwork:\n  vip: 198.51.100.250\n') });
    const text = answersTemplate({ ...base(), answers: r.answers });
    const again = resolveAnswers(base(), { file: file(text) });
    expect(again.answers).toEqual(r.answers);
    expect(Object.values(again.origins).filter((o) => o === 'computed')).toEqual([]);
  });
});
