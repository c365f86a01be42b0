// The kolla-ansible stand-in (test/stand-ins/kolla-ansible): kolla's CLI shape and exit codes, a REAL
// ansible-playbook run per action with realistic task counts, the fail knobs, and ciab_events working through the
// stand-in's fd-closing subprocess hop.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ansiblePlaybookPath, callbackEnv, kollaVenv, makeWorkdir, readEvents, REPO, start, type CallbackEvent } from './ansible-helpers.js';

const STAND_IN = path.join(REPO, 'test', 'stand-ins', 'kolla-ansible');
const ADMIN_PASSWORD = `admin-pw-${process.pid}`;

interface StandInRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  events: CallbackEvent[];
}

let dir: string;

async function standIn(args: string[], env: Record<string, string> = {}): Promise<StandInRun> {
  const eventFile = path.join(dir, `events-${Math.random().toString(36).slice(2)}.ndjson`);
  const finished = await start(STAND_IN, args, {
    cwd: dir,
    env: callbackEnv(dir, { STANDIN_ANSIBLE_PLAYBOOK: await ansiblePlaybookPath(), CIAB_EVENT_FILE: eventFile, ...env }),
  }).done;
  return { ...finished, events: readEvents(eventFile) };
}

const base = ['-i', 'inventory', '--configdir', 'kolla'];
const taskStarts = (events: CallbackEvent[]): CallbackEvent[] => events.filter((e) => e.event === 'task_start' && !e.handler);

beforeAll(async () => {
  await kollaVenv();
  dir = await makeWorkdir({ inventory: '[control]\nlocalhost\n' });
  await mkdir(path.join(dir, 'kolla'));
  await writeFile(path.join(dir, 'kolla', 'globals.yml'), 'kolla_base_distro: debian\nkolla_internal_vip_address: 10.0.0.10\n');
  await writeFile(path.join(dir, 'kolla', 'passwords.yml'), `keystone_admin_password: ${ADMIN_PASSWORD}\n`);
}, 900_000);

