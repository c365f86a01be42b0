// The text of the scrolling parts of the screens, as lines (colour through Style, icons always). Pure.
import type { Session } from '../../model/session.js';
import type { HostFacts } from '../../model/facts.js';
import type { Finding } from '../../model/findings.js';
import { formatBytes, plural } from '../../model/units.js';
import type { ProfileRank } from '../../model/ranking.js';
import { formatFactsSummary } from '../facts-summary.js';
import { formatFinding, formatFindings } from '../report.js';
import type { Style } from '../style.js';

/** One line: what detection found and what fits. */
export function hardwareHeadline(session: Session, style: Style): string {
  const { facts } = session;
  const spare = facts.disks.filter((d) => d.usable).length;
  const nics = facts.nics.filter((n) => n.kind !== 'loopback').length;
  const kvm = facts.cpu.kvm.usable === true ? `${style.ok(style.icon.ok)} KVM` : `${style.warn(style.icon.warn)} no KVM`;
  const fit = session.ranking.recommended ? style.ok(`${style.icon.ok} best fit: ${session.ranking.recommended}`) : style.bad(`${style.icon.block} nothing fits as it is`);
  return `${facts.cpu.threads ?? '?'} threads · ${formatBytes(facts.memory.totalBytes)} RAM · ${kvm} · ${plural(spare, 'spare disk')} · ${plural(nics, 'NIC')} · ${fit}`;
}

/** The `ciab detect` summary, then the checks of the best-fitting profile (or the smallest when none fits: the ranking lists it first). */
export function hardwareLines(session: Session, style: Style): string[] {
  const summary = formatFactsSummary(session.facts, style).split('\n');
  while (summary.length > 0 && (summary.at(-1) === '' || summary.at(-1)!.includes('Detected in'))) summary.pop();
  const rank = session.ranking.profiles.find((r) => r.recommended) ?? session.ranking.profiles[0];
  const lines = [...summary];
  if (rank) {
    lines.push('', style.bold(`Checks for the ${rank.profile.id} profile${rank.recommended ? ' (the best fit)' : ' (the smallest; nothing fits)'}`));
    lines.push(...formatFindings(rank.findings, style, { verbose: true }));
  }
  return lines;
}

export function profileRow(rank: ProfileRank, chosen: string | null, style: Style): string {
  const status = rank.recommended ? `${style.icon.ok} recommended` : rank.fits ? `${style.icon.ok} fits` : `${style.icon.block} does not fit`;
  const mark = rank.profile.id === chosen ? ' (chosen)' : '';
  const text = `${rank.profile.id.padEnd(9)} ${status.padEnd(15)} ${rank.profile.for}${mark}`;
  return rank.fits ? (rank.recommended ? style.ok(text) : text) : style.dim(text);
}

export function profileDetailLines(rank: ProfileRank, style: Style): string[] {
  const lines = [style.bold(`${rank.profile.title}: ${rank.profile.summary}`)];
  if (rank.fits) lines.push(`  Forecast: ${rank.forecast.storage}; about ${rank.forecast.vcpus ?? '?'} vCPU and ${formatBytes(rank.forecast.memoryBytes)} RAM left for instances`);
  else lines.push(style.bad(`  ${style.icon.block} does not fit: ${plural(rank.blockers.length, 'check')} block${rank.blockers.length === 1 ? 's' : ''} it`));
  lines.push(...sortFindings(rank.findings).flatMap((f) => formatFinding(f, style, { verbose: true })));
  return lines;
}

function sortFindings(findings: readonly Finding[]): Finding[] {
  const order = { block: 0, warn: 1, info: 2 } as const;
  return [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
}

export function blockedLines(rank: ProfileRank, style: Style): string[] {
  const ids = [...new Set(rank.blockers.map((b) => b.id))];
  return [
    style.bad(`${style.icon.block} ${rank.profile.id} does not fit this machine. These checks block it:`),
    ...rank.blockers.flatMap((f) => formatFinding(f, style)),
    '',
    `To build it anyway, accept the blocks by id on the command line (the install may still fail where the machine really cannot carry it):`,
    `  ciab install${ids.map((id) => ` --skip-check ${id}`).join('')}`,
    '',
    style.dim('Esc or Enter goes back to the profiles.'),
  ];
}

export function factsNote(facts: HostFacts): string {
  return facts.system.virtual ? `a virtual machine (${facts.system.hypervisor ?? 'unknown hypervisor'})` : 'this machine';
}
