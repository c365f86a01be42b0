// `ciab install` killed at each kind of moment, by each signal, then `ciab install` again: it must finish without
// manual cleanup, and no phase recorded done may run a second time. The moments are events, not delays: the
// signal goes out when the NDJSON stream shows the point, so every trial hits the same point on a busy machine.
// Here the four trials that cover every point, every signal and the graceful stop inside a task and between
// phases (KILL_TRIALS_COVERING); the other four event-pointed trials and random moments are the soak,
// test/run/kill.soak.test.ts (`npm run soak`).
import { beforeAll, describe, test } from 'vitest';
import { KILL_TRIALS_COVERING, killAndResume, makeRig, type Rig } from './helpers.js';

let base: Rig;
beforeAll(async () => {
  base = await makeRig();
}, 120_000);

describe('ciab install killed, then run again, finishes cleanly', () => {
  test.each(KILL_TRIALS_COVERING)('%s %s', async (signal, point) => {
    await killAndResume(base, signal, point);
  }, 240_000);
});
