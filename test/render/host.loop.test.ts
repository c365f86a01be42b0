// The rendered ciab-cinder-loop script (the ExecStart of ciab-cinder-loop.service) run for real against a small
// sparse file in a temp folder, with a test volume group: attaches, does not attach twice, activates the group.
// Root only; touches nothing but the loop device and volume group it creates, and removes both in afterAll.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSession } from '../../src/app/session.js';
import type { DeploymentPlan } from '../../src/model/plan.js';
import { loadProfiles } from '../helpers/inputs.js';
import { HOST_TEMPLATES } from '../helpers/inputs.js';
import { renderHostFiles } from '../../src/render/host.js';
import { fixtureFacts } from '../helpers/facts.js';
import { describeIfAvailable } from '../helpers/require.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const TOOLS = ['losetup', 'truncate', 'pvcreate', 'vgcreate', 'vgchange', 'vgremove', 'pvscan', 'vgs'];
const missing = TOOLS.filter((t) => !has(t));
const skipReason = process.getuid?.() !== 0 ? 'not root' : missing.length > 0 ? `missing ${missing.join(', ')} (apt: util-linux coreutils lvm2)` : null;

// LVM complains about inherited descriptors on every call; the noise hides real errors.
const ENV = { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1', LC_ALL: 'C' };
const sh = (command: string, args: string[]): string => execFileSync(command, args, { env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const quietly = (command: string, args: string[]) => spawnSync(command, args, { env: ENV, stdio: 'ignore' });
const VG = `ciab-test-vg-${randomBytes(3).toString('hex')}`;

describeIfAvailable('ciab-cinder-loop on a real loop device', skipReason, () => {
  let dir = '';
  let image = '';
  let script = '';
  const attachedTo = (): string[] =>
    sh('losetup', ['-j', image])
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(':')[0]!);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ciab-loop-'));
    image = path.join(dir, 'cinder-volumes.img');
    const profiles = await loadProfiles();
    const real = planSession({ facts: await fixtureFacts('laptop'), profiles, sources: {}, options: { skip: ['ports', 'services'], vars: {} } }).plan!;
    expect(real.storage.backend).toBe('lvm-file');
    const plan: DeploymentPlan = { ...real, storage: { ...real.storage, file: { path: image, sizeGiB: 1 }, volumeGroup: VG } };
    script = path.join(dir, 'ciab-cinder-loop');
    writeFileSync(script, renderHostFiles(plan, HOST_TEMPLATES).find((f) => f.path === 'host/usr/local/sbin/ciab-cinder-loop')!.content);
    chmodSync(script, 0o755);

    // What prepare-host does once: a sparse file, a PV on it and the volume group; then "reboot": detach.
    sh('truncate', ['-s', '1G', image]);
    const loop = sh('losetup', ['--find', '--show', image]);
    sh('pvcreate', ['-q', '-ff', '-y', loop]);
    sh('vgcreate', ['-q', VG, loop]);
    sh('vgchange', ['-q', '--activate', 'n', VG]);
    sh('losetup', ['-d', loop]);
    expect(attachedTo()).toEqual([]);
  }, 60_000);

  afterAll(() => {
    // Each step on its own: one failure must not leave the rest behind.
    if (!image) return;
    quietly('vgchange', ['-q', '--activate', 'n', VG]);
    quietly('vgremove', ['-q', '-ff', '-y', VG]);
    for (const loop of spawnSync('losetup', ['-j', image], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
      const device = loop.split(':')[0]!;
      quietly('pvremove', ['-q', '-ff', '-y', device]);
      quietly('losetup', ['-d', device]);
    }
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('attaches the file and activates the volume group', () => {
    const out = execFileSync(script, ['start'], { env: ENV, encoding: 'utf8' });
    const devices = attachedTo();
    expect(devices).toHaveLength(1);
    expect(out).toContain(`attached ${image} as ${devices[0]}`);
    expect(sh('vgs', ['--noheadings', '-o', 'vg_name,pv_count', VG]).split(/\s+/)).toEqual([VG, '1']);
    expect(sh('pvs', ['--noheadings', '-o', 'pv_name,vg_name', devices[0]!]).split(/\s+/)).toEqual([devices[0], VG]);
  });

  it('run again: does not attach a second time, and still succeeds', () => {
    const before = attachedTo();
    const out = execFileSync(script, ['start'], { env: ENV, encoding: 'utf8' });
    expect(attachedTo()).toEqual(before);
    expect(out).toContain(`${image} is already on ${before[0]}`);
  });

  it('status names the device', () => {
    expect(execFileSync(script, ['status'], { env: ENV, encoding: 'utf8' })).toContain(attachedTo()[0]!);
  });

  it('a missing file fails with a message that names the file and the volume group', () => {
    const other = path.join(dir, 'missing.sh');
    writeFileSync(other, execFileSync('cat', [script], { encoding: 'utf8' }).replaceAll(image, path.join(dir, 'gone.img')), { mode: 0o755 });
    const r = spawnSync(other, ['start'], { env: ENV, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`gone\\.img is missing: the volume group ${VG} \\(cinder volumes\\) cannot be activated`));
  });
});
