// `ciab status` as text: renders the report, nothing else.
import type { Health, StatusReport } from '../model/run-state.js';

const mark = (h: Health) => (h === 'healthy' ? '✔' : h === 'unhealthy' ? '✖' : '?');

export function formatStatus(r: StatusReport): string {
  const lines: string[] = [];
  lines.push(r.installed ? 'Cloud-in-a-Box: installed' : r.configured ? 'Cloud-in-a-Box: configured, not installed' : `Cloud-in-a-Box: not configured (no plan in ${r.configDir})`);
  if (r.running) lines.push(`Running now: ciab ${r.running.action}${r.running.orphan ? "'s ansible (ciab itself ended)" : ''}, pid ${r.running.pid}, since ${r.running.startedAt}; run folder ${r.running.runDir}`);
  if (r.lastRun) lines.push(`Last run: ${r.lastRun.action} ${r.lastRun.status} (${r.lastRun.startedAt}${r.lastRun.finishedAt ? ` – ${r.lastRun.finishedAt}` : ''}); logs in ${r.lastRun.runDir}`);
  for (const p of r.phases) lines.push(`  ${p.status.padEnd(8)} ${p.id}${p.command && p.command !== 'ansible-playbook' ? ` (${p.command})` : ''}${p.durationMs !== null ? `  ${Math.round(p.durationMs / 1000)}s` : ''}`);
  if (r.containers) lines.push(`Containers: ${mark(r.containers.health)} ${r.containers.health}${r.containers.running !== null ? `, ${r.containers.running} running` : ''}${r.containers.unhealthy.length ? `; not well: ${r.containers.unhealthy.join(', ')}` : ''}${r.containers.note ? ` (${r.containers.note})` : ''}`);
  if (r.endpoints) for (const e of r.endpoints) lines.push(`  ${mark(e.health)} ${e.name.padEnd(10)} ${e.address}${e.note ? ` (${e.note})` : ''}`);
  const next = nextStep(r);
  if (next) lines.push(`Next: ${next}`);
  return `${lines.join('\n')}\n`;
}

/** What a person reading the status would do next; null when nothing is pending. */
function nextStep(r: StatusReport): string | null {
  if (r.running) return 'ciab install follows the running install on this terminal';
  if (!r.configured) return 'ciab (the installer; ciab plan shows what it would do, changing nothing)';
  if (r.installed) return null;
  const failed = r.phases.find((p) => p.status === 'failed');
  return failed
    ? `${failed.id} failed; why, and the command that resumes, are in ${r.lastRun?.runDir ?? 'the last run folder'}${r.lastRun?.action === 'install' ? ' (ciab install skips what is done)' : ''}`
    : 'ciab install goes on from the first phase not done';
}
