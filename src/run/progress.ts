// Honest progress (RUN-ENGINE §5.3): weights are seconds, not tasks; a phase's share grows with its tasks but
// stops at 95 % until it ends; the percentage never goes back; the ETA is a range, scaled by how fast this run
// goes against the estimate, and there is none in the first minute.

export interface PhaseWeight {
  id: string;
  /** Calibrated seconds: this host's earlier runs, else the plan's estimate. */
  seconds: number;
  /** Expected task starts, when known. */
  tasks: number | null;
}

export interface ProgressSnapshot {
  percent: number;
  eta: { low: number; high: number } | null;
}

/** The calibrated seconds of a phase: the median of this host's earlier runs, else the estimate. */
export function calibratedSeconds(history: readonly number[] | undefined, estimateSeconds: number): number {
  if (!history || history.length === 0) return estimateSeconds;
  const sorted = [...history].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const PRIOR_SECONDS = 300;

export class ProgressTracker {
  private readonly total: number;
  private doneWeight = 0;
  private doneActualMs = 0;
  private current: { weight: PhaseWeight; startedMs: number; tasks: number } | null = null;
  private lastPercent = 0;
  private readonly startedMs: number;

  constructor(
    private readonly phases: readonly PhaseWeight[],
    nowMs: number,
  ) {
    this.total = Math.max(1, phases.reduce((sum, p) => sum + p.seconds, 0));
    this.startedMs = nowMs;
  }

  startPhase(id: string, nowMs: number): void {
    const weight = this.phases.find((p) => p.id === id);
    this.current = weight ? { weight, startedMs: nowMs, tasks: 0 } : null;
  }

  taskStarted(): void {
    if (this.current) this.current.tasks += 1;
  }

  finishPhase(nowMs: number): void {
    if (!this.current) return;
    this.doneWeight += this.current.weight.seconds;
    this.doneActualMs += nowMs - this.current.startedMs;
    this.current = null;
  }

  private currentFraction(nowMs: number): number {
    const c = this.current;
    if (!c) return 0;
    const byTasks = c.weight.tasks ? c.tasks / c.weight.tasks : 0;
    const byTime = (nowMs - c.startedMs) / 1000 / Math.max(1, c.weight.seconds);
    // Tasks when known (more honest than the clock); the clock alone for phases without a count.
    return Math.min(0.95, c.weight.tasks ? byTasks : byTime);
  }

  snapshot(nowMs: number): ProgressSnapshot {
    const fraction = this.currentFraction(nowMs);
    const calibratedDone = this.doneWeight + (this.current ? this.current.weight.seconds * fraction : 0);
    const complete = this.current === null && this.doneWeight >= this.total;
    const raw = complete ? 100 : Math.min(99, (calibratedDone / this.total) * 100);
    this.lastPercent = Math.max(this.lastPercent, Math.floor(raw));
    const elapsedS = (nowMs - this.startedMs) / 1000;
    if (complete || elapsedS < 60) return { percent: this.lastPercent, eta: null };
    const actualDone = (this.doneActualMs + (this.current ? nowMs - this.current.startedMs : 0)) / 1000;
    // The speed factor, shrunk towards 1 while little is done.
    const k = (actualDone + PRIOR_SECONDS) / (calibratedDone + PRIOR_SECONDS);
    const remaining = Math.max(0, this.total - calibratedDone) * k;
    return { percent: this.lastPercent, eta: { low: Math.round(remaining * 0.8), high: Math.round(remaining * 1.4) } };
  }
}
