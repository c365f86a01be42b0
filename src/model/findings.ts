// A preflight finding: one check's verdict with the numbers and what to do about it.
export type Severity = 'block' | 'warn' | 'info';

export interface Finding {
  /** Stable id, usable with --skip-check (e.g. "memory", "kvm", "ports"). */
  id: string;
  severity: Severity;
  /** One sentence with the measured and the required value. */
  message: string;
  /** What to do about it; null when nothing needs doing. */
  hint: string | null;
  /** Set when a block finding was skipped on request (--skip-check / skip_checks). */
  skipped?: boolean;
}

export function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'block' && !f.skipped);
}
