// Against real OpenStack APIs (keystone, glance, placement, nova-api, neutron-server of 2026.1 on a MariaDB, all on
// loopback, started by scripts/cloud-fixture.sh): bootstrap-cloud twice (nothing changed the second time),
// `ciab verify --scs` with every flavor and image rule, `ciab install` running its two last phases (bootstrap-cloud,
// verify) through the engine against them, `ciab status` asking the catalog and each endpoint, and a deliberately
// misnamed flavor that the checks catch.
// Slow (the services' venv and database migrations): `npm run test:cloud` runs it; `npm test` skips it.
// CIAB_CLOUD_FIXTURE_DIR=DIR uses a fixture already up in DIR (scripts/cloud-fixture.sh up DIR) and leaves it up.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile, copyFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStandardFlavors, selectFlavors } from '../../src/cloud/standard-flavors.js';
import type { VerifyReport } from '../../src/commands/verify.js';
import type { DeploymentPlan } from '../../src/model/plan.js';
import type { InstallerEvent } from '../../src/model/events.js';
import type { StatusReport } from '../../src/model/run-state.js';
import { ANSIBLE_DIR, callbackEnv, kollaVenv, REPO, type CallbackEvent } from '../ansible/ansible-helpers.js';
import { runCiab } from '../helpers/cli.js';
import { install, makeRig, type Rig } from '../run/helpers.js';
import { fixturePlan } from '../helpers/plans.js';

const ENABLED = process.env.CIAB_TEST_CLOUD === '1';
const GIVEN_FIXTURE = process.env.CIAB_CLOUD_FIXTURE_DIR;
const GIB = 1024 ** 3;

