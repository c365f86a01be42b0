// The event schema at the edge: recorded streams parse, bad lines are named by number, a partial last line waits.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createEventLineReader, EventLineError, InstallerEvent, parseEventLines } from '../../src/model/events.js';
import { generateEventStreams, toNdjson } from '../fixtures/events/generate.mjs';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'events');
const NAMES = ['install-succeeded', 'install-failed', 'install-stopped'] as const;
const read = (name: string) => readFileSync(path.join(FIXTURES, `${name}.ndjson`), 'utf8');

const NOTICE = { type: 'notice', at: '2026-03-14T14:02:00.000Z', runId: 'r1', level: 'info', message: 'hello' };
const line = (value: unknown) => `${JSON.stringify(value)}\n`;

/** The line number and reason a bad second line (given as text or a value) is rejected with. */
function rejectionOf(bad: unknown): { line: number; reason: string } {
  const text = typeof bad === 'string' ? `${bad}\n` : line(bad);
  try {
    parseEventLines(line(NOTICE) + text, { source: 'events.ndjson' });
  } catch (error) {
    if (error instanceof EventLineError) return { line: error.line, reason: error.reason };
    throw error;
  }
  throw new Error('accepted');
}

describe('recorded streams', () => {
  test.each(NAMES)('%s parses whole, in order, and ends with run_finished', (name) => {
    const { events, partial, lines } = parseEventLines(read(name), { source: name });
    expect(partial).toBe('');
    expect(events.length).toBe(lines);
    expect(events.length).toBeGreaterThan(1000);
    expect(events[0]!.type).toBe('run_started');
    expect(events.at(-1)!.type).toBe('run_finished');
    const times = events.map((event) => Date.parse(event.at));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    const percents = events.flatMap((event) => (event.type === 'progress' ? [event.percent] : []));
    expect(percents.every((p, i) => i === 0 || p >= percents[i - 1]!)).toBe(true);
  });

  test('the committed files are what the generator makes (deterministic)', () => {
    const streams = generateEventStreams();
    for (const name of NAMES) expect(toNdjson(streams[name]), name).toBe(read(name));
  });

  test('the successful install has hundreds of tasks, retries and a skipped phase', () => {
    const { events } = parseEventLines(read('install-succeeded'));
    const deployTasks = events.filter((event) => event.type === 'task_started' && event.phase === 'kolla-deploy');
    expect(deployTasks.length).toBeGreaterThan(700);
    expect(events.filter((event) => event.type === 'task_retry').length).toBeGreaterThanOrEqual(6);
    expect(events.some((event) => event.type === 'phase_skipped' && event.reason === 'not-in-plan')).toBe(true);
    expect(events.filter((event) => event.type === 'play_started' && event.phase === 'kolla-deploy' && event.total === 69).length).toBe(69);
  });
});

describe('NDJSON lines', () => {
  test('round trip: every event serialises back to its own line', () => {
    const text = read('install-failed');
    const { events } = parseEventLines(text);
    expect(events.map((event) => JSON.stringify(event)).join('\n') + '\n').toBe(text);
  });

  test('a partial last line is kept for the next chunk, not parsed', () => {
    const text = read('install-stopped');
    const cut = text.length - 40;
    const first = parseEventLines(text.slice(0, cut));
    expect(first.partial.length).toBeGreaterThan(0);
    expect(first.events.at(-1)!.type).not.toBe('run_finished');
    const rest = parseEventLines(first.partial + text.slice(cut), { linesBefore: first.lines });
    expect(rest.events.map((event) => event.type)).toEqual(['run_finished']);
  });

  test('a reader fed in odd-sized chunks gives the same events as one parse', () => {
    const text = read('install-failed');
    const reader = createEventLineReader('install-failed.ndjson');
    const events: InstallerEvent[] = [];
    for (let at = 0; at < text.length; at += 997) events.push(...reader.push(text.slice(at, at + 997)));
    expect(reader.pending()).toBe('');
    expect(events).toEqual(parseEventLines(text).events);
  });

  test('line numbers count across chunks and blank lines', () => {
    const reader = createEventLineReader('events.ndjson');
    reader.push(line(NOTICE) + '\n' + line(NOTICE).slice(0, 10));
    expect(() => reader.push(line(NOTICE).slice(10) + '{"type":"notice"}\n')).toThrow('events.ndjson:4: ');
  });

  test('CRLF line ends are read', () => {
    expect(parseEventLines(JSON.stringify(NOTICE) + '\r\n').events).toHaveLength(1);
  });
});

describe('malformed events are rejected with the line and the field', () => {
  test.each([
    ['not JSON', '{"type": "notice",', 'not JSON'],
    ['an unknown type', { ...NOTICE, type: 'task_exploded' }, 'type'],
    ['a missing field', { type: 'notice', at: NOTICE.at, runId: 'r1', level: 'info' }, 'message'],
    ['an unknown level', { ...NOTICE, level: 'error' }, 'level'],
    ['an extra key (a typo)', { ...NOTICE, mesage: 'x' }, 'mesage'],
    ['a time that is not ISO', { ...NOTICE, at: '14:02' }, 'at'],
    ['percent above 100', { type: 'progress', at: NOTICE.at, runId: 'r1', phase: 'kolla-deploy', percent: 101, eta: null, waiting: null }, 'percent'],
    ['an ETA range upside down', { type: 'progress', at: NOTICE.at, runId: 'r1', phase: 'kolla-deploy', percent: 5, eta: { low: 60, high: 30 }, waiting: null }, 'eta'],
    ['an unknown task status', { type: 'task_result', at: NOTICE.at, runId: 'r1', phase: 'p', task: 't', host: 'h', status: 'exploded', durationMs: 1, message: null, stderrTail: null }, 'status'],
    ['a negative duration', { type: 'phase_finished', at: NOTICE.at, runId: 'r1', phase: 'p', status: 'done', durationMs: -1, counts: { ok: 0, changed: 0, failed: 0, skipped: 0, unreachable: 0 } }, 'durationMs'],
    ['a play index of 0', { type: 'play_started', at: NOTICE.at, runId: 'r1', phase: 'p', play: 'x', index: 0, total: null }, 'index'],
    ['a failure without its resume command', { type: 'run_finished', at: NOTICE.at, runId: 'r1', status: 'failed', durationMs: 5, changedMachine: true, failure: { phase: 'p', play: null, task: null, host: null, message: 'x', stderrTail: null, hint: null, logPath: '/l', logLine: null } }, 'failure.resumeCommand'],
    ['a JSON array', [NOTICE], 'event'],
  ])('%s', (_label, bad, field) => {
    const rejected = rejectionOf(bad);
    expect(rejected.line).toBe(2);
    expect(rejected.reason.startsWith(field)).toBe(true);
  });

  test('the error never repeats the line (it may hold command output)', () => {
    const secret = 'hunter2-secret-value';
    try {
      parseEventLines(line({ ...NOTICE, level: 'loud', message: secret }));
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(EventLineError);
      expect((error as Error).message).not.toContain(secret);
      expect((error as Error).message).toMatch(/^events:1: level: /);
    }
  });
});
