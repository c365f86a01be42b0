// `ciab install` killed at each kind of moment, by each signal, then `ciab install` again: it must finish without
// manual cleanup, and no phase recorded done may run a second time. The moments are events, not delays: the
// signal goes out when the NDJSON stream shows the point, so every trial hits the same point on a busy machine.
// Random moments: the soak, test/run/kill.soak.test.ts (`npm run soak`).
import { beforeAll, describe, expect, test } from 'vitest';
import { cloneRig, exited, expectCleanResume, KILL_ARGS, makeRig, recordedDone, rigEnv, spawnInstall, waitForEvent, type Rig } from './helpers.js';

let base: Rig;
beforeAll(async () => {
  base = await makeRig();
}, 120_000);

/** Where in `--from kolla-deploy` (two phases of 3 mini-kolla tasks) the signal goes out. */
type Event = Record<string, unknown>;
const POINTS = {
  'before the first phase': (e: Event) => e.type === 'run_started',
  'inside a kolla-deploy task': (e: Event) => e.type === 'task_started' && e.phase === 'kolla-deploy' && e.index === 2,
  'between the two phases': (e: Event) => e.type === 'phase_finished' && e.phase === 'kolla-deploy',
  "inside the last phase's task": (e: Event) => e.type === 'task_started' && e.phase === 'kolla-post-deploy',
} as const;
type Point = keyof typeof POINTS;

// SIGKILL at every point (nothing of ciab's own cleanup runs); SIGINT and SIGTERM (graceful: stop, abort the
// phase, release the lock) inside a task and between phases, where their handling differs.
const TRIALS: Array<[NodeJS.Signals, Point]> = [
  ['SIGKILL', 'before the first phase'],
  ['SIGKILL', 'inside a kolla-deploy task'],
  ['SIGKILL', 'between the two phases'],
  ['SIGKILL', "inside the last phase's task"],
  ['SIGINT', 'inside a kolla-deploy task'],
  ['SIGINT', 'between the two phases'],
  ['SIGTERM', 'inside a kolla-deploy task'],
  ['SIGTERM', "inside the last phase's task"],
];

describe('ciab install killed, then run again, finishes cleanly', () => {
  test.each(TRIALS)('%s %s', async (signal, point) => {
    const rig = cloneRig(base);
    rig.env = rigEnv(rig.dir, {}, 'mini');
    // Slow tasks in the run that is killed (2 s each: seconds of margin between the event and the end of its
    // phase, even at load 25), so the signal lands where the event says.
    const child = spawnInstall(rig, [...KILL_ARGS, '--json'], { MINI_TASKS: '3', MINI_TASK_MS: '2000' });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = exited(child);
    await waitForEvent(child.stdout!, POINTS[point], point, 180_000);
    const killed = child.exitCode === null && child.kill(signal);
    const code = await done;
    expect(killed, `${signal} ${point}: ciab had already ended (exit ${code})\n${stderr}`).toBe(true);
    expect(code, stderr).not.toBe(0);
    const first = { code, killed, stderr, recordedDone: recordedDone(rig) };
    // What each point leaves recorded: proves the signal landed where the test says.
    const expectDone: Record<Point, string[]> = {
      'before the first phase': [],
      'inside a kolla-deploy task': [],
      'between the two phases': ['kolla-deploy'],
      "inside the last phase's task": ['kolla-deploy'],
    };
    expect(first.recordedDone, stderr).toEqual(expectDone[point]);
    await expectCleanResume(rig, first, `${signal} ${point}`, { MINI_TASKS: '3', MINI_TASK_MS: '20' });
  }, 240_000);
});
