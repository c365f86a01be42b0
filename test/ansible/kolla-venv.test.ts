// prepare-host's kolla-venv part for real, into a temp ciab_root, with a tiny pinned requirements file (not
// the whole kolla closure): installs from PyPI with --only-binary, a second run changes nothing, a changed pin
// is installed, teardown removes the venv (or, run from that venv, names it for ciab to remove afterwards).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PARTS, PREPARE_HOST, TEARDOWN, changedTasks, describeRun, runPlaybook } from './hostprep-harness.js';

const SKIP = [...PARTS.filter((p) => p !== 'kolla-venv'), 'packages'];

describe('the kolla venv from pinned requirements', () => {
  let dir = '';
  let cfg = '';
  let root = '';
  const venv = '/opt/ciab/kolla-venv';
  const requirements = () => path.join(dir, 'requirements.txt');
  const freeze = () => execFileSync(path.join(root, venv, 'bin', 'python'), ['-m', 'pip', 'freeze'], { encoding: 'utf8' });

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), `ciab-venv-${process.pid}-`));
    root = path.join(dir, 'root');
    cfg = path.join(dir, 'config');
    mkdirSync(path.join(cfg, 'ciab'), { recursive: true });
    // Only what the kolla-venv part reads from the plan.
    writeFileSync(path.join(cfg, 'ciab', 'plan.json'), JSON.stringify({ proxy: { http: null, https: null, no_proxy: null } }));
    writeFileSync(requirements(), '# two small wheels\nsix==1.17.0\ntyping_extensions==4.12.2\n');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const teardownVars = () => ({
    ciab_config_dir: cfg,
    ciab_root: root,
    ciab_kolla_venv: venv,
    ciab_kolla_requirements: requirements(),
    ciab_skip: ['storage', 'container-engine', 'ca-certificates', 'network', 'hosts-file'],
  });
  const vars = () => ({ ciab_config_dir: cfg, ciab_root: root, ciab_kolla_venv: venv, ciab_kolla_requirements: requirements(), ciab_skip: SKIP });

  it('installs the pins, then changes nothing, then follows a changed pin', async () => {
    const first = await runPlaybook(PREPARE_HOST, vars());
    expect(first.code, describeRun(first)).toBe(0);
    expect(changedTasks(first)).toContain('Kolla venv | install the pinned kolla-ansible (2 packages missing or different)');
    expect(freeze()).toMatch(/^six==1\.17\.0$/m);
    expect(freeze()).toMatch(/^typing_extensions==4\.12\.2$/m);

    const second = await runPlaybook(PREPARE_HOST, vars());
    expect(second.code, describeRun(second)).toBe(0);
    expect(second.stats?.changed, changedTasks(second).join(', ')).toBe(0);

    writeFileSync(requirements(), 'six==1.16.0\ntyping_extensions==4.12.2\n');
    const third = await runPlaybook(PREPARE_HOST, vars());
    expect(third.code, describeRun(third)).toBe(0);
    expect(changedTasks(third)).toContain('Kolla venv | install the pinned kolla-ansible (1 packages missing or different)');
    expect(freeze()).toMatch(/^six==1\.16\.0$/m);
  }, 600_000);

  it('refuses a requirements line that is not an exact pin, naming the file', async () => {
    const bad = path.join(dir, 'loose.txt');
    writeFileSync(bad, 'six>=1.0\n');
    const run = await runPlaybook(PREPARE_HOST, { ...vars(), ciab_kolla_requirements: bad });
    expect(run.code).not.toBe(0);
    expect(run.failures.join('\n')).toContain(`${bad}: every line must be an exact pin (name==version); not: six>=1.0`);
  }, 300_000);

  it('teardown run by the venv itself leaves it to ciab (names it in the state folder): removing it would break that run', async () => {
    const down = await runPlaybook(TEARDOWN, { ...teardownVars(), ciab_venv_runs_us: true });
    expect(down.code, describeRun(down)).toBe(0);
    expect(existsSync(path.join(root, venv, 'pyvenv.cfg'))).toBe(true);
    expect(readFileSync(path.join(root, 'var/lib/ciab/remove-venv'), 'utf8')).toBe(`${venv}\n`);
  }, 300_000);

  it('teardown removes the venv', async () => {
    const down = await runPlaybook(TEARDOWN, teardownVars());
    expect(down.code, describeRun(down)).toBe(0);
    expect(existsSync(path.join(root, venv))).toBe(false);
  }, 300_000);
});
