// The live view driven from recorded streams: wait for frames (never fixed sleeps), check what they say,
// their size, NO_COLOR, and that the real ink reporter keeps to its frame cap.
import { EventEmitter } from 'node:events';
import { render } from 'ink-testing-library';
import { describe, expect, test } from 'vitest';
import type { InstallerEvent } from '../../../src/model/events.js';
import { chooseReporterKind } from '../../../src/ui/reporters/choose.js';
import { createInkReporter, createRunViewStore, drawBar, LiveRunView, MAX_FPS } from '../../../src/ui/reporters/live.js';
import { readStream, type StreamName } from './replay.js';

const strip = (text: string) => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function open(colour = false) {
  const store = createRunViewStore();
  const app = render(<LiveRunView store={store} colour={colour} columns={80} />);
  const frame = () => app.lastFrame() ?? '';
  const frameWith = (text: string | RegExp) => waitFor(() => (typeof text === 'string' ? frame().includes(text) : text.test(frame())) && frame(), String(text));
  return { store, app, frame, frameWith };
}

/** Emit a stream's events up to (and including) the first that matches. */
function emitUntil(store: { emit(event: InstallerEvent): void }, events: InstallerEvent[], from: number, match: (event: InstallerEvent) => boolean): number {
  for (let i = from; i < events.length; i += 1) {
    store.emit(events[i]!);
    if (match(events[i]!)) return i + 1;
  }
  throw new Error('no such event');
}

function checkSize(frame: string) {
  const rows = frame.split('\n');
  expect(rows.length).toBeLessThanOrEqual(15);
  for (const row of rows) expect(row.length, row).toBeLessThanOrEqual(80);
}

describe('live view', () => {
  test('during a deploy: phases with icons and times, play and task, retry, bar, percent and ETA', async () => {
    const { store, app, frameWith } = open();
    const events = readStream('install-succeeded');
    let next = emitUntil(store, events, 0, (e) => e.type === 'phase_started' && e.phase === 'kolla-deploy');
    next = emitUntil(store, events, next, (e) => e.type === 'progress' && e.eta !== null && e.phase === 'kolla-deploy' && e.percent > 40);
    const running = await frameWith(/min left \(\d+–\d+\)/);
    expect(running).toMatch(/^✔ Prepare the host {2}40s$/m);
    expect(running).toContain('· Certificates      skipped: not in this plan');
    expect(running).toMatch(/^✔ Pull images {7}11m23s$/m);
    expect(running).toMatch(/^▶ Deploy OpenStack  running$/m);
    expect(running).toMatch(/^○ Post-deploy {7}~1m00s$/m);
    expect(running).toMatch(/^play \d+\/69 [a-z-]+ · task \d+\/~795$/m);
    expect(running).toMatch(/^━+╸─+ {1,2}\d+%$/m);
    expect(running).toMatch(/^about \d+ min left \(\d+–\d+\)$/m);
    checkSize(running);
    next = emitUntil(store, events, next, (e) => e.type === 'task_retry' && e.attempt === 4);
    next = emitUntil(store, events, next, (e) => e.type === 'progress' && e.waiting?.retry?.attempt === 4);
    const waiting = await frameWith('retry 4/20');
    expect(waiting).toMatch(/^play 41\/69 nova-cell · task \d+\/~795 · retry 4\/20$/m);
    expect(waiting).toMatch(/^▶ nova-cell : Waiting for nova-compute services to register themselves$/m);
    expect(waiting).toMatch(/^waiting 41 s on this task \(retry 4\/20, usually under 1 min\)$/m);
    checkSize(waiting);
    emitUntil(store, events, next, (e) => e.type === 'run_finished');
    const done = await frameWith('install succeeded');
    expect(done).toMatch(/^✔ install succeeded after 39m50s$/m);
    expect(done).toMatch(/^✔ Deploy OpenStack  \d+m\d\ds$/m);
    expect(done).toMatch(/^ok \d+ · changed \d+ · skipped \d+ · failed 0$/m);
    app.unmount();
  });

  test.each<[StreamName, string[]]>([
    ['install-failed', ['✖ install failed after 24m17s', '✖ Deploy OpenStack', 'task   keystone : Running Keystone bootstrap container on node1', 'error  Container exited with non-zero return code 1', 'hint   K13 A bootstrap container failed', 'log    /var/log/ciab/runs/20260314-140200-install/kolla-deploy.log:18234', 'resume ciab install --from kolla-deploy', 'failed 1']],
    ['install-stopped', ['■ install stopped after 37m00s', '■ Deploy OpenStack', '· stopping after the current task', 'resume ciab install']],
  ])('%s: the end frame says what happened and how to go on', async (name, parts) => {
    const { store, app, frameWith } = open();
    for (const event of readStream(name)) store.emit(event);
    const end = await frameWith(name === 'install-failed' ? 'install failed' : 'install stopped');
    for (const part of parts) expect(end).toContain(part);
    checkSize(end);
    app.unmount();
  });

  test('NO_COLOR: no colour codes, the icons carry the meaning; with colour the same text', async () => {
    const events = readStream('install-failed');
    const plain = open(false);
    const coloured = open(true);
    for (const event of events) {
      plain.store.emit(event);
      coloured.store.emit(event);
    }
    await plain.frameWith('install failed');
    await coloured.frameWith('install failed');
    expect(plain.frame()).not.toContain('\u001b[');
    // Whether escapes appear with colour on is chalk's call (it checks the real terminal); the text must not change.
    expect(strip(coloured.frame())).toBe(plain.frame());
    plain.app.unmount();
    coloured.app.unmount();
  });

  test('the bar keeps its width at every percentage', () => {
    for (const percent of [0, 0.5, 33.3, 61, 99.9, 100]) expect([...drawBar(percent)].length).toBe(40);
    expect(drawBar(0)).toBe('─'.repeat(40));
    expect(drawBar(100)).toBe('━'.repeat(40));
  });
});

/** Enough of a terminal stream for ink: it counts the frames written. */
function fakeTerminal() {
  const stream = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns: 80,
    rows: 24,
    writes: [] as string[],
    write(text: string) {
      stream.writes.push(text);
      return true;
    },
  });
  return stream;
}

describe('ink reporter', () => {
  test(`a whole install replayed at once draws at most ${MAX_FPS} frames a second and ends on the result`, async () => {
    const terminal = fakeTerminal();
    const stream = terminal as unknown as NodeJS.WriteStream;
    const started = Date.now();
    const reporter = createInkReporter({ stdout: stream, stderr: stream, colour: false });
    const events = readStream('install-succeeded');
    for (const event of events) reporter.emit(event);
    await waitFor(() => strip(terminal.writes.join('')).includes('install succeeded'), 'the final frame');
    await reporter.close();
    const seconds = (Date.now() - started) / 1000;
    // ink draws the first frame at once and one trailing frame; the rest are throttled.
    const frames = terminal.writes.filter((text) => text.includes('ciab install'));
    expect(frames.length).toBeLessThanOrEqual(Math.ceil(seconds * MAX_FPS) + 3);
    expect(frames.length).toBeLessThan(events.length / 100);
  });
});

describe('choosing a reporter', () => {
  test.each([
    [{ json: true, tty: true, ci: false }, 'ndjson'],
    [{ json: true, tty: false, ci: true }, 'ndjson'],
    [{ json: false, tty: true, ci: false }, 'ink'],
    [{ json: false, tty: true, ci: true }, 'lines'],
    [{ json: false, tty: false, ci: false }, 'lines'],
  ] as const)('%o → %s', (flags, kind) => {
    expect(chooseReporterKind(flags)).toBe(kind);
  });
});
