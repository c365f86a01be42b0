// `ciab status` as text ends with what to do next, for each state a person finds the machine in.
import { expect, test } from 'vitest';
import type { StatusReport } from '../../src/model/run-state.js';
import { formatStatus } from '../../src/ui/status-lines.js';

const base: StatusReport = { installed: false, configDir: '/etc/ciab/config', configured: false, lastRun: null, phases: [], running: null, containers: null, endpoints: null };
const lastLine = (r: StatusReport) => formatStatus(r).trimEnd().split('\n').at(-1);

test('each state says what to do next; an installed cloud says nothing more', () => {
  expect(formatStatus(base)).toBe('Cloud-in-a-Box: not configured (no plan in /etc/ciab/config)\nNext: ciab (the installer; ciab plan shows what it would do, changing nothing)\n');
  const phase = (id: string, status: string) => ({ id, status, finishedAt: null, durationMs: null, command: null });
  const lastRun = { runId: 'r1', action: 'install', status: 'failed', runDir: '/var/log/ciab/runs/r1', startedAt: 't0', finishedAt: 't1' };
  expect(lastLine({ ...base, configured: true, lastRun, phases: [phase('prepare-host', 'done'), phase('kolla-pull', 'failed')] })).toBe(
    'Next: kolla-pull failed; why, and the command that resumes, are in /var/log/ciab/runs/r1 (ciab install skips what is done)',
  );
  // A failed destroy resumes with ciab destroy (which re-runs every phase), not ciab install.
  expect(lastLine({ ...base, configured: true, lastRun: { ...lastRun, action: 'destroy' }, phases: [phase('teardown-host', 'failed')] })).toBe(
    'Next: teardown-host failed; why, and the command that resumes, are in /var/log/ciab/runs/r1',
  );
  expect(lastLine({ ...base, configured: true, phases: [phase('prepare-host', 'pending')] })).toBe('Next: ciab install goes on from the first phase not done');
  expect(lastLine({ ...base, configured: true, running: { pid: 7, action: 'install', startedAt: 't0', runDir: '/r', orphan: false } })).toBe('Next: ciab install follows the running install on this terminal');
  expect(formatStatus({ ...base, configured: true, installed: true })).toBe('Cloud-in-a-Box: installed\n');
});
