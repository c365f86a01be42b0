// A probe that fails is no answer: detection reports the fact unknown with a note saying why, never a definite
// false, and the checks built on it do not block on a guess. The fixture hosts here have one command that
// times out, is killed, or exits non-zero without output, as happens under load.
import { describe, expect, it } from 'vitest';
import { detectHost } from '../../src/detect/index.js';
import type { CommandResult } from '../../src/env/types.js';
import type { HostFacts } from '../../src/model/facts.js';
import { runHostChecks } from '../../src/preflight/host-checks.js';
import { loadProfiles } from '../helpers/inputs.js';
import { createFixtureHost, loadHostFixture } from '../fakes/fixture-host.js';
import { FIXTURE_INSTALLER_PATH, KVM_PROBE_SCRIPT } from '../helpers/facts.js';

const OPTIONS = { uplink: true, installerPath: FIXTURE_INSTALLER_PATH, kvmProbeScript: KVM_PROBE_SCRIPT };
const timeFindings = async (facts: HostFacts) => runHostChecks(facts, (await loadProfiles())[0]!).filter((f) => f.id === 'time');

const TIMED_OUT: CommandResult = { exitCode: -1, stdout: '', stderr: '', notFound: false, timedOut: true };
const KILLED: CommandResult = { exitCode: -1, stdout: '', stderr: '', notFound: false, timedOut: false };
const SILENT_FAILURE: CommandResult = { exitCode: 1, stdout: '', stderr: '', notFound: false, timedOut: false };

/** Detect a fixture host whose `command` gives `failure` (every time, or only the first `times` runs). */
async function detectWith(host: string, command: string, failure: CommandResult, times = Infinity): Promise<{ facts: HostFacts; calls: number[] }> {
  const recording = loadHostFixture(host);
  // The test answers for this command; the recorded answer is only used when a retry gets through.
  if (times === Infinity) for (const key of Object.keys(recording.commands)) if (key.startsWith(`${command} `)) delete recording.commands[key];
  const calls: number[] = [];
  const reader = createFixtureHost(recording);
  const real = reader.run;
  reader.run = async (cmd, args, options) => {
    if (cmd !== command) return real(cmd, args, options);
    calls.push(options?.timeoutMs ?? 0);
    return calls.length <= times ? failure : real(cmd, args, options);
  };
  return { facts: await detectHost(reader, OPTIONS), calls };
}

const notesOn = (facts: HostFacts, fact: string) => facts.notes.filter((n) => n.fact === fact).map((n) => n.message);

describe('system.virtual', () => {
  it.for([
    ['timed out', TIMED_OUT, /systemd-detect-virt timed out after 6000 ms/],
    ['killed', KILLED, /systemd-detect-virt was killed/],
    ['exit 1 without output', SILENT_FAILURE, /systemd-detect-virt exited 1 without output/],
  ] as const)('systemd-detect-virt %s on bare metal without hypervisor signs: unknown, not false', async ([, failure, note]) => {
    const { facts } = await detectWith('server', 'systemd-detect-virt', failure);
    expect(facts.system.virtual).toBeNull();
    expect(notesOn(facts, 'system.virtual')).toEqual([expect.stringMatching(note)]);
  });

  it('systemd-detect-virt timed out in a VM: DMI still says it is one', async () => {
    const { facts } = await detectWith('cloud-vm', 'systemd-detect-virt', TIMED_OUT);
    expect(facts.system.virtual).toBe(true);
    expect(facts.system.hypervisor).toBe('kvm'); // "OpenStack Foundation" in DMI
    expect(notesOn(facts, 'system.virtual')[0]).toMatch(/timed out.*used DMI and CPU flags/);
  });

  it('a timeout is retried once with a longer limit, and a late answer counts', async () => {
    const { facts, calls } = await detectWith('server', 'systemd-detect-virt', TIMED_OUT, 1);
    expect(calls).toEqual([2000, 6000]);
    expect(facts.system.virtual).toBe(false); // "none" from the retry: a real answer
    expect(notesOn(facts, 'system.virtual')).toEqual([]);
  });

  it('"none" with exit 1 is a definite no (the control: the fixture as recorded)', async () => {
    const facts = await detectHost(createFixtureHost(loadHostFixture('server')), OPTIONS);
    expect(facts.system.virtual).toBe(false);
  });
});

describe('os.timeSync', () => {
  it.for([
    ['timed out', TIMED_OUT, /timedatectl timed out after 4500 ms/],
    ['killed', KILLED, /timedatectl was killed/],
    ['exit 1 without output', SILENT_FAILURE, /timedatectl exited 1 without output/],
  ] as const)('timedatectl %s: synchronization unknown with a note, and the time check warns instead of blocking', async ([, failure, note]) => {
    const { facts } = await detectWith('laptop', 'timedatectl', failure);
    expect(facts.os.timeSync.synchronized).toBeNull();
    expect(notesOn(facts, 'os.timeSync')).toEqual([expect.stringMatching(note)]);
    expect((await timeFindings(facts)).map((f) => f.severity)).not.toContain('block');
  });

  it('"no" is a definite no and blocks (the control)', async () => {
    const { facts } = await detectWith('laptop', 'timedatectl', { exitCode: 0, stdout: 'no\n', stderr: '', notFound: false, timedOut: false });
    expect(facts.os.timeSync.synchronized).toBe(false);
    expect((await timeFindings(facts)).map((f) => f.severity)).toEqual(['block']);
  });
});

describe('os.privilege.passwordlessSudo', () => {
  const asUser = async (result: CommandResult) => {
    const recording = { ...loadHostFixture('laptop'), root: false };
    const reader = createFixtureHost(recording);
    const real = reader.run;
    reader.run = async (cmd, args, options) => (cmd === 'sudo' ? result : real(cmd, args, options));
    return detectHost(reader, OPTIONS);
  };

  it('sudo timed out: unknown with a note', async () => {
    const facts = await asUser(TIMED_OUT);
    expect(facts.os.privilege.passwordlessSudo).toBeNull();
    expect(notesOn(facts, 'os.privilege.passwordlessSudo')[0]).toMatch(/sudo timed out/);
  });

  it('sudo asked for a password: no; sudo said nothing and exited 0: yes', async () => {
    expect((await asUser({ exitCode: 1, stdout: '', stderr: 'sudo: a password is required\n', notFound: false, timedOut: false })).os.privilege.passwordlessSudo).toBe(false);
    expect((await asUser({ exitCode: 0, stdout: '', stderr: '', notFound: false, timedOut: false })).os.privilege.passwordlessSudo).toBe(true);
  });
});

describe('os.python3', () => {
  it('/usr/bin/python3 without a version in its link: unknown with a note; the check warns, says what uses it, and does not block', async () => {
    const recording = loadHostFixture('laptop');
    recording.links['/usr/bin/python3'] = '/etc/alternatives/python3'; // a link that names no version
    const facts = await detectHost(createFixtureHost(recording), OPTIONS);
    expect(facts.os.python3).toBeNull();
    expect(notesOn(facts, 'os.python3')).toEqual([expect.stringContaining('python3 was not found')]);
    const python = runHostChecks(facts, (await loadProfiles())[0]!).filter((f) => f.id === 'python');
    expect(python.map((f) => [f.severity, f.message])).toEqual([['warn', '/usr/bin/python3 not found, or its version unknown']]);
    expect(python[0]!.hint).toContain('run their modules with /usr/bin/python3');
  });
});