/** A port of 127.0.0.1 that was free a moment ago: nothing listens there. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function exec(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeout = 20 * 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!ENABLED)('real OpenStack APIs (test:cloud)', () => {
  let work: string;
  let fixtureDir: string;
  let configDir: string;
  let venv: string;
  let plan: DeploymentPlan;
  let imageFile: string;
  let imageSha: string;
  let rig: Rig;

  function cloudEnv(): Record<string, string> {
    return {
      CIAB_CLOUD_PHASES: 'run',
      CIAB_CLOUDS_YAML: path.join(fixtureDir, 'clouds.yaml'),
      CIAB_CIRROS_FILE: imageFile,
      CIAB_CIRROS_SHA256: imageSha,
      // The project's playbooks with the pinned venv's ansible-playbook (run-playbook.sh would build a venv in the rig).
      CIAB_ANSIBLE_PLAYBOOK: path.join(venv, 'bin', 'ansible-playbook'),
      CIAB_VERIFY_EXTRA_VARS: JSON.stringify({ ciab_verify_instance: false, ciab_verify_skip_reason: 'no compute in the test fixture' }),
    };
  }

  async function runEvents(r: Rig): Promise<InstallerEvent[]> {
    const runs = path.join(r.stateDir, 'runs');
    const latest = (await readdir(runs)).filter((n) => /^\d{8}-/.test(n)).sort().at(-1)!;
    return (await readFile(path.join(runs, latest, 'events.ndjson'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as InstallerEvent);
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), `ciab-cloud-${process.pid}-`));
    fixtureDir = GIVEN_FIXTURE ?? path.join(work, 'fixture');
    configDir = path.join(work, 'config');
    const [up, kolla] = await Promise.all([
      GIVEN_FIXTURE ? readFile(path.join(GIVEN_FIXTURE, 'fixture.json'), 'utf8').then((stdout) => ({ code: 0, stdout: JSON.stringify(JSON.parse(stdout)), stderr: '' })) : exec('bash', [path.join(REPO, 'scripts', 'cloud-fixture.sh'), 'up', fixtureDir]),
      kollaVenv(),
    ]);
    venv = kolla;
    if (up.code !== 0) throw new Error(`cloud-fixture up failed:\n${up.stderr.slice(-4000)}`);
    const fixture = JSON.parse(up.stdout.trim().split('\n').at(-1)!) as { startup_seconds: Record<string, number>; rss_mib: Record<string, number> };
    const total = Object.values(fixture.rss_mib).reduce((a, b) => a + b, 0);
    console.log(`fixture up: ${JSON.stringify(fixture.startup_seconds)} s; RSS ${JSON.stringify(fixture.rss_mib)} MiB, total ${total} MiB`);

    // A box that fits every mandatory flavor but the biggest two (8 vCPUs, 24 GiB for instances).
    const base = await fixturePlan('server-sandbox');
    plan = { ...base, compute: { ...base.compute, vcpusForInstances: 8, memoryForInstancesBytes: 24 * GIB } };
    await mkdir(path.join(configDir, 'ciab'), { recursive: true });
    await mkdir(path.join(configDir, 'openstack'), { recursive: true });
    await writeFile(path.join(configDir, 'ciab', 'plan.json'), JSON.stringify(plan));
    await copyFile(path.join(fixtureDir, 'clouds.yaml'), path.join(configDir, 'openstack', 'clouds.yaml'));
    // A small real qcow2 stands in for CirrOS (glance checks the format; nothing boots it).
    imageFile = path.join(work, 'cirros.qcow2');
    const made = await exec('qemu-img', ['create', '-q', '-f', 'qcow2', imageFile, '64M']);
    if (made.code !== 0) throw new Error(`qemu-img: ${made.stderr}`);
    imageSha = createHash('sha256').update(await readFile(imageFile)).digest('hex');
  }, 40 * 60_000);

  afterAll(async () => {
    if (!work) return;
    if (!GIVEN_FIXTURE) await exec('bash', [path.join(REPO, 'scripts', 'cloud-fixture.sh'), 'down', fixtureDir]);
    await rm(work, { recursive: true, force: true });
    if (rig) await rm(rig.dir, { recursive: true, force: true });
  }, 120_000);

  async function bootstrap(extra: Record<string, unknown> = {}): Promise<{ code: number; events: CallbackEvent[]; out: string }> {
    const runDir = await mkdtemp(path.join(work, 'run-'));
    const result = await exec(
      path.join(venv, 'bin', 'ansible-playbook'),
      [path.join(ANSIBLE_DIR, 'bootstrap-cloud.yml'), '-e', JSON.stringify({ ciab_config_dir: configDir, ciab_cirros_file: imageFile, ciab_cirros_sha256: imageSha, ...extra })],
      callbackEnv(runDir, { ANSIBLE_LOCALHOST_WARNING: 'false', ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false' }),
    );
    const text = await readFile(path.join(runDir, 'events.ndjson'), 'utf8').catch(() => '');
    const events = text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as CallbackEvent);
    return { code: result.code, events, out: result.stdout + result.stderr };
  }

  function stats(events: CallbackEvent[]): { ok: number; changed: number; failures: number } {
    const last = events.filter((e) => e.event === 'stats').at(-1);
    return (last?.hosts as Record<string, { ok: number; changed: number; failures: number }>)['localhost']!;
  }

  async function verify(args: string[]): Promise<{ code: number; report: VerifyReport | null; stderr: string }> {
    const result = await runCiab(['verify', ...args, '--json', '--config', configDir, '--venv', venv], {
      env: { CIAB_VERIFY_EXTRA_VARS: JSON.stringify({ ciab_verify_dataplane: false }) },
    });
    return { code: result.code, report: result.stdout.trim() ? (JSON.parse(result.stdout) as VerifyReport) : null, stderr: result.stderr };
  }

  it('bootstrap-cloud creates the first resources, and a second run changes nothing', async () => {
    const first = await bootstrap();
    expect(first.code, first.out.slice(-4000)).toBe(0);
    expect(stats(first.events).changed).toBeGreaterThan(10);
    const second = await bootstrap();
    expect(second.code, second.out.slice(-4000)).toBe(0);
    const changed = second.events.filter((e) => e.event === 'result' && e.status === 'changed').map((e) => e.task);
    expect(changed).toEqual([]);
    expect(stats(second.events).changed).toBe(0);
    // The demo credentials are there and private.
    for (const file of ['demo-openrc.sh', 'demo-clouds.yaml', 'demo-key']) {
      expect(((await stat(path.join(configDir, 'openstack', file))).mode & 0o777).toString(8)).toBe('600');
    }
    // The admin and demo passwords never reach the output.
    const demoPassword = (await readFile(path.join(configDir, 'openstack', '.demo-password'), 'utf8')).trim();
    expect(first.out + second.out).not.toContain(demoPassword);
  }, 30 * 60_000);

  it('refuses an image whose sha256 does not match', async () => {
    const wrong = await bootstrap({ ciab_cirros_sha256: '0'.repeat(64) });
    expect(wrong.code).not.toBe(0);
    const failed = wrong.events.find((e) => e.event === 'result' && e.status === 'failed');
    expect(failed?.task).toBe('Refuse an image whose checksum does not match');
  }, 10 * 60_000);

  it('ciab verify --scs: the flavors bootstrap-cloud made pass scs-0100 and scs-0103, every image rule is reported', async () => {
    const { code, report, stderr } = await verify(['--scs', '--no-instance']);
    expect(report, stderr).not.toBeNull();
    expect(report!.verify.status, JSON.stringify(report!.verify.steps)).toBe('passed');
    const rules = report!.scs!.rules;
    const standard = parseStandardFlavors(await readFile(path.join(ANSIBLE_DIR, 'cloud', 'scs-flavors.yml'), 'utf8')).filter((f) => f.status === 'mandatory');
    const selection = selectFlavors(standard, { vcpus: 8, memoryBytes: 24 * GIB, diskGB: null });
    // The playbook's Jinja chose exactly what selectFlavors() chooses.
    const created = rules.filter((r) => r.rule === 'scs-0100-syntax').map((r) => r.subject).sort();
    expect(created).toEqual(selection.create.map((f) => f.name).sort());
    for (const rule of rules.filter((r) => r.standard === 'scs-0100')) expect(rule, rule.reason).toMatchObject({ status: 'pass' });
    for (const flavor of selection.create) expect(rules.find((r) => r.standard === 'scs-0103' && r.subject === flavor.name)).toMatchObject({ status: 'pass' });
    for (const { flavor } of selection.leftOut) {
      expect(rules.find((r) => r.standard === 'scs-0103' && r.subject === flavor.name)).toMatchObject({ status: 'fail', reason: expect.stringContaining('this box is too small') });
    }
    const image = rules.filter((r) => r.standard === 'scs-0102' && r.subject === 'Cirros 0.6.3');
    expect(image.length).toBeGreaterThanOrEqual(17);
    for (const rule of image) expect(rule, rule.reason).toMatchObject({ status: 'pass' });
    // ciab uploads CirrOS only: scs-0104's mandatory Ubuntu 24.04 is missing, and verify says so (exit 1).
    expect(rules.find((r) => r.standard === 'scs-0104' && r.subject === 'Ubuntu 24.04')).toMatchObject({ status: 'fail' });
    expect(code).toBe(1);
  }, 10 * 60_000);

  it('ciab install runs bootstrap-cloud and verify as its last phases against the APIs; the result has the demo credentials, why verify skipped the instance and the SCS summary; a second run resumes with nothing to do', async () => {
    // kolla's phases by the stand-in (it makes no cloud); the cloud phases against the fixture, as the same demo
    // user the earlier tests made (its password and key), since the cloud is shared.
    rig = await makeRig();
    const openstackDir = path.join(rig.stateDir, 'config', 'openstack');
    for (const file of ['.demo-password', 'demo-key', 'demo-key.pub']) await copyFile(path.join(configDir, 'openstack', file), path.join(openstackDir, file));
    const first = await install(rig, [], cloudEnv());
    expect(first.code, first.stderr.slice(-4000)).toBe(0);
    const events = await runEvents(rig);
    const finished = events.filter((e) => e.type === 'phase_finished').map((e) => `${e.phase} ${e.status}`);
    expect(finished).toEqual(['kolla-prechecks done', 'kolla-pull done', 'kolla-deploy done', 'kolla-post-deploy done', 'bootstrap-cloud done', 'verify done']);
    // The engine's view of the phases: their tasks arrived as events like kolla's.
    expect(events.flatMap((e) => (e.type === 'task_result' && e.phase === 'verify' ? [e.task] : []))).toContain('Get a token as the demo user');
    const end = events.at(-1)!;
    expect(end).toMatchObject({ type: 'run_finished', status: 'succeeded' });
    const cloud = end.type === 'run_finished' ? end.cloud! : null;
    expect(cloud).toMatchObject({ demoCredentials: path.join(openstackDir, 'demo-openrc.sh'), ssh: null, verify: { status: 'passed', note: 'verify skipped the test instance: no compute in the test fixture' } });
    // ciab uploads CirrOS only: scs-0104 fails, and the summary says which rules.
    expect(cloud!.scs).toMatchObject({ status: 'failed' });
    expect(cloud!.scs!.pass).toBeGreaterThan(20);
    expect(cloud!.scs!.failing).toContain('scs-0104 Ubuntu 24.04');
    // The line summary (no terminal) prints the same.
    expect(first.stderr).toContain(`demo    ${path.join(openstackDir, 'demo-openrc.sh')}`);
    expect(first.stderr).toMatch(/SCS {5}not conformant: \d+ of \d+ rules fail \(.*scs-0104 Ubuntu 24\.04/);
    // Resumable: everything is done with the same inputs, nothing runs; the result is shown again.
    const again = await install(rig, [], cloudEnv());
    expect(again.code, again.stderr.slice(-2000)).toBe(0);
    expect(again.stderr.match(/skipped, done earlier with the same inputs/g)).toHaveLength(6);
    expect(again.stderr).toContain('verify skipped the test instance');
  }, 20 * 60_000);

  it('ciab status asks keystone for the catalog and each endpoint; a closed keystone port is unhealthy', async () => {
    const status = async (cloudsYaml: string) => {
      const result = await runCiab(['status', '--json', '--state-dir', rig.stateDir], { env: { CIAB_KOLLA_VENV: venv, CIAB_CLOUDS_YAML: cloudsYaml } });
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as StatusReport;
    };
    const report = await status(path.join(fixtureDir, 'clouds.yaml'));
    expect(report.installed).toBe(true);
    const endpoints = report.endpoints!;
    expect(endpoints.map((e) => e.name).sort()).toEqual(['catalog', 'glance', 'keystone', 'neutron', 'nova', 'placement']);
    for (const endpoint of endpoints) expect(endpoint, JSON.stringify(endpoint)).toMatchObject({ health: 'healthy', address: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+/) });
    // keystone's port closed (a port nobody listens on): the catalog cannot be asked, and that is "unhealthy".
    const closed = path.join(work, 'closed-clouds.yaml');
    const text = await readFile(path.join(fixtureDir, 'clouds.yaml'), 'utf8');
    await writeFile(closed, text.replace(/auth_url: http:\/\/127\.0\.0\.1:\d+/, `auth_url: http://127.0.0.1:${await closedPort()}`), { mode: 0o600 });
    const down = await status(closed);
    expect(down.endpoints).toEqual([expect.objectContaining({ name: 'catalog', health: 'unhealthy', note: 'connection refused' })]);
    // No password in what status prints.
    expect(JSON.stringify(report) + JSON.stringify(down)).not.toMatch(/password/i);
  }, 5 * 60_000);

  it('verify\'s instance part against APIs without compute: nova accepts the boot, it times out, the instance is deleted again and the failure names the step', async () => {
    const config = path.join(rig.stateDir, 'config');
    const result = await runCiab(['verify', '--json', '--config', config, '--venv', venv], {
      env: { CIAB_VERIFY_EXTRA_VARS: JSON.stringify({ ciab_verify_timeout: 15, ciab_verify_dataplane: false, ciab_verify_volume: false }) },
    });
    expect(result.code, result.stderr).toBe(1);
    const steps = (JSON.parse(result.stdout) as VerifyReport).verify.steps;
    const status = (task: string) => steps.find((step) => step.task === task)?.status;
    expect(status('Find the test flavor')).toBe('ok');
    expect(steps.find((step) => step.task === 'Boot the test instance')).toMatchObject({ status: 'failed', message: expect.stringContaining('Timeout waiting for the server') });
    expect(status('Delete the test instance and its floating IP')).toBe('changed');
    expect(steps.at(-1)).toMatchObject({ task: 'Fail when a step of the test instance failed', message: expect.stringContaining('Boot the test instance') });
    // Nothing is left behind: the demo project has no server.
    const fixturePython = path.join((await exec('bash', [path.join(REPO, 'scripts', 'cloud-fixture.sh'), 'venv'])).stdout.trim().split('\n').at(-1)!, 'bin', 'python');
    const left = await exec(fixturePython, ['-c', "import openstack; print(len(list(openstack.connect(cloud='ciab-admin').compute.servers(all_projects=True))))"], { ...process.env, OS_CLIENT_CONFIG_FILE: path.join(fixtureDir, 'clouds.yaml') });
    expect(left.stdout.trim(), left.stderr).toBe('0');
  }, 10 * 60_000);

  it('a deliberately misnamed flavor fails scs-0100 and scs-0103', async () => {
    const fixturePython = path.join((await exec('bash', [path.join(REPO, 'scripts', 'cloud-fixture.sh'), 'venv'])).stdout.trim().split('\n').at(-1)!, 'bin', 'python');
    const script = [
      'import openstack',
      "c = openstack.connect(cloud='ciab-admin')",
      "c.compute.delete_flavor(c.compute.find_flavor('SCS-1V-2', ignore_missing=False))",
      "f = c.compute.create_flavor(name='SCS-1V-2', vcpus=1, ram=1024, disk=0)",
      "c.compute.create_flavor_extra_specs(f, {'scs:name-v2': 'SCS-1V-2', 'scs:cpu-type': 'shared-core'})",
      "c.compute.create_flavor(name='SCS-2X-4', vcpus=2, ram=4096, disk=0)",
    ].join('\n');
    const made = await exec(fixturePython, ['-c', script], { ...process.env, OS_CLIENT_CONFIG_FILE: path.join(configDir, 'openstack', 'clouds.yaml') });
    expect(made.code, made.stderr).toBe(0);
    const { code, report } = await verify(['--scs', '--no-instance']);
    expect(code).toBe(1);
    const rules = report!.scs!.rules;
    expect(rules.find((r) => r.rule === 'scs-0100-syntax' && r.subject === 'SCS-2X-4')).toMatchObject({ status: 'fail' });
    expect(rules.find((r) => r.rule === 'scs-0100-semantics' && r.subject === 'SCS-1V-2')).toMatchObject({ status: 'fail', reason: expect.stringContaining('1024 MiB RAM < 2 GiB named') });
    expect(rules.find((r) => r.standard === 'scs-0103' && r.subject === 'SCS-1V-2')).toMatchObject({ status: 'fail', reason: expect.stringContaining('ram is 1024, should be 2048') });
  }, 10 * 60_000);
});
