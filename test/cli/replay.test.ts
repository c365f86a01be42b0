// `ciab detect --replay RECORDING` and `--facts RECORDING`: a `--record` file turned back into facts by the real
// detection code, for every recorded host in test/fixtures/hosts and for this machine (record, then replay).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostReader } from '../../src/env/host.js';
import { listHostFixtures, loadHostFixture } from '../fakes/fixture-host.js';
import { FIXTURE_INSTALLER_PATH, fixtureFacts } from '../helpers/facts.js';
import { createTestEnv, runCiabInProcess } from '../helpers/in-process.js';
import { EDGE_LAN_ANSWERS } from '../helpers/plans.js';

/** Facts without what differs between two detections of the same readings. */
function comparable(json: string): Record<string, unknown> {
  const { detectedAt: _at, durationMs: _ms, ...rest } = JSON.parse(json) as Record<string, unknown>;
  return rest;
}

function expectOneLineError(result: { code: number; stderr: string; stdout: string }, first: RegExp) {
  expect(result.code).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(first);
  expect(result.stdout).toBe('');
}

/** A fixture as the single file `ciab detect --record` writes (the laptop's installer folder included). */
function writeRecording(name: string, dir: string): string {
  const file = path.join(dir, `${name}.recording.json`);
  writeFileSync(file, JSON.stringify({ ...loadHostFixture(name), installerPath: FIXTURE_INSTALLER_PATH }, null, 2));
  return file;
}

describe('detect --replay', () => {
  it.each(listHostFixtures())('%s: the recording replays into the same facts the fixture host gives', async (name) => {
    const env = createTestEnv({ host: 'cloud-vm' }); // a different host, to show the replay does not read it
    const file = writeRecording(name, env.cwd);
    const result = await runCiabInProcess(['detect', '--replay', file, '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const expected = await fixtureFacts(name);
    // fixtureFacts probes the uplink; a recording without a connection attempt replays without one.
    const replayed = comparable(result.stdout);
    if (Object.keys(loadHostFixture(name).tcp).length > 0) expect(replayed).toEqual(comparable(JSON.stringify(expected)));
    else expect({ ...replayed, network: undefined }).toEqual({ ...comparable(JSON.stringify(expected)), network: undefined });
  });

  it('the summary of a replayed machine names that machine', async () => {
    const env = createTestEnv({ host: 'cloud-vm' });
    const result = await runCiabInProcess(['detect', '--replay', writeRecording('server', env.cwd)], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/KVM\s+✔ \/dev\/kvm works \(kvm_amd\): a test guest ran/);
  });

  it('records this machine and replays the recording into the same facts', async () => {
    const env = createTestEnv({ host: createHostReader() });
    const recorded = await runCiabInProcess(['detect', '--json', '--no-uplink-check', '--record', 'me.json'], env);
    expect(recorded.code).toBe(0);
    const recording = JSON.parse(readFileSync(path.join(env.cwd, 'me.json'), 'utf8')) as { installerPath: string; commands: Record<string, unknown> };
    expect(recording.installerPath).toBe(env.cwd);
    const replayEnv = createTestEnv({ host: 'laptop' });
    const replayed = await runCiabInProcess(['detect', '--replay', path.join(env.cwd, 'me.json'), '--json'], replayEnv);
    expect(replayed.code).toBe(0);
    expect(comparable(replayed.stdout)).toEqual(comparable(recorded.stdout));
  });

  it('refuses a facts file, and --record with --replay, with one line', async () => {
    const env = createTestEnv();
    writeFileSync(path.join(env.cwd, 'facts.json'), JSON.stringify(await fixtureFacts('laptop')));
    expectOneLineError(await runCiabInProcess(['detect', '--replay', 'facts.json'], env), /^ciab: facts\.json: this is a facts file \(ciab detect --json\), not a recording: pass it to plan\/render with --facts/);
    // A fresh Env per run: an Env's output collects everything written to it.
    expectOneLineError(await runCiabInProcess(['detect', '--replay', 'facts.json', '--record', 'x.json'], { cwd: env.cwd }), /^ciab: --replay and --record: choose one/);
  });
});

describe('--facts takes facts or a recording', () => {
  it('plans a recording exactly as it plans the facts detected from it', async () => {
    const env = createTestEnv();
    const recording = writeRecording('server', env.cwd);
    writeFileSync(path.join(env.cwd, 'facts.json'), JSON.stringify(await fixtureFacts('server')));
    writeFileSync(path.join(env.cwd, 'answers.yaml'), EDGE_LAN_ANSWERS);
    const args = ['plan', '--json', '--answers', 'answers.yaml', '--state-dir', 'state'];
    const fromFacts = await runCiabInProcess([...args, '--facts', 'facts.json'], env);
    const fromRecording = await runCiabInProcess([...args, '--facts', recording], { cwd: env.cwd });
    expect(fromRecording.stderr).toBe(fromFacts.stderr);
    expect(fromRecording.code).toBe(fromFacts.code);
    const strip = (out: string) => out.replace(/"(detectedAt|durationMs|createdAt|generatedAt)": [^,\n]+/g, '');
    expect(strip(fromRecording.stdout)).toBe(strip(fromFacts.stdout));
    expect(fromRecording.stdout).toMatch(/"virtType": "kvm"/);
  });

  it.each([
    ['neither kind', '{"foo": 1, "bar": [2]}', /^ciab: x\.json: not a host file \(top-level keys: foo, bar\): expected HostFacts \(from `ciab detect --json`.*or a recording \(from `ciab detect --record`/],
    ['a list', '[1, 2]', /^ciab: x\.json: not a host file: expected HostFacts/],
    ['facts of another schema version', '{"schemaVersion": 2}', /^ciab: x\.json:1:\d+: schemaVersion: /],
    ['a recording with a broken part', '{"hostname": "h", "files": {"/proc/cpuinfo": 3}}', /^ciab: x\.json:1:\d+: files\.\/proc\/cpuinfo: /],
    ['not JSON or YAML', '{"hostname": ', /^ciab: x\.json:/],
  ])('%s: one line saying what was expected, exit code 2', async (_name, text, first) => {
    const env = createTestEnv();
    writeFileSync(path.join(env.cwd, 'x.json'), text);
    expectOneLineError(await runCiabInProcess(['plan', '--facts', 'x.json', '--state-dir', 'state'], env), first);
  });
});
