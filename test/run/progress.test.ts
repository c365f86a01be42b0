// The progress reducer (src/run/progress.ts) fed recorded event streams, as the engine feeds it live: the
// percentage never goes back and reaches 100 only at a successful end, the ETA is a range after the first minute
// and narrows as plays finish, retries and long tasks turn into "waiting", a failure or a stop leaves the
// unfinished play out of the timings. Also the calibration table: it loads, and a broken one names file and key.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseEventLines, type EventOf, type InstallerEvent } from '../../src/model/events.js';
import { parseCalibration, phaseCalibration, phaseWeight, readCalibration, type Calibration } from '../../src/run/calibration.js';
import { ProgressTracker, type ProgressSnapshot } from '../../src/run/progress.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const EVENTS = path.join(ROOT, 'test', 'fixtures', 'events');
const calibration = readCalibration(ROOT)!;
// The workshop profile's services (the generated streams are a workshop install).
const WORKSHOP = ['mariadb', 'rabbitmq', 'memcached', 'fluentd', 'kolla-toolbox', 'cron', 'openvswitch', 'ovn', 'keystone', 'glance', 'placement', 'nova', 'nova-compute', 'neutron', 'horizon', 'cinder'];

function read(file: string): InstallerEvent[] {
  return parseEventLines(readFileSync(path.join(EVENTS, file), 'utf8'), { source: file }).events;
}

interface Step extends ProgressSnapshot {
  at: number;
  event: InstallerEvent;
}

/** Replays a stream through a tracker built as the engine builds it (the phases that were not skipped). */
function replay(events: readonly InstallerEvent[], cal: Calibration | null = calibration): { steps: Step[]; tracker: ProgressTracker } {
  const started = events.find((e): e is EventOf<'run_started'> => e.type === 'run_started')!;
  const skipped = new Set(events.filter((e) => e.type === 'phase_skipped').map((e) => (e as EventOf<'phase_skipped'>).phase));
  const weights = started.phases
    .filter((p) => !skipped.has(p.id))
    .map((p) => phaseWeight(p.id, { calibration: cal, services: WORKSHOP, estimateSeconds: p.estimateSeconds, estimateTasks: null }));
  const tracker = new ProgressTracker(weights, Date.parse(started.at));
  const steps: Step[] = [];
  for (const event of events) {
    if (event.type === 'progress' || event.type === 'run_started') continue;
    tracker.observe(event);
    const at = Date.parse(event.at);
    steps.push({ at, event, ...tracker.snapshot(at) });
  }
  return { steps, tracker };
}

function expectNeverBack(steps: readonly Step[]): void {
  const percents = steps.map((s) => s.percent);
  expect(percents).toEqual([...percents].sort((a, b) => a - b));
}

describe('the progress reducer on recorded streams', () => {
  test('a successful install: never back, 100 only once every phase is done, an ETA range after the first minute that narrows', () => {
    const events = read('install-succeeded.ndjson');
    const { steps, tracker } = replay(events);
    expectNeverBack(steps);
    expect(steps.at(-1)!.percent).toBe(100);
    const lastPhaseDone = steps.map((s) => s.event.type).lastIndexOf('phase_finished');
    expect(steps.slice(0, lastPhaseDone).every((s) => s.percent <= 99)).toBe(true);
    const start = steps[0]!.at;
    expect(steps.filter((s) => s.at - start < 60_000).every((s) => s.eta === null)).toBe(true);
    const withEta = steps.filter((s) => s.eta !== null);
    expect(withEta.length).toBeGreaterThan(100);
    for (const s of withEta) expect(s.eta!.low).toBeLessThanOrEqual(s.eta!.high);
    // The range narrows as finished plays show this host's speed.
    const ratio = (s: Step) => s.eta!.high / Math.max(1, s.eta!.low);
    expect(ratio(withEta.at(-1)!)).toBeLessThan(ratio(withEta[0]!));
    expect(ratio(withEta.at(-1)!)).toBeLessThan(1.6);
    // Every play with tasks is timed, in order, for this host's history.
    const played = events.filter((e): e is EventOf<'task_started'> => e.type === 'task_started').map((e) => `${e.phase} ${e.play}`);
    expect(tracker.plays.map((p) => `${p.phase} ${p.play}`)).toEqual([...new Set(played)]);
    expect(tracker.plays.every((p) => p.seconds >= 0 && p.tasks > 0)).toBe(true);
  });

  test('a retry loop turns the ETA into "waiting" with retry n/N and its bound; a fast task does not', () => {
    const { steps } = replay(read('install-succeeded.ndjson'));
    const retry = steps.find((s) => s.event.type === 'task_retry')!;
    const event = retry.event as EventOf<'task_retry'>;
    expect(retry.waiting).toEqual({ task: event.task, seconds: expect.any(Number), retry: { attempt: event.attempt, retries: event.retries }, usualSeconds: event.retries * event.delaySeconds });
    const quick = steps.find((s) => s.event.type === 'task_started' && s.at - retry.at > 60_000)!;
    expect(quick.waiting).toBeNull();
  });

  test('a failed install stays below 100, and the failing play is not a timing', () => {
    const events = read('install-failed.ndjson');
    const { steps, tracker } = replay(events);
    expectNeverBack(steps);
    expect(steps.at(-1)!.event.type).toBe('run_finished');
    expect(steps.at(-1)!.percent).toBeLessThan(100);
    const failure = (events.find((e) => e.type === 'run_finished') as EventOf<'run_finished'>).failure!;
    expect(tracker.plays.some((p) => p.phase === failure.phase && p.play === failure.play)).toBe(false);
  });

  test('an install stopped by Ctrl-C stays below 100 and never goes back', () => {
    const { steps } = replay(read('install-stopped.ndjson'));
    expectNeverBack(steps);
    expect(steps.at(-1)!.percent).toBeLessThan(100);
  });

  test('the real VM run (qemu TCG): a 36 s Gathering Facts shows as waiting, the overrun grows the ETA instead of freezing it', () => {
    const events = read('vm-trixie/1-sigint/events.ndjson');
    const started = events.find((e) => e.type === 'phase_started')!;
    const weights = (events[0] as EventOf<'run_started'>).phases.map((p) => phaseWeight(p.id, { calibration, services: WORKSHOP, estimateSeconds: p.estimateSeconds, estimateTasks: null }));
    const tracker = new ProgressTracker(weights, Date.parse(events[0]!.at));
    const t0 = Date.parse(started.at);
    tracker.observe(started);
    // 21 minutes building the kolla venv with no event: the phase is past its 8 expected minutes, so the ETA grows.
    const etaAt = (minutes: number) => tracker.snapshot(t0 + minutes * 60_000).eta!;
    expect(etaAt(10).high).toBeGreaterThan(etaAt(5).high);
    expect(etaAt(20).high).toBeGreaterThan(etaAt(10).high);
    const task = events.find((e) => e.type === 'task_started')!;
    for (const e of events.slice(events.indexOf(started) + 1, events.indexOf(task) + 1)) tracker.observe(e);
    const taskAt = Date.parse(task.at);
    expect(tracker.snapshot(taskAt + 10_000).waiting).toBeNull();
    expect(tracker.snapshot(taskAt + 30_000).waiting).toEqual({ task: 'Gathering Facts', seconds: 30, retry: null, usualSeconds: null });
    // Stopped: the phase ends, not done, and its time is not taken as this host's prepare-host time.
    for (const e of events.slice(events.indexOf(task) + 1)) if (e.type !== 'progress') tracker.observe(e);
    expect(tracker.plays).toEqual([]);
    expect(tracker.snapshot(Date.parse(events.at(-1)!.at)).percent).toBeLessThan(100);
  });
});

