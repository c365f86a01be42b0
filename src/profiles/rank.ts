// Rank the profiles for this machine: which fit, which don't and why, the recommendation and a capacity forecast.
import type { HostFacts } from '../model/facts.js';
import { blocking, type Finding } from '../model/findings.js';
import type { Profile } from '../model/profile.js';
import type { ProfileRank, Ranking } from '../model/ranking.js';
import { formatBytes } from '../model/units.js';
import { runHostChecks } from '../preflight/host-checks.js';
import { storageFinding, uplinkFinding, type ImageSource } from '../preflight/plan-checks.js';
import { defaultBackend, instanceCapacity, servicesFor } from '../plan/build.js';
import { spareDisks } from '../plan/disks.js';

export type { ProfileRank, Ranking } from '../model/ranking.js';

/** Mark findings whose id the user asked to skip; they stay visible but no longer block. */
export function applySkips(findings: Finding[], skip: readonly string[]): Finding[] {
  return findings.map((f) => (f.severity === 'block' && skip.includes(f.id) ? { ...f, skipped: true } : f));
}

export function rankProfiles(facts: HostFacts, profiles: readonly Profile[], options: { skip?: readonly string[]; images?: ImageSource } = {}): Ranking {
  const skip = options.skip ?? [];
  const images = options.images ?? { registry: null, offlineBundle: null };
  const ranks = profiles.map((profile): ProfileRank => {
    const backend = defaultBackend(facts, profile);
    const findings = applySkips([...runHostChecks(facts, profile), storageFinding(facts, profile, backend), uplinkFinding(facts, images)], skip);
    const blockers = blocking(findings);
    const { vcpus, memoryBytes } = instanceCapacity(facts, profile, servicesFor(profile, backend));
    const spare = spareDisks(facts.disks);
    const storage =
      backend === 'lvm'
        ? `cinder LVM on ${spare[0]!.path}, ${formatBytes(spare[0]!.sizeBytes)}`
        : backend === 'lvm-file'
          ? `cinder LVM in a ${profile.storage.file_size_gib} GiB loop file`
          : backend === 'none'
            ? 'no volumes'
            : 'no room for volumes';
    const left = `about ${vcpus ?? '?'} vCPU and ${memoryBytes === null ? '?' : formatBytes(memoryBytes)} RAM left for instances`;
    return {
      profile: { id: profile.id, title: profile.title, summary: profile.summary, for: profile.for },
      fits: blockers.length === 0,
      recommended: false,
      findings,
      blockers,
      forecast: { storage, vcpus, memoryBytes, text: `${profile.id}: ${storage}; ${left}` },
    };
  });
  // The most capable profile that fits is the recommendation.
  const best = [...ranks].reverse().find((r) => r.fits) ?? null;
  if (best) best.recommended = true;
  // Fitting profiles first, most capable first; then the rest, the nearest to fitting (smallest) first.
  const fitting = ranks.filter((r) => r.fits).reverse();
  const rest = ranks.filter((r) => !r.fits);
  const ordered = [...fitting, ...rest];
  return { profiles: ordered, recommended: best?.profile.id ?? null };
}
