// Soak, not part of `npm test` (`npm run soak`): KILL_TRIALS (20) randomized trials: SIGINT, SIGTERM or SIGKILL
// to `ciab install` at a random moment, then `ciab install` again. Each trial must finish without manual cleanup,
// and no phase recorded done may run a second time. test/run/kill.test.ts covers each kill point and signal
// deterministically in `npm test` (four trials); the other event-pointed combinations run here first, then the
// random ones find the moments nobody thought of. A failing random trial replays with KILL_SEED.
import { beforeAll, describe, test } from 'vitest';
import { cloneRig, exited, expectCleanResume, KILL_ARGS, KILL_TRIALS, KILL_TRIALS_COVERING, killAndResume, makeRig, recordedDone, rigEnv, spawnInstall, type Rig } from './helpers.js';

const TRIALS = Number(process.env.KILL_TRIALS ?? 20);
const SEED = Number(process.env.KILL_SEED ?? Date.now() % 100_000);

let base: Rig;
beforeAll(async () => {
  base = await makeRig();
}, 120_000);

const covered = new Set(KILL_TRIALS_COVERING.map(([signal, point]) => `${signal} ${point}`));
describe('the event-pointed kill trials npm test leaves out', () => {
  test.each(KILL_TRIALS.filter(([signal, point]) => !covered.has(`${signal} ${point}`)))('%s %s', async (signal, point) => {
    await killAndResume(base, signal, point);
  }, 240_000);
});

/** mulberry32: a small seeded generator, so a failing trial can be replayed with KILL_SEED. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test(`${TRIALS} kills at random moments, each followed by ciab install, finish cleanly (seed ${SEED})`, async () => {
  const next = random(SEED);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];
  const log: string[] = [];
  const started = Date.now();
  for (let trial = 0; trial < TRIALS; trial += 1) {
    const rig = cloneRig(base);
    const env = { MINI_TASKS: '3' };
    rig.env = rigEnv(rig.dir, {}, 'mini'); // 2 short phases: 20 trials fit in minutes
    // Each signal as often as the others; the moment is random, from before the first phase to the last task.
    const signal = signals[trial % 3]!;
    const delayMs = 300 + Math.floor(next() * 16_000);
    const child = spawnInstall(rig, KILL_ARGS, env);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = exited(child);
    // A soak picks random moments on purpose; the deterministic points are in kill.test.ts.
    const early = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), delayMs))]);
    if (!early) child.kill(signal);
    const code = await done;
    const what = `trial ${trial}: ${signal} after ${delayMs} ms${early ? ' (had ended)' : ''}`;
    const first = { code, killed: !early, stderr, recordedDone: recordedDone(rig) };
    log.push(`${what} → exit ${code}; done: ${first.recordedDone.join(',') || '-'}`);
    await expectCleanResume(rig, first, what, env);
  }
  log.push(`${TRIALS} trials in ${((Date.now() - started) / 1000).toFixed(0)} s (seed ${SEED})`);
  console.log(log.join('\n'));
}, 1_500_000);
