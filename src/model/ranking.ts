// The ranking of the profiles for a machine (profiles/rank.ts computes it): which fit, why not, the forecast.
import type { Finding } from './findings.js';

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
