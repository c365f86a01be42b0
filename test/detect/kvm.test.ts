// KVM truth: a guest must run, not just /dev/kvm open. The real probe on this machine (a kvm_pvm host when this was
// written), and the recorded hosts with the probe's answers (runs, fails, killed, missing python3, kvm_pvm).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planSession } from '../../src/app/session.js';
import { detectHost } from '../../src/detect/index.js';
import { KVM_PROBE_ARGS, KVM_PROBE_COMMAND } from '../../src/detect/kvm.js';
import { createHostReader } from '../../src/env/host.js';
import type { CommandResult, HostReader } from '../../src/env/types.js';
import type { HostFacts } from '../../src/model/facts.js';
import { createFixtureHost, loadHostFixture } from '../fakes/fixture-host.js';
import { FIXTURE_INSTALLER_PATH, KVM_PROBE_SCRIPT } from '../helpers/facts.js';
import { loadProfiles } from '../helpers/inputs.js';

const PROBE_KEY = [KVM_PROBE_COMMAND, ...KVM_PROBE_ARGS].join(' ');
/** What the probe printed on the kvm_pvm build machine (python3 -I - ciab-kvm-guest-probe/1 3 < probes/kvm-guest.py). */
const PVM_OUTPUT =
  '{"runs": false, "realMode": {"runs": true, "stage": "KVM_GET_REGS", "exitReason": 5, "detail": "ran to hlt"}, "longMode": {"runs": false, "stage": "KVM_RUN", "exitReason": 8, "detail": "the guest stopped with KVM exit reason 8 instead of hlt (5)"}}\n';

function ok(stdout: string): CommandResult {
  return { exitCode: 0, stdout, stderr: '', notFound: false, timedOut: false };
}

/** The laptop (VT-x, /dev/kvm opens) with the probe answering `probe`, and extra /sys/module folders. */
async function laptopWith(probe: CommandResult | null, modules: string[] = []): Promise<{ facts: HostFacts; inputs: string[] }> {
  const recording = loadHostFixture('laptop');
  delete recording.commands[PROBE_KEY];
  if (probe) recording.commands[PROBE_KEY] = probe;
  else recording.absent.push(`cmd:${PROBE_KEY}`); // the strict fixture host: a machine without the probe's answer
  for (const m of modules) recording.exists[`/sys/module/${m}`] = true;
  const inputs: string[] = [];
  const host = createFixtureHost(recording);
  const reader: HostReader = {
    ...host,
    run: async (command, args, options) => {
      if (options?.input !== undefined) inputs.push(options.input);
      return host.run(command, args, options);
    },
  };
  const facts = await detectHost(reader, { uplink: true, installerPath: FIXTURE_INSTALLER_PATH, kvmProbeScript: KVM_PROBE_SCRIPT });
  return { facts, inputs };
}

async function workshopPlan(facts: HostFacts) {
  const session = await planSession({ facts, profiles: await loadProfiles(), sources: {}, options: { skip: ['ports', 'services'], vars: {} } });
  return session;
}