test('the real VM run through prechecks (qemu TCG): never back, 100 only at the end', () => {
  // prepare-host then kolla's prechecks, for real (session 9). The ETA is not asserted here: under TCG prechecks took
  // ~6x the table's figure while prepare-host (mostly apt, I/O) took ~2x, a ratio no real host has.
  const { steps } = replay(read('vm-trixie/3-install-to-prechecks/events.ndjson'));
  expectNeverBack(steps);
  expect(steps.at(-1)!.percent).toBe(100);
  const lastPhaseDone = steps.map((s) => s.event.type).lastIndexOf('phase_finished');
  expect(steps.slice(0, lastPhaseDone).every((s) => s.percent <= 99)).toBe(true);
  expect(steps.filter((s) => s.event.type === 'task_started').length).toBe(185 + 173);
});

describe('the calibration table', () => {
  test('22.2.0: every figure labelled; a default all-in-one deploy is ~795 task headers; plays follow the plan', () => {
    expect(calibration.kollaAnsible).toBe('22.2.0');
    const deploy = phaseCalibration(calibration, 'kolla-deploy', WORKSHOP)!;
    expect(deploy.tasks).toBeGreaterThan(700);
    expect(deploy.seconds).toBeCloseTo(deploy.plays.reduce((s, p) => s + p.seconds, 0));
    const names = deploy.plays.map((p) => p.name);
    expect(names).toContain('Apply role cinder');
    expect(names).not.toContain('Apply role loadbalancer'); // the workshop runs without HAProxy
    expect(names).not.toContain('Apply role ironic');
    expect(deploy.knownPlays.map((p) => p.name)).toContain('Apply role loadbalancer');
    expect(phaseCalibration(calibration, 'prepare-host', WORKSHOP)).toMatchObject({ seconds: 480, plays: [] });
    expect(calibration.phases['prepare-host']!.measurements![0]!.source).toContain('vm-trixie');
  });

  test("this host's history outweighs the table, per phase and per play", () => {
    const w = phaseWeight('kolla-deploy', { calibration, services: WORKSHOP, playHistory: { 'Apply role mariadb': [30, 10, 20] }, estimateSeconds: 1, estimateTasks: null });
    expect(w.plays!.find((p) => p.name === 'Apply role mariadb')!.seconds).toBe(20);
    expect(phaseWeight('kolla-deploy', { calibration, services: WORKSHOP, history: [100, 300, 200], estimateSeconds: 1, estimateTasks: null }).seconds).toBe(200);
    expect(phaseWeight('verify', { calibration: null, services: WORKSHOP, estimateSeconds: 42, estimateTasks: 3 })).toMatchObject({ seconds: 42, tasks: 3 });
  });

  test('a broken table names the file and the key', () => {
    const file = 'profiles/calibration/22.2.0.json';
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    expect(() => parseCalibration(file, '{')).toThrow(/^profiles\/calibration\/22\.2\.0\.json: not JSON/);
    const wrong = JSON.parse(text) as { sitePlays: Array<{ seconds: { deploy: number } }> };
    wrong.sitePlays[7]!.seconds.deploy = 1;
    expect(() => parseCalibration(file, JSON.stringify(wrong))).toThrow(`${file}: sitePlays.7.seconds.deploy: an estimate must be tasks × secondsPerTask.deploy`);
    const unlabelled = JSON.parse(text) as { sitePlays: Array<Record<string, unknown>> };
    delete unlabelled.sitePlays[0]!.basis;
    expect(() => parseCalibration(file, JSON.stringify(unlabelled))).toThrow(`${file}: sitePlays.0.basis:`);
  });
});
