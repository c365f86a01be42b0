// An ssh drop (SIGHUP) does not end the run, and a second `ciab install` follows it to its end instead of
// failing; `ciab status` reports the phases; `ciab destroy` names what goes and refuses without a confirmation.
import path from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { runCiab } from '../helpers/cli.js';
import { cloneRig, exited, install, makeRig, spawnInstall, waitForLine, type Rig } from './helpers.js';

let base: Rig;
beforeAll(async () => {
  base = await makeRig();
}, 120_000);

test('SIGHUP leaves the run going; a second ciab install follows it to the end; status reports it', async () => {
  const rig = cloneRig(base);
  const first = spawnInstall(rig, ['--from', 'kolla-deploy'], { MINI_TASKS: '4' });
  await waitForLine(first.stderr!, /kolla-\S+ play 1 /, 60_000);
  first.kill('SIGHUP');
  const second = await install(rig, ['--from', 'kolla-deploy']);
  expect(second.code).toBe(0);
  expect(second.stderr).toMatch(/ciab install \(pid \d+\) is running since .*: following its progress/);
  expect(second.stderr).toMatch(/✔ install succeeded after/);
  expect(await exited(first)).toBe(0);

  const status = await runCiab(['status', '--state-dir', rig.stateDir, '--json']);
  expect(status.code).toBe(0);
  const report = JSON.parse(status.stdout);
  expect(report).toMatchObject({ installed: true, running: null, lastRun: { action: 'install', status: 'succeeded' } });
  expect(report.phases.map((p: { id: string; status: string }) => `${p.id} ${p.status}`)).toEqual(['kolla-deploy done', 'kolla-post-deploy done']);
  // Installed on paper only: docker may be absent here, and nothing answers on the VIP: unknown or unhealthy, never a crash.
  expect(['healthy', 'unhealthy', 'unknown']).toContain(report.containers.health);
  expect(report.endpoints.map((e: { name: string }) => e.name)).toContain('keystone');
  const text = await runCiab(['status', '--state-dir', rig.stateDir]);
  expect(text.stdout).toContain('Cloud-in-a-Box: installed');
}, 240_000);

test('ciab destroy names what goes and, without a terminal and without --yes, refuses with exit 2', async () => {
  const rig = cloneRig(base);
  const result = await runCiab(['destroy', '--state-dir', rig.stateDir], { env: rig.env });
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('every OpenStack container and its data volume (kolla-ansible destroy)');
  expect(result.stderr).toMatch(/volume group \S+ and its loop file/);
  expect(result.stderr).toContain('ciab: not destroying without a confirmation: run it on a terminal, or pass --yes');
  const none = await runCiab(['destroy', '--state-dir', path.join(rig.dir, 'nothing'), '--yes']);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('no installed configuration here');
});
