// The two last phases as data (bootstrap-cloud, verify): their options from the environment, their commands, the
// cloud result read from the files they leave, and how the line summary shows it. Against real files in a temp
// folder; the phases themselves run against real OpenStack APIs in test/cloud (npm run test:cloud).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InstallerEvent, type CloudResult } from '../../src/model/events.js';
import { emptyState, type PhaseRecord, type RunState } from '../../src/model/run-state.js';
import { readCloudResult } from '../../src/run/cloud-result.js';
import { cloudPhaseOptions, RUN_PHASES, type PhaseInputs } from '../../src/run/phases.js';
import { createLinesReporter } from '../../src/ui/reporters/lines.js';
import { fixturePlan } from '../helpers/plans.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const GIB = 1024 ** 3;
const done = (): PhaseRecord => ({ status: 'done', inputHash: 'h', runId: 'r', startedAt: '2026-11-30T10:00:00Z', finishedAt: '2026-11-30T10:01:00Z', durationMs: 60_000, exitCode: 0, command: 'ansible-playbook' });
const stateWith = (phases: Record<string, PhaseRecord>): RunState => ({ ...emptyState(), phases });

describe('cloud phase options', () => {
  it('run by default, skip on request; bad values name the variable', () => {
    expect(cloudPhaseOptions({})).toEqual({ skip: false, cloudsYaml: null, cirrosFile: null, cirrosSha256: null, verifyExtraVars: {} });
    expect(cloudPhaseOptions({ CIAB_CLOUD_PHASES: 'skip' }).skip).toBe(true);
    expect(() => cloudPhaseOptions({ CIAB_CLOUD_PHASES: 'maybe' })).toThrow('CIAB_CLOUD_PHASES=maybe: use run or skip');
    expect(() => cloudPhaseOptions({ CIAB_VERIFY_EXTRA_VARS: '[1]' })).toThrow('CIAB_VERIFY_EXTRA_VARS: not a JSON object');
    expect(() => cloudPhaseOptions({ CIAB_CIRROS_SHA256: 'abc' })).toThrow('CIAB_CIRROS_SHA256');
  });

  it('the phases come last, after post-deploy, and pass the cloud, the image and the verify knobs to their playbooks', async () => {
    const ids = RUN_PHASES.map((p) => p.id);
    expect(ids.slice(-3)).toEqual(['kolla-post-deploy', 'bootstrap-cloud', 'verify']);
    const plan = await fixturePlan('server-sandbox');
    const sha = 'a'.repeat(64);
    const inputs: PhaseInputs = {
      plan, configDir: '/etc/ciab/config', kollaVenv: '/opt/ciab/kolla-venv', stateDir: '/var/lib/ciab', confirmedWipe: [], stopServices: [], skipChecks: [],
      cloud: cloudPhaseOptions({ CIAB_CLOUDS_YAML: '/fx/clouds.yaml', CIAB_CIRROS_FILE: '/img', CIAB_CIRROS_SHA256: sha, CIAB_VERIFY_EXTRA_VARS: '{"ciab_verify_instance":false}' }),
    };
    const bootstrap = RUN_PHASES.find((p) => p.id === 'bootstrap-cloud')!.command(inputs, undefined);
    expect(bootstrap).toMatchObject({ kind: 'playbook', action: 'ansible/bootstrap-cloud.yml' });
    expect(JSON.parse(bootstrap.args[1]!)).toEqual({ ciab_config_dir: '/etc/ciab/config', ciab_clouds_yaml: '/fx/clouds.yaml', ciab_cirros_file: '/img', ciab_cirros_sha256: sha });
    const verify = RUN_PHASES.find((p) => p.id === 'verify')!.command(inputs, undefined);
    expect(JSON.parse(verify.args[1]!)).toEqual({ ciab_config_dir: '/etc/ciab/config', ciab_clouds_yaml: '/fx/clouds.yaml', ciab_verify_keep: true, ciab_result_dir: '/var/lib/ciab', ciab_verify_instance: false });
  });
});

