// Rank the profiles for this machine: which fit, which don't and why, the recommendation and a capacity forecast.
import type { HostFacts } from '../model/facts.js';
import { blocking, type Finding } from '../model/findings.js';
import type { Profile, StorageBackend } from '../model/profile.js';
import { formatBytes, GiB } from '../model/units.js';
import { runHostChecks } from '../preflight/host-checks.js';
import { storageFinding, uplinkFinding, type ImageSource } from '../preflight/plan-checks.js';
import { HOST_RESERVED_BYTES } from '../plan/build.js';
import { spareDisks } from '../plan/disks.js';

export interface ProfileRank {
  profile: { id: string; title: string; summary: string; for: string };
  fits: boolean;
  recommended: boolean;
  findings: Finding[];
  /** The block findings that keep it out (empty when it fits). */
  blockers: Finding[];
  forecast: {
    storage: string;
    vcpus: number | null;
    memoryBytes: number | null;
    text: string;
  };
}

export interface Ranking {
  profiles: ProfileRank[];
  recommended: string | null;
}

/** Mark findings whose id the user asked to skip; they stay visible but no longer block. */
export function applySkips(findings: Finding[], skip: readonly string[]): Finding[] {
  return findings.map((f) => (f.severity === 'block' && skip.includes(f.id) ? { ...f, skipped: true } : f));
}

function defaultBackend(facts: HostFacts, profile: Profile): StorageBackend | undefined {
  const spare = facts.disks.filter((d) => d.usable).length;
  return profile.storage.backends.find((b) => {
    if (b === 'ceph') return spare >= profile.storage.ceph_min_disks;
    if (b === 'lvm') return spare >= 1;
    if (b === 'lvm-file') return (facts.os.imagesFreeBytes ?? 0) >= (profile.storage.file_size_gib + profile.requirements.disk_free_gib.block) * GiB;
    return true;
  });
}

export function rankProfiles(facts: HostFacts, profiles: readonly Profile[], options: { skip?: readonly string[]; images?: ImageSource } = {}): Ranking {
  const skip = options.skip ?? [];
  const images = options.images ?? { registry: null, offlineBundle: null };
  const ranks = profiles.map((profile): ProfileRank => {
    const backend = defaultBackend(facts, profile);
    const findings = applySkips([...runHostChecks(facts, profile), storageFinding(facts, profile, backend), uplinkFinding(facts, images)], skip);
    const blockers = blocking(findings);
    const services = profile.services.filter((s) => (s === 'cinder' ? backend !== 'none' : s === 'ceph' ? backend === 'ceph' : true));
    const budget = services.reduce((sum, s) => sum + (profile.memory_budget_mib[s] ?? 0), 0) * 1024 ** 2;
    const memoryBytes = facts.memory.totalBytes === null ? null : Math.max(0, facts.memory.totalBytes - budget - HOST_RESERVED_BYTES);
    const vcpus = facts.cpu.threads === null ? null : Math.max(0, facts.cpu.threads - profile.reserved_threads);
    const spare = spareDisks(facts.disks);
    const storage =
      backend === 'ceph'
        ? `Ceph on ${spare.map((d) => d.path).join(', ')}, ${formatBytes(spare.reduce((s, d) => s + (d.sizeBytes ?? 0), 0))}`
        : backend === 'lvm'
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
