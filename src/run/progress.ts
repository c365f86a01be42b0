// Honest progress (RUN-ENGINE §5.3), folded from the installer's own events so a recorded events.ndjson replays
// exactly. Weights are seconds, not tasks: this host's history, else the calibration table. Inside a kolla phase
// each play weighs its calibrated seconds, a play that ran no task (a disabled service) drops its weight, and a
// play's share grows with its tasks but stops at 95 % until it ends. The percentage never goes back and stays
// below 100 until the run ends. The ETA is a range: what is left, scaled by the speed observed on finished plays
// and phases (shrunk towards the table while there are few), none in the first minute. A task that takes long or
// retries turns into "waiting" instead of a frozen number.
import type { InstallerEvent } from '../model/events.js';

/** A play's expected seconds and task starts (from the calibration table or this host's history). */
export interface PlayWeight {
  name: string;
  seconds: number;
  tasks: number;
}

export interface PhaseWeight {
  id: string;
  /** Calibrated seconds: this host's earlier runs, else the table, else the plan's estimate. */
  seconds: number;
  /** Expected task starts, when known. */
  tasks: number | null;
  /** The plays expected in this phase, in order (kolla's site.yml phases); empty when unknown. */
  plays?: readonly PlayWeight[];
  /** Other plays the table knows for this phase: one that runs unexpectedly adds its weight. */
  knownPlays?: readonly PlayWeight[];
}

export interface Waiting {
  task: string;
  seconds: number;
  retry: { attempt: number; retries: number } | null;
  usualSeconds: number | null;
}

export interface ProgressSnapshot {
  percent: number;
  eta: { low: number; high: number } | null;
  waiting: Waiting | null;
}

/** A play this run finished: what the run folder and state.json keep as this host's history. */
export interface PlayTiming {
  phase: string;
  play: string;
  seconds: number;
  tasks: number;
}