describe('the cloud result', () => {
  async function folder() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ciab-cloud-result-'));
    const configDir = path.join(dir, 'config');
    mkdirSync(path.join(configDir, 'openstack'), { recursive: true });
    const base = await fixturePlan('server-sandbox');
    const plan = { ...base, compute: { ...base.compute, vcpusForInstances: 8, memoryForInstancesBytes: 24 * GIB } };
    return { dir, configDir, plan, input: { plan, configDir, stateDir: dir, projectRoot: ROOT, skipped: false, now: new Date('2026-11-30T12:00:00Z') } };
  }

  it('nothing before bootstrap-cloud ran; "verify skipped" when there is no cloud', async () => {
    const { input } = await folder();
    expect(readCloudResult({ ...input, state: emptyState() })).toBeNull();
    expect(readCloudResult({ ...input, state: emptyState(), skipped: true })).toMatchObject({ ssh: null, verify: { status: 'skipped', note: expect.stringContaining('no cloud') } });
  });

  it('demo credentials, the kept instance\'s ssh command and the SCS summary from what the phases wrote', async () => {
    const { dir, configDir, input } = await folder();
    const openrc = path.join(configDir, 'openstack', 'demo-openrc.sh');
    writeFileSync(openrc, 'export OS_USERNAME=demo\n');
    const ssh = `ssh -i ${configDir}/openstack/demo-key cirros@203.0.113.17`;
    writeFileSync(path.join(dir, 'verify-result.json'), JSON.stringify({ instance: true, ssh, skipped: null }));
    // One correct standard flavor and a misnamed one: the summary fails and names the rules.
    const flavors = [
      { id: '1', name: 'SCS-1V-2', vcpus: 1, ramMiB: 2048, diskGB: 0, isPublic: true, extraSpecs: { 'scs:name-v1': 'SCS-1V:2', 'scs:name-v2': 'SCS-1V-2', 'scs:cpu-type': 'shared-core' } },
      { id: '2', name: 'SCS-2X-4', vcpus: 2, ramMiB: 4096, diskGB: 0, isPublic: true, extraSpecs: {} },
    ];
    writeFileSync(path.join(dir, 'cloud-inventory.json'), JSON.stringify({ flavors, images: [] }));
    const result = readCloudResult({ ...input, state: stateWith({ 'bootstrap-cloud': done(), verify: done() }) })!;
    expect(result).toMatchObject({ demoCredentials: openrc, ssh, verify: { status: 'passed', note: null }, scs: { status: 'failed' } });
    expect(result.scs!.pass).toBeGreaterThan(0);
    expect(result.scs!.failing).toContain('scs-0100 SCS-2X-4');
    expect(result.scs!.failing).toContain('scs-0104 Ubuntu 24.04');
    // A failed verify shows no ssh command and no summary, and says so.
    const failed = readCloudResult({ ...input, state: stateWith({ 'bootstrap-cloud': done(), verify: { ...done(), status: 'failed' } }) })!;
    expect(failed).toMatchObject({ ssh: null, scs: null, verify: { status: 'failed' } });
    // The instance part turned off: the reason verify wrote.
    writeFileSync(path.join(dir, 'verify-result.json'), JSON.stringify({ instance: false, ssh: null, skipped: 'no compute in the test fixture' }));
    expect(readCloudResult({ ...input, state: stateWith({ 'bootstrap-cloud': done(), verify: done() }) })!.verify.note).toBe('verify skipped the test instance: no compute in the test fixture');
  });

  it('run_finished carries it (checked by the event schema) and the line summary prints it', () => {
    const cloud: CloudResult = {
      demoCredentials: '/etc/ciab/config/openstack/demo-openrc.sh',
      ssh: 'ssh -i /etc/ciab/config/openstack/demo-key cirros@203.0.113.17',
      verify: { status: 'passed', note: null },
      scs: { status: 'failed', pass: 40, fail: 2, warn: 0, failing: ['scs-0104 Ubuntu 24.04', 'scs-0103 SCS-16V-32'] },
    };
    const at = '2026-11-30T12:00:00Z';
    const events = [
      { type: 'run_started', at, runId: 'r1', action: 'install', phases: [{ id: 'verify', title: 'Verify', estimateSeconds: 60 }], runDir: '/tmp/r1' },
      { type: 'run_finished', at, runId: 'r1', status: 'succeeded', durationMs: 1000, changedMachine: true, failure: null, cloud },
    ].map((e) => InstallerEvent.parse(e));
    let text = '';
    const reporter = createLinesReporter({ stream: { write: (chunk: string) => ((text += chunk), true) } as never, colour: false, timeZone: 'UTC' });
    for (const e of events) reporter.emit(e);
    expect(text).toContain('demo    /etc/ciab/config/openstack/demo-openrc.sh');
    expect(text).toContain('ssh     ssh -i /etc/ciab/config/openstack/demo-key cirros@203.0.113.17');
    expect(text).toContain('SCS     not conformant: 2 of 42 rules fail (scs-0104 Ubuntu 24.04, scs-0103 SCS-16V-32); ciab verify --scs lists them');
    expect(() => InstallerEvent.parse({ ...events[1], cloud: { ...cloud, verify: { status: 'maybe', note: null } } })).toThrow();
  });
});