describe('kolla-ansible stand-in: command line', () => {
  it('rejects unknown options like argparse (rc 2, usage on stderr)', async () => {
    const run = await standIn(['deploy', ...base, '--start-at-task', 'x']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('kolla-ansible deploy: error: unrecognized arguments: --start-at-task x');
  });

  it('rejects an unknown action with rc 2', async () => {
    const run = await standIn(['frobnicate', ...base]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/invalid choice: 'frobnicate'/);
  });

  it('refuses destroy without the confirmation flag, and runs it with the flag', async () => {
    const refused = await standIn(['destroy', ...base]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('--yes-i-really-really-mean-it');
    expect(refused.events).toEqual([]);
    const done = await standIn(['destroy', ...base, '--yes-i-really-really-mean-it'], { STANDIN_SCALE: '0.5' });
    expect(done.exitCode).toBe(0);
    expect(done.events.find((e) => e.event === 'play_start')?.name).toBe('Apply role destroy');
  }, 120_000);

  it('exits 1 for a missing inventory or configdir, like kolla', async () => {
    expect((await standIn(['deploy', '-i', 'nope', '--configdir', 'kolla'])).exitCode).toBe(1);
    expect((await standIn(['deploy', '-i', 'inventory', '--configdir', 'missing'])).exitCode).toBe(1);
  });
});

describe('kolla-ansible stand-in: runs a real ansible-playbook with kolla-shaped playbooks', () => {
  it('deploy: ≈800 task headers at full scale are scaled down, with includes, loops, retries, handlers, skips and disabled plays', async () => {
    const run = await standIn(['deploy', ...base], { STANDIN_SCALE: '0.1' });
    expect(run.exitCode).toBe(0);
    const events = run.events;
    // ciab_events got through the subprocess hop that closes inherited fds: the file path is what survives.
    expect(events[0]).toMatchObject({ event: 'playbook_start' });
    expect(events[events.length - 1]!.event).toBe('stats');
    const plays = events.filter((e) => e.event === 'play_start').map((e) => e.name);
    for (const play of ['Apply role mariadb', 'Apply role rabbitmq', 'Apply role keystone', 'Apply role nova-cell', 'Apply role neutron', 'Apply role horizon'])
      expect(plays).toContain(play);
    expect(events.filter((e) => e.event === 'no_hosts_matched').map((e) => e.play)).toContain('Apply role cinder');
    expect(events.some((e) => e.event === 'include')).toBe(true);
    expect(events.some((e) => e.event === 'item')).toBe(true);
    expect(events.some((e) => e.event === 'task_start' && e.handler === true)).toBe(true);
    expect(events.some((e) => e.event === 'result' && e.status === 'skipped')).toBe(true);
    const tasks = taskStarts(events).length;
    expect(tasks).toBeGreaterThan(60);
    expect(tasks).toBeLessThan(140);
    expect(run.stdout).toContain('TASK [');
    // "Waiting for nova-compute services to register themselves" is retried twice before it passes.
    const retries = run.events.filter((e) => e.event === 'retry');
    expect(retries.map((e) => e.task)).toEqual([
      'Waiting for nova-compute services to register themselves',
      'Waiting for nova-compute services to register themselves',
    ]);
    const result = run.events.find((e) => e.event === 'result' && e.task === 'Waiting for nova-compute services to register themselves');
    expect(result).toMatchObject({ status: 'ok', attempts: 3 });
  }, 300_000);

  it('prechecks needs --use-test-images with the default registry (K12), like kolla', async () => {
    const run = await standIn(['prechecks', ...base], { STANDIN_SCALE: '0.1' });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/Kolla Ansible playbook\(s\) \S+site\.yml exited 2/);
    const failed = run.events.find((e) => e.event === 'result' && e.status === 'failed');
    expect(failed?.msg).toContain('please use --use-test-images CLI argument');
    const ok = await standIn(['prechecks', ...base, '--use-test-images'], { STANDIN_SCALE: '0.1' });
    expect(ok.exitCode).toBe(0);
  }, 300_000);

  it('post-deploy writes admin-openrc.sh (0600) into the configdir; no password in the events', async () => {
    const run = await standIn(['post-deploy', ...base]);
    expect(run.exitCode).toBe(0);
    const openrc = path.join(dir, 'kolla', 'admin-openrc.sh');
    expect(readFileSync(openrc, 'utf8')).toContain(`export OS_PASSWORD='${ADMIN_PASSWORD}'`);
    expect(statSync(openrc).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dir, 'kolla', 'clouds.yaml'))).toBe(true);
    expect(JSON.stringify(run.events)).not.toContain(ADMIN_PASSWORD);
    expect(run.stdout).not.toContain(ADMIN_PASSWORD);
  }, 120_000);

  it('certificates runs its own playbook', async () => {
    const run = await standIn(['certificates', ...base], { STANDIN_SCALE: '0.2' });
    expect(run.exitCode).toBe(0);
    expect(run.events.filter((e) => e.event === 'play_start').map((e) => e.name)).toEqual(['Gather facts', 'Apply role certificates']);
  }, 120_000);
});

describe('kolla-ansible stand-in: fail knobs', () => {
  it('STANDIN_FAIL_TASK=N fails the N-th task header with a kolla message, stderr and rc; later tasks never start', async () => {
    const run = await standIn(['deploy', ...base], { STANDIN_SCALE: '0.1', STANDIN_FAIL_TASK: '25' });
    expect(run.exitCode).toBe(2);
    const starts = taskStarts(run.events);
    expect(starts).toHaveLength(25);
    const failed = run.events.find((e) => e.event === 'result' && e.status === 'failed')!;
    expect(failed.task_uuid).toBe(starts[24]!.uuid);
    expect(failed).toMatchObject({ msg: 'Container exited with non-zero return code 1', rc: 1 });
    expect(String(failed.stderr_tail)).toContain('container exited unexpectedly');
    expect(run.stderr).toMatch(/exited 2/);
  }, 300_000);

  it('STANDIN_FAIL_ERROR=K13 fails deploy at the keystone bootstrap with the container stderr', async () => {
    const run = await standIn(['deploy', ...base], { STANDIN_SCALE: '0.1', STANDIN_FAIL_ERROR: 'K13' });
    expect(run.exitCode).toBe(2);
    const failed = run.events.find((e) => e.event === 'result' && e.status === 'failed')!;
    expect(failed).toMatchObject({ task: 'Running Keystone bootstrap container', msg: 'Container exited with non-zero return code 1', rc: 1 });
    expect(String(failed.stderr_tail)).toContain('DBConnectionError');
  }, 300_000);

  it('rejects bad knob values with a one-line error', async () => {
    const bad = await standIn(['deploy', ...base], { STANDIN_FAIL_ERROR: 'K99' });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const scale = await standIn(['deploy', ...base], { STANDIN_SCALE: '2' });
    expect(scale.exitCode).not.toBe(0);
    expect(scale.stderr).toContain('STANDIN_SCALE');
  });
});
