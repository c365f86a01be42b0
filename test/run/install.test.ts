// `ciab install` driving real ansible-playbook (the pinned venv) through kolla's CLI shape: events live and in
// order, resume, --from/--until, reconfigure after a change, the failure summary with its known-error hint, and
// no secret in any output or log. prepare-host is never run here (--from kolla-prechecks).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { calls, cloneRig, exited, filesUnder, install, makeRig, passwords, readState, rigEnv, spawnInstall, waitForLine, type Rig } from './helpers.js';

let base: Rig;
beforeAll(async () => {
  base = await makeRig();
}, 120_000);

describe('ciab install runs the kolla phases', () => {
  test('events arrive live and in order (NDJSON), state records every phase, a second run resumes with nothing to do', async () => {
    const rig = cloneRig(base);
    const child = spawnInstall(rig, ['--json']);
    let stdout = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    // Live: a task_started arrives while ciab still runs.
    await waitForLine(child.stdout!, /"type":"task_started"/, 60_000);
    expect(child.exitCode).toBeNull();
    expect(await exited(child)).toBe(0);
    const events = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; phase?: string; status?: string; index?: number });
    expect(events[0]!.type).toBe('run_started');
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', status: 'succeeded' });
    expect(events.find((e) => e.type === 'phase_skipped')).toMatchObject({ phase: 'prepare-host' });
    const phases = events.filter((e) => e.type === 'phase_started').map((e) => e.phase);
    expect(phases).toEqual(['kolla-prechecks', 'kolla-pull', 'kolla-deploy', 'kolla-post-deploy']);
    // The stand-in makes no cloud: the cloud phases are skipped as such, and the result says verify was skipped.
    expect(events.filter((e) => e.type === 'phase_skipped' && (e as { reason?: string }).reason === 'no-cloud').map((e) => e.phase)).toEqual(['bootstrap-cloud', 'verify']);
    expect(events.at(-1)).toMatchObject({ cloud: { verify: { status: 'skipped', note: expect.stringContaining('verify skipped') }, ssh: null, scs: null } });
    // Within a phase: a play first; every result follows the start of its task; task indexes count up by one.
    const deploy = events.filter((e) => e.phase === 'kolla-deploy' && ['play_started', 'task_started', 'task_result', 'phase_finished'].includes(e.type)) as Array<{ type: string; index?: number; task?: string }>;
    expect(deploy[0]!.type).toBe('play_started');
    expect(deploy.at(-1)!.type).toBe('phase_finished');
    let current: string | null = null;
    for (const e of deploy) {
      if (e.type === 'task_started') current = e.task!;
      if (e.type === 'task_result') expect(e.task).toBe(current);
    }
    const indexes = deploy.filter((e) => e.type === 'task_started').map((e) => e.index);
    expect(indexes.length).toBeGreaterThan(3);
    expect(indexes).toEqual(indexes.map((_, i) => i + 1));
    // Ansible's events carry ansible's own times; ciab's progress heartbeats are stamped on arrival.
    const at = events.filter((e) => e.type !== 'progress').map((e) => Date.parse((e as unknown as { at: string }).at));
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(calls(rig)).toEqual(['prechecks done', 'pull done', 'deploy done', 'post-deploy done']);
    expect(Object.values(readState(rig).phases).map((p) => p.status)).toEqual(['done', 'done', 'done', 'done']);
    // Plays are timed for this host's history: every deploy play that ran tasks, in order, in the run folder's
    // timings.json and in state.json's playHistory (the ETA's accuracy against the clock is the soak eta.soak).
    const played = [...new Set(events.filter((e) => e.type === 'task_started' && e.phase === 'kolla-deploy').map((e) => (e as { play?: string }).play!))];
    expect(played.length).toBeGreaterThan(3);
    const { runId, runDir } = events[0] as { runId?: string; runDir?: string };
    const timings = JSON.parse(readFileSync(path.join(runDir!, 'timings.json'), 'utf8')) as { runId: string; phases: Record<string, { seconds: number; plays: Array<{ play: string; seconds: number; tasks: number }> }> };
    expect(timings.runId).toBe(runId);
    const deployPlays = timings.phases['kolla-deploy']!.plays;
    expect(deployPlays.map((p) => p.play)).toEqual(played);
    for (const p of deployPlays) {
      expect(p.tasks, p.play).toBeGreaterThan(0);
      expect(p.seconds, p.play).toBeGreaterThanOrEqual(0);
    }
    // Real seconds: the plays take time (20 ms per stand-in task), and no more than their phase took.
    const playSeconds = deployPlays.reduce((sum, p) => sum + p.seconds, 0);
    expect(playSeconds).toBeGreaterThan(0);
    expect(playSeconds).toBeLessThanOrEqual(timings.phases['kolla-deploy']!.seconds + 0.1 * deployPlays.length);
    const history = (readState(rig) as unknown as { playHistory: Record<string, Record<string, number[]>> }).playHistory['kolla-deploy']!;
    expect(Object.keys(history)).toEqual(played);
    for (const p of deployPlays) expect(history[p.play], p.play).toEqual([p.seconds]);

    const again = await install(rig);
    expect(again.code).toBe(0);
    expect(again.stderr.match(/skipped, done earlier with the same inputs/g)).toHaveLength(4);
    expect(calls(rig)).toHaveLength(4);
  }, 240_000);

  test('--until stops after a phase and the next run resumes at the first unfinished one; a changed configuration re-runs with reconfigure', async () => {
    const rig = cloneRig(base);
    expect((await install(rig, ['--until', 'kolla-pull'])).code).toBe(0);
    expect(calls(rig)).toEqual(['prechecks done', 'pull done']);
    expect((await install(rig)).code).toBe(0);
    expect(calls(rig)).toEqual(['prechecks done', 'pull done', 'deploy done', 'post-deploy done']);
    // A proxy changes globals.yml: everything that depends on it runs again, deploy as reconfigure.
    writeFileSync(rig.answers, `${readFileSync(rig.answers, 'utf8')}proxy:\n  http: http://proxy.workshop.lan:3128\n`);
    const changed = await install(rig);
    expect(changed.code).toBe(0);
    expect(calls(rig).slice(4)).toEqual(['prechecks done', 'pull done', 'reconfigure done', 'post-deploy done']);
    expect(changed.stderr).toContain('kolla-prechecks runs again: changed since it ran: kolla/globals.yml');
    expect(readState(rig).phases['kolla-deploy']!.command).toBe('reconfigure');
    expect((await install(rig, ['--from', 'nope'])).stderr).toContain('--from nope: not a phase of this plan');
  }, 300_000);

  test('a failure names phase, task, host, message, the known error, the log line and the resume command; no secret anywhere', async () => {
    // mini-kolla: its failing task can carry a real secret in ansible's message, which the stand-in cannot.
    const rig = cloneRig(base);
    rig.env = rigEnv(rig.dir, {}, 'mini');
    const secret = passwords(rig)[0]!;
    const message = `Timeout when waiting for search string MariaDB in 10.0.0.11:3306 (password ${secret})`;
    const failed = await install(rig, [], { MINI_FAIL_ACTION: 'deploy', MINI_FAIL_TASK: '2', MINI_FAIL_MSG: message });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('✖ Deploy OpenStack failed');
    expect(failed.stderr).toMatch(/failed +Deploy OpenStack \(kolla-deploy\), play \S/);
    expect(failed.stderr).toContain('task    mini : task 2');
    expect(failed.stderr).toContain('host    localhost');
    expect(failed.stderr).toContain('Timeout when waiting for search string MariaDB in 10.0.0.11:3306 (password ********)');
    expect(failed.stderr).toContain('hint    K07 MariaDB did not start');
    const log = /log {5}(\S+):(\d+)/.exec(failed.stderr)!;
    const logLines = readFileSync(log[1]!, 'utf8').split('\n');
    expect(logLines.slice(0, Number(log[2])).join('\n')).toContain('mini : task 2');
    expect(failed.stderr).toContain(`resume  ciab install --answers ${rig.answers} --state-dir ${rig.stateDir}`);
    expect(readState(rig).phases['kolla-deploy']!.status).toBe('failed');
    // Resume: the done phases are skipped, deploy runs again.
    const resumed = await install(rig);
    expect(resumed.code).toBe(0);
    expect(calls(rig)).toEqual(['prechecks done', 'pull done', 'deploy failed', 'deploy done', 'post-deploy done']);
    const all = [failed.stdout, failed.stderr, resumed.stdout, resumed.stderr, ...filesUnder(path.join(rig.stateDir, 'runs')).map((f) => f.text)];
    for (const value of passwords(rig)) for (const text of all) expect(text.includes(value)).toBe(false);
    const raw = filesUnder(path.join(rig.stateDir, 'runs')).filter((f) => f.file.includes('.raw'));
    expect(raw).toEqual([]);
  }, 300_000);
});
