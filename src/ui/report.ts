// Line output for ranking, findings and plans (no TTY needed; colour only when wanted).
import type { Finding } from '../model/findings.js';
import type { DeploymentPlan } from '../model/plan.js';
import { formatBytes } from '../model/units.js';
import type { AnswerKey, Question } from '../model/questions.js';
import type { Ranking } from '../model/ranking.js';
import type { Style } from './style.js';

export function formatFinding(f: Finding, style: Style, { verbose = false } = {}): string[] {
  if (f.severity === 'info' && !verbose) return [];
  const icon =
    f.skipped ? style.dim('↷') : f.severity === 'block' ? style.bad(style.icon.block) : f.severity === 'warn' ? style.warn(style.icon.warn) : style.dim(style.icon.info);
  const lines = [`  ${icon} ${f.id.padEnd(16)} ${f.message}${f.skipped ? style.dim(' (skipped on request)') : ''}`];
  if (f.hint && f.severity !== 'info') lines.push(`    ${''.padEnd(16)} ${style.dim(`→ ${f.hint}`)}`);
  return lines;
}

export function formatRanking(ranking: Ranking, style: Style): string[] {
  const lines = [style.bold('Profiles for this machine')];
  for (const r of ranking.profiles) {
    const mark = r.recommended ? style.ok(`${style.icon.ok} recommended`) : r.fits ? style.ok(`${style.icon.ok} fits`) : style.bad(`${style.icon.block} does not fit`);
    lines.push(`  ${r.profile.id.padEnd(10)} ${mark} — ${r.profile.for}`);
    if (r.fits) lines.push(`  ${''.padEnd(10)} ${style.dim(r.forecast.text)}`);
    for (const b of r.blockers) lines.push(`  ${''.padEnd(10)} ${style.bad(style.icon.block)} ${b.message}`);
    for (const w of r.findings.filter((f) => f.severity === 'warn')) lines.push(`  ${''.padEnd(10)} ${style.warn(style.icon.warn)} ${w.message}`);
  }
  return lines;
}

export function formatFindings(findings: readonly Finding[], style: Style, options: { verbose?: boolean } = {}): string[] {
  const order = { block: 0, warn: 1, info: 2 } as const;
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
  const lines = sorted.flatMap((f) => formatFinding(f, style, options));
  return lines.length > 0 ? lines : [`  ${style.ok(style.icon.ok)} nothing to report`];
}

/** The questions still without an answer, with their titles and help (from the question definitions passed in). */
export function formatMissing(missing: readonly AnswerKey[], questions: readonly Pick<Question, 'key' | 'title' | 'example' | 'help'>[], style: Style): string[] {
  return missing.flatMap((key) => {
    const q = questions.find((x) => x.key === key);
    return [`  ${style.warn('?')} ${key}: ${q?.title ?? ''}${q?.example ? ` (e.g. ${q.example})` : ''}`, `    ${style.dim(q?.help ?? '')}`];
  });
}

/** adminPassword: what an earlier install's saved answers say about a null admin password (typed / generated then). */
export function formatPlan(plan: DeploymentPlan, style: Style, options: { adminPassword?: 'typed' | 'generated' | null } = {}): string[] {
  const n = plan.network;
  const s = plan.storage;
  const lines = [
    style.bold(`Plan: ${plan.profile.title} cloud (OpenStack ${plan.release.openstack}, kolla-ansible ${plan.release.kollaAnsible})`),
    `  APIs        ${n.tls ? 'https' : 'http'}://${n.vip}${n.haproxy ? ` (VIP on ${plan.host.managementInterface})` : ` (the IP of ${plan.host.managementInterface}, no load balancer)`}`,
    `  Dashboard   ${n.tls ? 'https' : 'http'}://${n.vip}/   user admin, password ${plan.adminPassword === 'given' ? 'as given' : options.adminPassword ? `${options.adminPassword} at install, kept 0600 in passwords.yml` : 'generated and saved 0600'}`,
    `  Floating    ${n.floating.start}–${n.floating.end} in ${n.floating.cidr}, gateway ${n.floating.gateway}, ${n.access === 'local' ? `local to this machine (bridge ${n.localBridge?.bridge})` : `on the LAN via ${n.externalInterface}`}`,
    `  Compute     nova on ${plan.compute.virtType}${plan.compute.virtType === 'qemu' ? ' (software emulation: slow)' : ''}; about ${plan.compute.vcpusForInstances ?? '?'} vCPU and ${formatBytes(plan.compute.memoryForInstancesBytes)} RAM for instances`,
    `  Volumes     ${s.backend === 'none' ? 'none' : `${s.backend}${s.volumeGroup ? `, volume group ${s.volumeGroup}` : ''}${s.disks.length ? ` on ${s.disks.map((d) => d.path).join(', ')}` : ''}${s.file ? ` in ${s.file.path}` : ''}, ${formatBytes(s.capacityBytes)}`}`,
    `  Services    ${plan.services.filter((x) => !['mariadb', 'rabbitmq', 'memcached', 'fluentd', 'kolla-toolbox', 'cron', 'openvswitch', 'ovn', 'haproxy'].includes(x)).join(', ')}`,
    `  Images      from ${plan.images.offlineBundle ?? plan.images.registry}; ${plan.workers.service} API worker(s) per service`,
    '',
    style.bold('What would change on this machine'),
    ...plan.changes.map((c) => `  ${c.destructive ? style.bad('!') : '•'} ${c.area.padEnd(9)} ${c.destructive ? style.bad(c.what) : c.what}`),
    '',
    style.bold('Phases'),
  ];
  let total = 0;
  for (const p of plan.phases) {
    total += p.estimateMinutes;
    lines.push(`  ${p.title.padEnd(18)} ~${String(p.estimateMinutes).padStart(3)} min  ${style.dim(`${p.tasks ?? '?'} tasks · ${p.what}`)}`);
  }
  lines.push(`  ${'In all'.padEnd(18)} ~${String(total).padStart(3)} min  ${style.dim('(SSD, fast uplink; the pull depends on bandwidth)')}`);
  return lines;
}
