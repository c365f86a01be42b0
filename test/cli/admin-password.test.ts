// A typed admin password: never written to an answers file in the clear, kept 0600 in passwords.yml, and later
// runs (plan, the wizard) say it was typed at install instead of calling it generated.
import { readFileSync, rmSync, statSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstaller } from '../../src/app/installer.js';
import { QUESTIONS } from '../../src/questions/definitions.js';
import { displayValue } from '../../src/ui/wizard/view.js';
import { fixtureFacts } from '../helpers/facts.js';
import { createTestEnv, runCiabInProcess } from '../helpers/in-process.js';

const TYPED = 'Typed-Secret-Pw-4711';
const ANSWERS = `profile: sandbox
network:
  vip: 198.51.100.250
storage:
  backend: lvm
  disks: [/dev/nvme1n1]
admin_password: ${TYPED}
`;
let dir: string;
let facts: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), `ciab-admin-pw-${process.pid}-`));
  facts = path.join(dir, 'facts.json');
  writeFileSync(facts, JSON.stringify(await fixtureFacts('server')));
  writeFileSync(path.join(dir, 'answers.yaml'), ANSWERS);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a typed admin password', () => {
  it('is saved as a note and null, kept 0600 in passwords.yml, and later runs call it typed', { timeout: 120_000 }, async () => {
    const out = path.join(dir, 'out');
    const state = path.join(dir, 'state');
    const first = await runCiabInProcess(['install', '--facts', facts, '--answers', path.join(dir, 'answers.yaml'), '--out', out, '--state-dir', state], { host: 'server', cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(`${first.stdout}${first.stderr}`).not.toContain(TYPED);

    const saved = readFileSync(path.join(state, 'answers.yaml'), 'utf8');
    expect(saved).not.toContain(TYPED);
    expect(saved).toContain(`# admin_password: typed at install; stored in ${path.join(out, 'kolla', 'passwords.yml')} (0600, as keystone_admin_password), not here.\n`);
    expect(saved).toMatch(/not here\.\n# null keeps .*\nadmin_password: null\n/);
    const passwords = path.join(out, 'kolla', 'passwords.yml');
    expect(statSync(passwords).mode & 0o777).toBe(0o600);
    expect(readFileSync(passwords, 'utf8')).toContain(`keystone_admin_password: ${TYPED}`);

    // A later plan from the saved answers: typed then, kept now — not "generated".
    const later = await runCiabInProcess(['plan', '--facts', facts, '--state-dir', state], { host: 'server', cwd: dir });
    expect(later.stdout).toContain('user admin, password typed at install, kept 0600 in passwords.yml');
    expect(later.stdout).not.toMatch(/password generated/);

    // The wizard's review row for the same saved answers.
    const installer = await createInstaller(createTestEnv({ host: 'server', cwd: dir }), { factsFile: facts, out, stateDir: state, vars: {} });
    const session = installer.evaluate({});
    const question = QUESTIONS.find((q) => q.key === 'admin_password')!;
    expect(displayValue(question, session.resolution.answers.admin_password, session)).toBe('typed at install (kept 0600 in passwords.yml)');
    // Saving again from that session keeps the note true: still "typed", never "generated".
    expect(installer.answersFileText(session)).toMatch(/^# admin_password: typed at install;/m);
  });

  it('no typed password and no note: the saved note and the wizard say generated', async () => {
    const installer = await createInstaller(createTestEnv({ host: 'server', cwd: dir }), { factsFile: facts, answersFile: path.join(dir, 'answers.yaml'), out: path.join(dir, 'out2'), stateDir: path.join(dir, 'empty-state'), overrides: { admin_password: null }, vars: {} });
    const session = installer.evaluate({});
    expect(installer.answersFileText(session)).toMatch(/^# admin_password: generated at install; stored in .*out2\/kolla\/passwords\.yml/m);
    const question = QUESTIONS.find((q) => q.key === 'admin_password')!;
    expect(displayValue(question, null, session)).toBe('generated (kept in a 0600 file)');
  });
});

describe('typed secrets in plan --json', () => {
  it('a proxy password is masked everywhere, kolla variables derived from the proxy URL included', async () => {
    const file = path.join(dir, 'proxy.yaml');
    writeFileSync(file, `${ANSWERS}proxy:\n  http: http://bob:Proxy-Secret-0815@proxy.lan:3128\n  https: http://bob:pw@proxy.lan:3128\n`);
    const result = await runCiabInProcess(['plan', '--json', '--facts', facts, '--answers', file, '--state-dir', path.join(dir, 'proxy-state')], { host: 'server', cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.plan.kolla.container_http_proxy.value).toBe('http://bob:***@proxy.lan:3128');
    expect(result.stdout).not.toContain('Proxy-Secret-0815');
    expect(result.stdout).not.toContain(':pw@'); // a short one too, inside its URL
    expect(result.stdout).not.toContain(TYPED);
    expect(json.answers.network).toBeDefined(); // ordinary values untouched
  });
});
