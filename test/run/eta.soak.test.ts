// The ETA against the clock: `ciab install` runs kolla's deploy through the stand-in with a known time per task
// (STANDIN_TASK_MS), and the ETA the engine sent at half-time must hold the real remaining time, its middle
// within ±30 %. The stand-in runs 4–20× faster than the calibration table expects, so this is the observed speed
// factor at work, not the table. Also: the run records each play's seconds (run folder and state.json).
// A measurement, not a check of one case: soak (`npm run soak -- test/run/eta.soak.test.ts`, ~3–4 minutes), not
// `npm test`, and its result is recorded in docs/PERFORMANCE.md. `npm test` checks the same logic without a
// clock: test/run/progress.test.ts replays recorded streams (never back, the range narrows), and install.test.ts
// checks that a real run writes each play's seconds (timings.json, playHistory).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import type { EventOf, InstallerEvent } from '../../src/model/events.js';
import { install, makeRig } from './helpers.js';

test('at half-time the ETA range holds the real remaining time, its middle within ±30 %; plays are timed', async () => {
  const rig = await makeRig();
  // ~300 task headers (¾ of them sleep 550 ms; skipped ones do not): about 3 minutes, over the ETA's quiet first minute.
  const result = await install(rig, ['--from', 'kolla-deploy', '--until', 'kolla-deploy'], { STANDIN_SCALE: '0.3', STANDIN_TASK_MS: '550' });
  expect(result.code, result.stderr).toBe(0);
  const runs = path.join(rig.stateDir, 'runs');
  const run = readdirSync(runs).filter((n) => /^\d{8}-/.test(n)).sort().at(-1)!;
  const events = readFileSync(path.join(runs, run, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as InstallerEvent);
  const time = (e: InstallerEvent) => Date.parse(e.at);
  const started = time(events.find((e) => e.type === 'phase_started')!);
  const ended = time(events.find((e) => e.type === 'run_finished')!);
  const half = started + (ended - started) / 2;
  expect(half - started, 'the run must last over two minutes for an ETA at half-time').toBeGreaterThan(60_000);

  const progress = events.filter((e): e is EventOf<'progress'> => e.type === 'progress');
  const percents = progress.map((p) => p.percent);
  expect(percents).toEqual([...percents].sort((a, b) => a - b));
  const atHalf = progress.filter((p) => p.eta !== null).reduce((best, p) => (Math.abs(time(p) - half) < Math.abs(time(best) - half) ? p : best));
  expect(Math.abs(time(atHalf) - half)).toBeLessThan(5_000);
  const real = (ended - time(atHalf)) / 1000;
  const { low, high } = atHalf.eta!;
  const middle = Math.sqrt(low * high);
  const report = `real ${real.toFixed(0)} s, ETA ${low}–${high} s (middle ${middle.toFixed(0)} s), ${atHalf.percent} % at half-time`;
  console.log(report);
  expect(low, report).toBeLessThanOrEqual(real);
  expect(high, report).toBeGreaterThanOrEqual(real);
  expect(Math.abs(middle - real) / real, report).toBeLessThanOrEqual(0.3);
  expect(atHalf.percent, report).toBeGreaterThan(30);
  expect(atHalf.percent, report).toBeLessThan(70);

  // This host's history: every play that ran tasks, with its seconds, in the run folder and in state.json.
  const timings = JSON.parse(readFileSync(path.join(runs, run, 'timings.json'), 'utf8')) as { phases: Record<string, { status: string; plays: Array<{ play: string; seconds: number; tasks: number }> }> };
  const plays = timings.phases['kolla-deploy']!.plays;
  const played = new Set(events.filter((e): e is EventOf<'task_started'> => e.type === 'task_started').map((e) => e.play));
  expect(plays.map((p) => p.play)).toEqual([...played]);
  expect(plays.find((p) => p.play === 'Apply role nova-cell')!.seconds).toBeGreaterThan(1);
  const state = JSON.parse(readFileSync(path.join(rig.stateDir, 'state', 'state.json'), 'utf8')) as { playHistory: Record<string, Record<string, number[]>> };
  expect(Object.keys(state.playHistory['kolla-deploy']!)).toEqual([...played]);
}, 600_000);
