// 20 randomized trials: SIGINT, SIGTERM or SIGKILL to `ciab install` at a random moment, then `ciab install`
// again. Each trial must finish without manual cleanup, and no phase recorded done may run a second time.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { calls, cloneRig, exited, filesUnder, install, makeRig, passwords, readState, rigEnv, spawnInstall, type Rig } from './helpers.js';

const TRIALS = Number(process.env.KILL_TRIALS ?? 20);
const SEED = Number(process.env.KILL_SEED ?? Date.now() % 100_000);
const ARGS = ['--from', 'kolla-deploy'];
const ACTION: Record<string, string> = { 'kolla-deploy': 'deploy', 'kolla-post-deploy': 'post-deploy' };

let base: Rig;
beforeAll(async () => {
  base = await makeRig();
}, 120_000);

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
  for (let trial = 0; trial < TRIALS; trial += 1) {
    const rig = cloneRig(base);
    const env = { MINI_TASKS: '3' };
    rig.env = rigEnv(rig.dir, {}, 'mini'); // 2 short phases: 20 trials fit in minutes
    // Each signal as often as the others; the moment is random, from before the first phase to the last task.
    const signal = signals[trial % 3]!;
    const delayMs = 300 + Math.floor(next() * 16_000);
    const child = spawnInstall(rig, ARGS, env);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = exited(child);
    const early = await Promise.race([done.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), delayMs))]);
    if (!early) child.kill(signal);
    const code = await done;
    const recordedDone = existsSync(path.join(rig.stateDir, 'state', 'state.json'))
      ? Object.entries(readState(rig).phases).filter(([, p]) => p.status === 'done').map(([id]) => id)
      : [];
    const before = calls(rig).length;
    log.push(`trial ${trial}: ${signal} after ${delayMs} ms → exit ${code}; done: ${recordedDone.join(',') || '-'}`);
    const again = await install(rig, ARGS, env);
    expect(again.code, `${log.at(-1)}\n${stderr}\n--- again:\n${again.stderr}`).toBe(0);
    const rerun = calls(rig).slice(before).map((c) => c.split(' ')[0]);
    for (const id of recordedDone) expect(rerun, `${log.at(-1)}: ${id} ran again`).not.toContain(ACTION[id]);
    const where = `${log.at(-1)}\n${again.stderr}`;
    expect(Object.values(readState(rig).phases).map((p) => p.status), where).toEqual(['done', 'done']);
    expect(existsSync(path.join(rig.stateDir, 'run', 'lock')), where).toBe(false);
    const runFiles = filesUnder(path.join(rig.stateDir, 'runs'));
    expect(runFiles.filter((f) => f.file.includes('.raw')).map((f) => f.file), where).toEqual([]);
    const secrets = passwords(rig);
    for (const f of runFiles) for (const s of secrets) expect(f.text.includes(s), f.file).toBe(false);
  }
  console.log(log.join('\n'));
}, 1_500_000);
