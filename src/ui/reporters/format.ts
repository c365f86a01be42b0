// Words and numbers shared by the line and live reporters, so both say the same thing the same way.
import type { CloudResult, EventOf, SkipReason } from '../../model/events.js';
import type { PhaseState } from './run-view.js';

/** The icon for a phase state; icons carry the meaning, colour only helps. */
export const PHASE_ICON: Record<PhaseState, string> = {
  pending: '○',
  running: '▶',
  done: '✔',
  failed: '✖',
  stopped: '■',
  aborted: '⊘',
  skipped: '·',
};

export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  'done-earlier': 'done earlier with the same inputs',
  'outside-range': 'outside --from/--until',
  'not-in-plan': 'not in this plan',
  'no-cloud': 'no cloud to talk to (CIAB_CLOUD_PHASES=skip)',
};

/** 41s, 3m12s, 1h02m */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** An ISO time as HH:MM:SS in the given zone (the host's own when none is given). */
export function createClockFormatter(timeZone?: string): (iso: string) => string {
  const format = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone });
  return (iso) => format.format(new Date(iso));
}

/** "about 22 min left (17–31)"; the point is the middle of the range, since the range is what we trust. */
export function formatEta(eta: { low: number; high: number }): string {
  if (eta.high < 60) return 'less than a minute left';
  const low = Math.max(1, Math.round(eta.low / 60));
  const high = Math.max(low, Math.round(eta.high / 60));
  const middle = Math.round((low + high) / 2);
  return low === high ? `about ${middle} min left` : `about ${middle} min left (${low}–${high})`;
}

/** "waiting on TASK (retry 4/21, 41 s, usually under 1 min)": instead of a frozen ETA while one task takes long. */
export function formatWaiting(waiting: NonNullable<EventOf<'progress'>['waiting']>): string {
  const details: string[] = [];
  if (waiting.retry) details.push(`retry ${waiting.retry.attempt}/${waiting.retry.retries}`);
  details.push(`${Math.round(waiting.seconds)} s`);
  if (waiting.usualSeconds !== null) details.push(`usually under ${Math.max(1, Math.ceil(waiting.usualSeconds / 60))} min`);
  return `waiting on ${waiting.task} (${details.join(', ')})`;
}

/** "waiting 41 s on this task (retry 4/21, usually under 1 min)": the short form, under a line naming the task. */
export function formatWaitingShort(waiting: NonNullable<EventOf<'progress'>['waiting']>): string {
  const details: string[] = [];
  if (waiting.retry) details.push(`retry ${waiting.retry.attempt}/${waiting.retry.retries}`);
  if (waiting.usualSeconds !== null) details.push(`usually under ${Math.max(1, Math.ceil(waiting.usualSeconds / 60))} min`);
  return `waiting ${Math.round(waiting.seconds)} s on this task${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/** "task 412/~795": a tilde on a count that is an estimate. */
export function formatTaskIndex(index: number, expected: number | null): string {
  // Past the estimate the estimate is no use: show the index alone rather than a total that keeps moving.
  return expected === null || index > expected ? `task ${index}` : `task ${index}/~${expected}`;
}

/** kolla's plays are "Apply role nova-cell"; the role is what a person scans for. */
export function playLabel(name: string): string {
  return name.startsWith('Apply role ') ? name.slice('Apply role '.length) : name;
}

/** "mariadb : Wait for …" as ansible prints it, whether or not the task name already carries the role. */
export function taskLabel(task: string, role: string | null): string {
  return role === null || task.startsWith(`${role} : `) ? task : `${role} : ${task}`;
}

/** The first line of a message, cut to a length that fits a log line. */
export function firstLine(text: string, max = 200): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The last lines of a stderr tail, without trailing blank ones. */
export function lastLines(text: string, count: number): string[] {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(-count);
}

/** The cloud's part of the result (demo credentials, ssh to the test instance, SCS summary) as label/value rows. */
export function cloudResultRows(cloud: CloudResult): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (cloud.demoCredentials !== null) rows.push(['demo', `${cloud.demoCredentials} (the demo project: . it, then openstack server list)`]);
  if (cloud.ssh !== null) rows.push(['ssh', cloud.ssh]);
  if (cloud.verify.note !== null) rows.push(['verify', cloud.verify.note]);
  else if (cloud.ssh === null) rows.push(['verify', cloud.verify.status]);
  if (cloud.scs !== null) {
    const total = cloud.scs.pass + cloud.scs.fail + cloud.scs.warn;
    const failing = cloud.scs.failing.length > 0 ? ` (${cloud.scs.failing.slice(0, 4).join(', ')}${cloud.scs.fail > 4 ? ', …' : ''})` : '';
    rows.push([
      'SCS',
      cloud.scs.status === 'passed'
        ? `conformant: ${cloud.scs.pass} of ${total} rules pass${cloud.scs.warn > 0 ? `, ${cloud.scs.warn} warnings` : ''}`
        : `not conformant: ${cloud.scs.fail} of ${total} rules fail${failing}; ciab verify --scs lists them`,
    ]);
  }
  return rows;
}