describe('KVM guest probe on this machine', () => {
  const reader = createHostReader();
  it('runs the shipped probe through python3 and tells the truth about this host', async (ctx) => {
    const open = await reader.canOpen('/dev/kvm', 'rw');
    if (!open.ok) ctx.skip(`/dev/kvm does not open here (${open.error}): nothing to probe`);
    const started = Date.now();
    const facts = await detectHost(reader, { uplink: false, installerPath: null, kvmProbeScript: KVM_PROBE_SCRIPT });
    const kvm = facts.cpu.kvm;
    console.log(`KVM here: usable=${kvm.usable} backend=${kvm.backend} reason=${kvm.reason}\n  guest: ${kvm.guest.detail}`);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(kvm.guest.runs).not.toBeNull();
    if (existsSync('/sys/module/kvm_pvm')) {
      // The build machine: kvm_pvm opens /dev/kvm and creates VMs; the real-mode guest runs, the kernel-like one does not.
      expect(kvm).toMatchObject({ present: true, usable: false, backend: 'kvm_pvm', guest: { runs: false } });
      expect(kvm.reason).toMatch(/kvm_pvm, a paravirtual nested backend/);
      expect(kvm.guest.detail).toMatch(/a real-mode guest ran to hlt; a long-mode guest .* failed at KVM_RUN: .*exit reason 8.*shutdown/);
      // This machine's KVM fact in the laptop's facts (this machine itself fits no profile): the plan says qemu.
      const laptop = (await laptopWith(null)).facts;
      const session = await workshopPlan({ ...laptop, cpu: { ...laptop.cpu, kvm } });
      expect(session.plan?.compute.virtType).toBe('qemu');
      expect(session.plan?.kolla.nova_compute_virt_type?.why).toMatch(/kvm_pvm/);
    } else {
      expect(kvm.usable).toBe(kvm.guest.runs);
    }
  });
});

