// The result screen's cloud rows (issue 14): the demo credentials, the ssh command for the kept test instance (or why
// there is none) and the SCS summary, from run_finished's cloud result; within 80 columns.
import { render } from 'ink-testing-library';
import { describe, expect, test } from 'vitest';
import { InstallerEvent, type CloudResult } from '../../../src/model/events.js';
import { createRunViewStore, ProgressScreen } from '../../../src/ui/reporters/live.js';

async function waitFor(probe: () => string | false, what: string, timeoutMs = 10_000): Promise<string> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function finishedRun(cloud: CloudResult | null): InstallerEvent[] {
  const at = '2026-11-30T12:00:00Z';
  return [
    { type: 'run_started', at, runId: 'r1', action: 'install', phases: [{ id: 'bootstrap-cloud', title: 'First resources', estimateSeconds: 180 }, { id: 'verify', title: 'Verify', estimateSeconds: 240 }], runDir: '/tmp/r1' },
    { type: 'run_finished', at, runId: 'r1', status: 'succeeded', durationMs: 60_000, changedMachine: true, failure: null, cloud },
  ].map((event) => InstallerEvent.parse(event));
}

function screen(events: InstallerEvent[]) {
  const store = createRunViewStore();
  const app = render(
    <ProgressScreen store={store} colour={false} controls={{ stop: () => undefined, abort: () => undefined, readLog: () => [] }} result={null} resumeCommand="ciab install" size={{ columns: 80, rows: 24 }} clock={() => store.getView().now ?? 0} onChoice={() => undefined} />,
  );
  for (const event of events) store.emit(event);
  return { app, frameWith: (text: string) => waitFor(() => (app.lastFrame() ?? '').includes(text) && (app.lastFrame() ?? ''), text) };
}

describe('result screen: the cloud', () => {
  test('demo credentials, ssh command and the SCS summary', async () => {
    const { app, frameWith } = screen(
      finishedRun({
        demoCredentials: '/etc/ciab/config/openstack/demo-openrc.sh',
        ssh: 'ssh -i /etc/ciab/config/openstack/demo-key cirros@203.0.113.17',
        verify: { status: 'passed', note: null },
        scs: { status: 'failed', pass: 54, fail: 1, warn: 0, failing: ['scs-0104 Ubuntu 24.04'] },
      }),
    );
    const frame = await frameWith('The cloud is ready');
    expect(frame).toMatch(/^ {3}demo +\/etc\/ciab\/config\/openstack\/demo-openrc\.sh \(the demo project/m);
    expect(frame).toMatch(/^ {3}ssh +ssh -i \/etc\/ciab\/config\/openstack\/demo-key cirros@203\.0\.113\.17$/m);
    expect(frame).toMatch(/^ {3}SCS +not conformant: 1 of 55 rules fail \(scs-0104 Ubuntu 24\.04\);/m);
    for (const row of frame.split('\n')) expect(row.length, row).toBeLessThanOrEqual(80);
    app.unmount();
  });

  test('no cloud to talk to: verify skipped, and why', async () => {
    const { app, frameWith } = screen(finishedRun({ demoCredentials: null, ssh: null, verify: { status: 'skipped', note: 'verify skipped: no cloud to talk to (CIAB_CLOUD_PHASES=skip)' }, scs: null }));
    const frame = await frameWith('verify skipped');
    expect(frame).toMatch(/^ {3}verify +verify skipped: no cloud to talk to/m);
    expect(frame).not.toContain('SCS');
    app.unmount();
  });
});
