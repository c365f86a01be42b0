// The calibration table (profiles/calibration/<kolla version>.json): expected seconds per phase and per play of
// site.yml. The one source of kolla's play weights: the engine's progress reads it here, the stand-in kolla-ansible
// reads the same file. Every figure is labelled measured (with its source) or estimate (task headers × an
// assumed seconds-per-task, which must add up: checked when loaded).
import { z } from 'zod';
import path from 'node:path';
import { readTextOrNull } from '../env/run-files.js';
import { UserError } from '../model/errors.js';
import { KOLLA_ANSIBLE_VERSION } from '../model/release.js';
import { calibratedSeconds, type PhaseWeight, type PlayWeight } from './progress.js';

const Seconds = z.number().nonnegative();
const Count = z.number().int().nonnegative();
const Text = z.string().min(1);
const Basis = z.enum(['measured', 'estimate']);

/** kolla-ansible's actions that run site.yml, and the phase of each. */
export const SITE_ACTIONS = ['prechecks', 'pull', 'deploy'] as const;
export type SiteAction = (typeof SITE_ACTIONS)[number];
export const SITE_PHASES: Readonly<Record<string, SiteAction>> = { 'kolla-prechecks': 'prechecks', 'kolla-pull': 'pull', 'kolla-deploy': 'deploy' };

const PerAction = <T extends z.ZodType>(value: T) => z.strictObject({ prechecks: value, pull: value, deploy: value });

const Measurement = z.strictObject({ seconds: Seconds, basis: z.literal('measured'), source: Text, note: Text.optional() });

const PhaseFigure = z.strictObject({
  /** Null for site.yml phases: their figure is the sum of their enabled plays. */
  seconds: Seconds.nullable(),
  tasks: Count.nullable(),
  basis: Basis,
  source: Text,
  /** Real runs kept for the record that are not (yet) the figure, each saying why. */
  measurements: z.array(Measurement).optional(),
});

const SitePlay = z.strictObject({
  name: Text,
  role: Text.nullable(),
  /** The plan's service that enables this play (null: always runs). */
  service: Text.nullable(),
  /** Enabled in a default all-in-one (what the stand-in plays). */
  aioDefault: z.boolean(),
  tasks: PerAction(Count),
  seconds: PerAction(Seconds),
  basis: Basis,
  source: Text.optional(),
});

export const Calibration = z
  .strictObject({
    kollaAnsible: Text,
    openstack: Text,
    about: Text,
    secondsPerTask: PerAction(z.strictObject({ seconds: Seconds, basis: Basis, source: Text })),
    phases: z.record(z.string(), PhaseFigure),
    sitePlays: z.array(SitePlay).min(1),
  })
  .superRefine((cal, ctx) => {
    cal.sitePlays.forEach((play, i) => {
      if (play.basis === 'measured' && !play.source) ctx.addIssue({ code: 'custom', path: ['sitePlays', i, 'source'], message: 'a measured figure needs its source' });
      if (play.basis !== 'estimate') return;
      for (const action of SITE_ACTIONS) {
        const expected = play.tasks[action] * cal.secondsPerTask[action].seconds;
        if (Math.abs(play.seconds[action] - expected) > 0.051) {
          ctx.addIssue({ code: 'custom', path: ['sitePlays', i, 'seconds', action], message: `an estimate must be tasks × secondsPerTask.${action} = ${expected.toFixed(1)}, not ${play.seconds[action]}` });
        }
      }
    });
    for (const [id, phase] of Object.entries(cal.phases)) {
      if ((phase.seconds === null) !== (id in SITE_PHASES)) {
        ctx.addIssue({ code: 'custom', path: ['phases', id, 'seconds'], message: id in SITE_PHASES ? 'must be null: the sum of its plays' : 'a number is needed' });
      }
    }
  });
export type Calibration = z.infer<typeof Calibration>;

/** The table from its text; a broken one names the file and the key. */
export function parseCalibration(file: string, text: string): Calibration {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${file}: not JSON (${(error as Error).message})`);
  }
  const parsed = Calibration.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return parsed.data;
}

export interface PhaseCalibration {
  seconds: number;
  tasks: number | null;
  /** site.yml's plays this plan enables, in order; empty for the other phases. */
  plays: PlayWeight[];
  /** Every play of the table for this action: a play that runs although the plan did not expect it still weighs. */
  knownPlays: PlayWeight[];
}

/** A phase's expected seconds, task starts and plays for a plan's services; null when the table does not know it. */
export function phaseCalibration(cal: Calibration, phaseId: string, services: readonly string[]): PhaseCalibration | null {
  const action = SITE_PHASES[phaseId];
  if (action) {
    const known = cal.sitePlays.filter((p) => p.tasks[action] > 0);
    const weight = (p: (typeof known)[number]) => ({ name: p.name, seconds: p.seconds[action], tasks: p.tasks[action] });
    const plays = known.filter((p) => p.service === null || services.includes(p.service)).map(weight);
    return { seconds: plays.reduce((sum, p) => sum + p.seconds, 0), tasks: plays.reduce((sum, p) => sum + p.tasks, 0), plays, knownPlays: known.map(weight) };
  }
  const figure = cal.phases[phaseId];
  if (!figure || figure.seconds === null) return null;
  return { seconds: figure.seconds, tasks: figure.tasks, plays: [], knownPlays: [] };
}

/** The table for the pinned kolla-ansible, from the project's profiles/calibration; null when it is not there. */
export function readCalibration(projectRoot: string, version: string = KOLLA_ANSIBLE_VERSION): Calibration | null {
  const file = path.join(projectRoot, 'profiles', 'calibration', `${version}.json`);
  const text = readTextOrNull(file);
  return text === null ? null : parseCalibration(file, text);
}

export interface WeightSources {
  calibration: Calibration | null;
  services: readonly string[];
  /** This host's seconds for the phase, and for each of its plays (state.json). */
  history?: readonly number[];
  playHistory?: Readonly<Record<string, readonly number[]>>;
  /** The plan's figures, for phases the table does not know. */
  estimateSeconds: number;
  estimateTasks: number | null;
}

/** A phase's weight for progress: this host's history first, then the table, then the plan's estimate. */
export function phaseWeight(id: string, w: WeightSources): PhaseWeight {
  const table = w.calibration ? phaseCalibration(w.calibration, id, w.services) : null;
  const own = (p: PlayWeight) => ({ ...p, seconds: calibratedSeconds(w.playHistory?.[p.name], p.seconds) });
  const plays = (table?.plays ?? []).map(own);
  const fromTable = plays.length > 0 ? plays.reduce((sum, p) => sum + p.seconds, 0) : (table?.seconds ?? w.estimateSeconds);
  return { id, seconds: calibratedSeconds(w.history, fromTable), tasks: table?.tasks ?? w.estimateTasks, plays, knownPlays: (table?.knownPlays ?? []).map(own) };
}
