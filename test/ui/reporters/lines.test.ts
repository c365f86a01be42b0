// The line reporter replayed from recorded streams: exact output (golden files), the 30 s heartbeat rule,
// and colour only when asked.
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createLinesReporter, HEARTBEAT_MS } from '../../../src/ui/reporters/lines.js';
import { createBuffer, FIXTURES, readStream, STREAMS, type StreamName } from './replay.js';

function replayLines(name: StreamName, colour = false): string {
  const out = createBuffer();
  const reporter = createLinesReporter({ stream: out, colour, timeZone: 'UTC' });
  for (const event of readStream(name)) reporter.emit(event);
  return out.text();
}

const stamp = (row: string) => {
  const match = /^\[(\d\d):(\d\d):(\d\d)\]/.exec(row);
  return match ? (Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])) * 1000 : null;
};

describe('lines reporter', () => {
  test.each(STREAMS)('%s: exact output', async (name) => {
    await expect(replayLines(name)).toMatchFileSnapshot(path.join(FIXTURES, `${name}.lines.txt`));
  });

  test('heartbeats come at most every 30 s of event time, with %, play, task and ETA or the waiting task', () => {
    const rows = replayLines('install-succeeded').split('\n');
    const beats = rows.filter((row) => /^\[\d\d:\d\d:\d\d\] [a-z-]+ \d+% /.test(row));
    expect(beats.length).toBeGreaterThan(30);
    const times = beats.map((row) => stamp(row)!);
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(HEARTBEAT_MS);
    expect(beats.some((row) => /kolla-deploy \d+% play \d+\/69 [a-z-]+ · task \d+\/~795 · about \d+ min left \(\d+–\d+\)$/.test(row))).toBe(true);
    expect(rows.some((row) => /· task \d+\/~795 · waiting on nova-cell : Waiting for nova-compute services to register themselves \(retry \d+\/20, \d+ s, usually under 1 min\)$/.test(row))).toBe(true);
  });

  test('one line per play that runs a task and per retry; no line per task', () => {
    const events = readStream('install-succeeded');
    const rows = replayLines('install-succeeded').split('\n');
    const plays = events.filter((event, i) => event.type === 'play_started' && events.slice(i + 1).find((next) => next.type === 'play_started' || next.type === 'task_started')?.type === 'task_started').length;
    expect(plays).toBeGreaterThan(10);
    const retries = events.filter((event) => event.type === 'task_retry').length;
    expect(rows.filter((row) => / play \d+(\/\d+)? /.test(row) && !/%/.test(row)).length).toBe(plays);
    expect(rows.filter((row) => row.includes('↻ retry')).length).toBe(retries);
    expect(rows.length).toBeLessThan(events.length / 5);
  });

  test('a play that matches no host (a disabled service) prints nothing', () => {
    const events = readStream('install-succeeded');
    const first = events.findIndex((event) => event.type === 'play_started');
    const play = events[first]!;
    if (play.type !== 'play_started') throw new Error('no play');
    const empty = { ...play, play: 'Apply role disabled-service', index: play.index };
    const out = createBuffer();
    const reporter = createLinesReporter({ stream: out, colour: false, timeZone: 'UTC' });
    for (const event of [...events.slice(0, first), empty, ...events.slice(first)]) reporter.emit(event);
    expect(out.text()).not.toContain('disabled-service');
    expect(out.text()).toContain(` play ${play.index}`);
  });

  test('the failure summary names phase, task, host, message, stderr, hint, log line and resume', () => {
    const text = replayLines('install-failed');
    const summary = text.slice(text.indexOf('✖ install failed'));
    for (const part of [
      'failed  Deploy OpenStack (kolla-deploy), play Apply role keystone',
      'task    keystone : Running Keystone bootstrap container',
      'host    node1',
      'error   Container exited with non-zero return code 1',
      "ERROR keystone pymysql.err.OperationalError: (1045, \"Access denied for user 'keystone'@'10.0.0.11' (using password: YES)\")",
      'hint    K13 A bootstrap container failed',
      'log     /var/log/ciab/runs/20260314-140200-install/kolla-deploy.log:18234',
      'resume  ciab install --from kolla-deploy',
      '○ Post-deploy       not run',
    ])
      expect(summary).toContain(part);
    // The last 10 stderr lines only: the first two of the tail stay in the log.
    expect(summary).not.toContain('kolla_set_configs');
  });

  test('a stop says so when asked and when done', () => {
    const text = replayLines('install-stopped');
    expect(text).toMatch(/\] ■ stop requested \(SIGINT\): stopping after the current task\n/);
    expect(text).toMatch(/\] ■ Deploy OpenStack stopped in /);
    expect(text).toContain('resume  ciab install\n');
  });

  test('colour only when wanted; the icons are there either way', () => {
    const plain = replayLines('install-failed', false);
    const coloured = replayLines('install-failed', true);
    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[31m✖\u001b[39m');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(plain);
  });
});
