// The rendered configuration, checked by the pinned kolla-ansible itself (installed from PyPI into a cached
// venv): the inventory parses with every group, kolla's site.yml passes a syntax check with our files as
// kolla-ansible would pass them, and every variable kolla's group_vars define evaluates with our globals and
// passwords — an undefined or contradictory value fails here, not on the user's machine.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithDisk, writeFileSet } from '../../src/app/write-files.js';
import { HOST_TEMPLATES, testEnv } from '../helpers/inputs.js';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { renderFiles } from '../../src/render/index.js';
import { FIXTURE_PLANS, fixturePlan } from '../helpers/plans.js';
import { fastRandom } from '../helpers/random.js';
import { ensureKollaVenv, evaluateKollaVariables, inventoryGraph, needVenv, syntaxCheckSite, type KollaVenv, type VenvUnavailable } from '../kolla/harness.js';

let venv: KollaVenv | VenvUnavailable;
const work = mkdtempSync(path.join(tmpdir(), 'ciab-kolla-'));
const rendered: Record<string, { dir: string; plan: DeploymentPlan }> = {};

beforeAll(async () => {
  venv = await ensureKollaVenv();
  for (const spec of FIXTURE_PLANS) {
    const plan = await fixturePlan(spec.name);
    const dir = path.join(work, spec.name);
    const { files } = await renderFiles({ plan, answers: {}, adminPassword: null, existingPasswords: null, templates: HOST_TEMPLATES, random: fastRandom(spec.name) });
    await writeFileSet(testEnv.files, dir, await compareWithDisk(testEnv.files, dir, files));
    rendered[spec.name] = { dir, plan };
  }
}, 900_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(FIXTURE_PLANS.map((p) => p.name))('%s, checked by kolla-ansible', (name) => {
  const kolla = () => path.join(rendered[name]!.dir, 'kolla');

  it('ansible-inventory --graph parses the inventory, the host in every hardware group', async (ctx) => {
    needVenv(ctx, venv);
    const result = await inventoryGraph(path.join(kolla(), 'inventory'));
    // kolla's own group names have dashes (tls-backend, nova-api …): ansible warns about them for kolla's file too.
    const warnings = result.stderr.split('\n').filter((l) => /WARNING|ERROR/.test(l) && !/Invalid characters were found in group names/.test(l));
    expect(warnings).toEqual([]);
    expect(result.exitCode).toBe(0);
    const host = rendered[name]!.plan.host.hostname;
    for (const group of ['control', 'network', 'compute', 'storage', 'monitoring', 'deployment']) {
      expect(result.stdout).toMatch(new RegExp(`@${group}:\\n[ |]*\\|--${host}\\n`));
    }
  }, 120_000);

  it('every variable kolla group_vars define evaluates with our files', async (ctx) => {
    needVenv(ctx, venv);
    const plan = rendered[name]!.plan;
    const result = await evaluateKollaVariables(kolla(), path.join(kolla(), 'inventory'), { hostAddress: plan.host.managementIp });
    expect(result.failedVariables).toEqual([]);
    expect(result.hosts).toEqual([plan.host.hostname]);
    expect(result.ok).toBe(true);
  }, 600_000);
});

// A syntax check parses kolla's playbooks and roles and evaluates no condition, so the plans' different values
// cannot change its outcome: it runs with the first plan's files (2 s of CPU each time).
describe('site.yml, checked by kolla-ansible', () => {
  it(`passes ansible-playbook --syntax-check with our globals and passwords (${FIXTURE_PLANS[0]!.name})`, async (ctx) => {
    needVenv(ctx, venv);
    const kolla = path.join(rendered[FIXTURE_PLANS[0]!.name]!.dir, 'kolla');
    const result = await syntaxCheckSite(kolla, path.join(kolla, 'inventory'));
    expect(result.stderr + result.stdout).not.toMatch(/ERROR!/);
    expect(result.exitCode).toBe(0);
  }, 300_000);
});