describe('KVM on recorded hosts', () => {
  it('a host whose test guests run gets KVM; the probe got the shipped script on stdin', async () => {
    const { facts, inputs } = await laptopWith(loadHostFixture('laptop').commands[PROBE_KEY]!);
    expect(facts.cpu.kvm).toMatchObject({ present: true, usable: true, reason: null, backend: 'kvm_intel', guest: { runs: true } });
    expect(inputs).toEqual([KVM_PROBE_SCRIPT]);
    expect(KVM_PROBE_SCRIPT).toMatch(/^# ciab kvm-guest probe, version 1\./);
    expect(KVM_PROBE_ARGS).toContain('ciab-kvm-guest-probe/1');
    expect((await workshopPlan(facts)).plan?.compute.virtType).toBe('kvm');
  });

  it('kvm_pvm (the build machine\'s answer): qemu, the backend named in the fact, the plan and the preflight', async () => {
    const { facts } = await laptopWith(ok(PVM_OUTPUT), ['kvm_pvm']);
    expect(facts.cpu.kvm).toMatchObject({ usable: false, backend: 'kvm_pvm', guest: { runs: false } });
    expect(facts.cpu.kvm.reason).toMatch(/^\/dev\/kvm is served by kvm_pvm.*a test guest does not run/);
    const session = await workshopPlan(facts);
    expect(session.plan?.compute.virtType).toBe('qemu');
    expect(session.plan?.kolla.nova_compute_virt_type).toMatchObject({ value: 'qemu', why: expect.stringMatching(/no usable KVM \(\/dev\/kvm is served by kvm_pvm/) });
    const finding = session.findings.find((f) => f.id === 'kvm');
    expect(finding).toMatchObject({ severity: 'warn', message: expect.stringMatching(/kvm_pvm/) });
  });

  it('kvm_pvm whose tiny guests happen to run is still not trusted with stock kernels', async () => {
    const { facts } = await laptopWith(loadHostFixture('laptop').commands[PROBE_KEY]!, ['kvm_pvm']);
    expect(facts.cpu.kvm).toMatchObject({ usable: false, backend: 'kvm_pvm', guest: { runs: true } });
    expect(facts.cpu.kvm.reason).toMatch(/the test guests ran, a stock kernel does not/);
  });

  it('a guest that fails on an ordinary backend: qemu with the failing stage', async () => {
    const failing = PVM_OUTPUT.replace('"exitReason": 8', '"exitReason": 9').replace('reason 8', 'reason 9');
    const { facts } = await laptopWith(ok(failing));
    expect(facts.cpu.kvm).toMatchObject({ usable: false, backend: 'kvm_intel' });
    expect(facts.cpu.kvm.reason).toMatch(/a test guest does not run: the long-mode guest \(what a stock kernel does first\) ended in a failed VM entry at KVM_RUN$/);
    expect(facts.cpu.kvm.guest.detail).toMatch(/^a real-mode guest ran to hlt; a long-mode guest .* failed at KVM_RUN: .*exit reason 9/);
  });

  it.each([
    ['no python3', { exitCode: -1, stdout: '', stderr: '', notFound: true, timedOut: false }, /the KVM guest probe did not run: python3 is not installed/],
    ['the probe killed by the timeout', { exitCode: -1, stdout: '', stderr: '', notFound: false, timedOut: true }, /killed after 10 s/],
    ['a crash without a verdict', { exitCode: 1, stdout: '', stderr: 'Traceback …\nSystemError: boom\n', notFound: false, timedOut: false }, /exit code 1 and no verdict \(SystemError: boom\)/],
    ['output that is not the verdict', ok('hello\n'), /exit code 0 and no verdict/],
  ])('%s: unknown with a note, never "no"; the plan picks qemu and says why', async (_name, probe, detail) => {
    const { facts } = await laptopWith(probe);
    expect(facts.cpu.kvm).toMatchObject({ present: true, usable: null, guest: { runs: null } });
    expect(facts.cpu.kvm.guest.detail).toMatch(detail);
    expect(facts.notes.find((n) => n.fact === 'cpu.kvm')?.message).toMatch(detail);
    const session = await workshopPlan(facts);
    expect(session.plan?.kolla.nova_compute_virt_type).toMatchObject({ value: 'qemu', why: expect.stringMatching(/^KVM unproven \(.*\): qemu/) });
    expect(session.findings.find((f) => f.id === 'kvm')).toMatchObject({ severity: 'warn', hint: expect.stringMatching(/install python3/) });
  });

  it('without the probe script, KVM stays unknown (a note), except on a backend known not to run stock guests', async () => {
    const recording = loadHostFixture('laptop');
    // Other options than the fixture's own (test/helpers/facts.ts): not every recorded entry is read.
    const facts = await detectHost(createFixtureHost(recording, {}, { requireAllRead: false }), { uplink: false, installerPath: null });
    expect(facts.cpu.kvm).toMatchObject({ usable: null, guest: { runs: null } });
    expect(facts.notes.map((n) => n.message)).toContain('the KVM guest probe was not run: whether guests run under KVM is unknown');
    recording.exists['/sys/module/kvm_pvm'] = true;
    const pvm = await detectHost(createFixtureHost(recording, {}, { requireAllRead: false }), { uplink: false, installerPath: null });
    expect(pvm.cpu.kvm).toMatchObject({ usable: false, backend: 'kvm_pvm' });
  });

  it('the TCG testbed recording (svm emulated, /dev/kvm opens, no probe recorded) is unknown, not KVM', async () => {
    const facts = await detectHost(createFixtureHost(loadHostFixture('debian12-vm'), {}, { requireAllRead: false }), { uplink: false, installerPath: '/root/ciab', kvmProbeScript: KVM_PROBE_SCRIPT });
    expect(facts.cpu.kvm).toMatchObject({ present: true, usable: null, guest: { runs: null } });
    expect(facts.cpu.kvm.reason).toMatch(/^\/dev\/kvm opens, but the KVM guest probe did not run: not in the recording: unknown/);
  });

  it('a host without /dev/kvm never runs the probe', async () => {
    const inputs: string[] = [];
    const host = createFixtureHost(loadHostFixture('cloud-vm'), {}, { requireAllRead: false }); // offline: the uplink entry is not read
    const reader: HostReader = { ...host, run: async (c, a, o) => (o?.input !== undefined && inputs.push(o.input), host.run(c, a, o)) };
    const facts = await detectHost(reader, { uplink: false, installerPath: null, kvmProbeScript: KVM_PROBE_SCRIPT });
    expect(facts.cpu.kvm).toMatchObject({ present: false, usable: false, guest: { runs: null } });
    expect(inputs).toEqual([]);
  });
});