/** The calibrated seconds: the median of this host's earlier runs, else the estimate. */
export function calibratedSeconds(history: readonly number[] | undefined, estimateSeconds: number): number {
  if (!history || history.length === 0) return estimateSeconds;
  const sorted = [...history].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Finished plays (or phases without plays) the speed factor needs before it is trusted half-way. */
const PRIOR_OBSERVATIONS = 2;
/** No ETA before this much of the run has passed. */
const QUIET_MS = 60_000;
/** A task is "waiting" after this long, or after 3× its calibrated time when that is longer. */
const WAITING_AFTER_S = 20;

function factor(actual: number, calibrated: number, observations: number): number {
  if (observations === 0 || calibrated <= 0 || actual <= 0) return 1;
  const trust = observations / (observations + PRIOR_OBSERVATIONS);
  return Math.exp(trust * Math.log(actual / calibrated));
}

interface PlayRun {
  name: string;
  weight: PlayWeight | null;
  startedMs: number;
  tasks: number;
}

interface PhaseRun {
  weight: PhaseWeight;
  startedMs: number;
  tasks: number;
  /** Seconds of the table's plays for this phase, less the plays that did not run. */
  playsPlanned: number;
  playsDone: number;
  /** The next table play a play_started may match (plays run in order). */
  nextPlay: number;
  play: PlayRun | null;
  observedPlays: number;
}

interface TaskRun {
  name: string;
  startedMs: number;
  retry: { attempt: number; retries: number; delaySeconds: number } | null;
  /** Calibrated seconds of one task of the current play, when known. */
  usual: number | null;
}

export class ProgressTracker {
  private readonly total: number;
  private doneWeight = 0;
  private phase: PhaseRun | null = null;
  private task: TaskRun | null = null;
  private lastPercent = 0;
  private finished = false;
  private readonly startedMs: number;
  /** Speed: actual and calibrated seconds of finished plays and phases, and how many. */
  private observedActual = 0;
  private observedCalibrated = 0;
  private observations = 0;
  readonly plays: PlayTiming[] = [];

  constructor(
    private readonly phases: readonly PhaseWeight[],
    nowMs: number,
  ) {
    this.total = Math.max(1, phases.reduce((sum, p) => sum + p.seconds, 0));
    this.startedMs = nowMs;
  }

  /** Fold one installer event (the engine's own progress events are ignored). */
  observe(event: InstallerEvent): void {
    const at = Date.parse(event.at);
    switch (event.type) {
      case 'phase_started':
        return this.startPhase(event.phase, at);
      case 'play_started':
        return this.startPlay(event.play, at);
      case 'task_started':
        return this.startTask(event.task, at);
      case 'task_retry':
        // The retry belongs to the task running now (the callback names both the same way).
        if (this.task) this.task = { ...this.task, name: event.task, retry: { attempt: event.attempt, retries: event.retries, delaySeconds: event.delaySeconds } };
        return;
      case 'task_result':
        if (this.task && this.task.name === event.task) this.task = null;
        return;
      case 'phase_finished':
        return this.finishPhase(at, event.status === 'done');
      case 'run_finished':
        this.finished = event.status === 'succeeded';
        return;
      default:
        return;
    }
  }

  private startPhase(id: string, at: number): void {
    const weight = this.phases.find((p) => p.id === id);
    this.task = null;
    this.phase = weight ? { weight, startedMs: at, tasks: 0, playsPlanned: (weight.plays ?? []).reduce((s, p) => s + p.seconds, 0), playsDone: 0, nextPlay: 0, play: null, observedPlays: 0 } : null;
  }

  private startPlay(name: string, at: number): void {
    const phase = this.phase;
    if (!phase) return;
    this.closePlay(at);
    const plays = phase.weight.plays ?? [];
    const found = plays.findIndex((p, i) => i >= phase.nextPlay && p.name === name);
    let weight: PlayWeight | null = null;
    if (found >= 0) {
      // Table plays passed over did not run here: their weight goes.
      for (let i = phase.nextPlay; i < found; i += 1) phase.playsPlanned -= plays[i]!.seconds;
      weight = plays[found]!;
      phase.nextPlay = found + 1;
    } else {
      weight = phase.weight.knownPlays?.find((p) => p.name === name) ?? null;
      if (weight) phase.playsPlanned += weight.seconds;
    }
    phase.play = { name, weight, startedMs: at, tasks: 0 };
  }

  private startTask(name: string, at: number): void {
    const phase = this.phase;
    if (!phase) return;
    phase.tasks += 1;
    if (phase.play) phase.play.tasks += 1;
    const w = phase.play?.weight;
    this.task = { name, startedMs: at, retry: null, usual: w && w.tasks > 0 ? (w.seconds / w.tasks) * this.scale(phase) : null };
  }

  /** Table seconds to this phase's calibrated seconds (this host's history may differ from the table's sum). */
  private scale(phase: PhaseRun): number {
    const sum = (phase.weight.plays ?? []).reduce((s, p) => s + p.seconds, 0);
    return sum > 0 ? phase.weight.seconds / sum : 1;
  }

  private closePlay(at: number): void {
    const phase = this.phase;
    const play = phase?.play;
    if (!phase || !play) return;
    phase.play = null;
    if (play.tasks === 0) {
      // A play that matched no hosts: a service this plan does not enable.
      if (play.weight) phase.playsPlanned -= play.weight.seconds;
      return;
    }
    const seconds = Math.max(0, (at - play.startedMs) / 1000);
    this.plays.push({ phase: phase.weight.id, play: play.name, seconds, tasks: play.tasks });
    if (!play.weight) return;
    phase.playsDone += play.weight.seconds;
    this.recordSpeed(seconds, play.weight.seconds * this.scale(phase));
    phase.observedPlays += 1;
  }

  private recordSpeed(actual: number, calibrated: number): void {
    if (calibrated <= 0) return;
    this.observedActual += actual;
    this.observedCalibrated += calibrated;
    this.observations += 1;
  }

  private finishPhase(at: number, done: boolean): void {
    const phase = this.phase;
    if (!phase) return;
    // The last play of a phase that stopped or failed did not finish: it is not a timing.
    if (done) this.closePlay(at);
    if (done && phase.observedPlays === 0) this.recordSpeed((at - phase.startedMs) / 1000, phase.weight.seconds);
    this.doneWeight += phase.weight.seconds;
    this.phase = null;
    this.task = null;
  }

  /** How far the current phase is, 0–0.95: by plays when the table knows them, else by tasks, else by the clock. */
  private currentFraction(nowMs: number): number {
    const phase = this.phase;
    if (!phase) return 0;
    const w = phase.weight;
    if (w.plays && w.plays.length > 0 && phase.playsPlanned > 0) {
      const play = phase.play;
      const inPlay = play?.weight && play.weight.tasks > 0 ? play.weight.seconds * Math.min(0.95, play.tasks / play.weight.tasks) : 0;
      return Math.min(0.95, (phase.playsDone + inPlay) / phase.playsPlanned);
    }
    if (w.tasks) return Math.min(0.95, phase.tasks / w.tasks);
    return Math.min(0.95, (nowMs - phase.startedMs) / 1000 / Math.max(1, w.seconds));
  }

  /**
   * actual ÷ calibrated seconds, shrunk (geometrically: it is a ratio) towards 1 while there are few observations.
   * A play (or a phase without plays) that has already run longer than expected counts as one more observation:
   * the ETA then grows with it instead of freezing.
   */
  speedFactor(nowMs?: number): number {
    let actual = this.observedActual;
    let calibrated = this.observedCalibrated;
    let n = this.observations;
    const base = factor(actual, calibrated, n);
    const running = nowMs === undefined ? null : this.runningUnit(nowMs);
    if (running && running.calibrated > 0 && running.actual > running.calibrated * base) {
      actual += running.actual;
      calibrated += running.calibrated;
      n += 1;
    }
    return factor(actual, calibrated, n);
  }

  /** The play running now (when the table knows it), else the phase when none of its plays was timed. */
  private runningUnit(nowMs: number): { actual: number; calibrated: number } | null {
    const phase = this.phase;
    if (!phase) return null;
    if (phase.play?.weight) return { actual: (nowMs - phase.play.startedMs) / 1000, calibrated: phase.play.weight.seconds * this.scale(phase) };
    if (phase.observedPlays === 0) return { actual: (nowMs - phase.startedMs) / 1000, calibrated: phase.weight.seconds };
    return null;
  }

  snapshot(nowMs: number): ProgressSnapshot {
    const calibratedDone = this.doneWeight + (this.phase ? this.phase.weight.seconds * this.currentFraction(nowMs) : 0);
    const complete = this.finished || (this.phase === null && this.doneWeight >= this.total);
    const raw = complete ? 100 : Math.min(99, (calibratedDone / this.total) * 100);
    this.lastPercent = Math.max(this.lastPercent, Math.floor(raw));
    const waiting = this.waiting(nowMs);
    if (complete || nowMs - this.startedMs < QUIET_MS) return { percent: this.lastPercent, eta: null, waiting };
    const k = this.speedFactor(nowMs);
    const remaining = Math.max(0, this.total - calibratedDone) * k;
    // The range narrows as finished plays show how fast this host is.
    const spread = 1.2 + 1 / (this.observations + 1);
    return { percent: this.lastPercent, eta: { low: Math.round(remaining / spread), high: Math.round(remaining * spread) }, waiting };
  }

  private waiting(nowMs: number): Waiting | null {
    const t = this.task;
    if (!t) return null;
    const seconds = Math.max(0, (nowMs - t.startedMs) / 1000);
    const usual = t.usual === null ? null : t.usual * this.speedFactor(nowMs);
    if (t.retry === null && seconds < Math.max(WAITING_AFTER_S, 3 * (usual ?? 0))) return null;
    // A retry loop's bound is its retries × delay; a plain task's, its calibrated time on this host.
    const usualSeconds = t.retry !== null ? t.retry.retries * Math.max(1, t.retry.delaySeconds) : usual === null ? null : Math.round(usual);
    return { task: t.name, seconds: Math.round(seconds), retry: t.retry === null ? null : { attempt: t.retry.attempt, retries: t.retry.retries }, usualSeconds };
  }
}
