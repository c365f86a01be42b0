// The progress screen driven from recorded streams: wait for frames (never fixed sleeps), check what they say,
// their size (80×24: the live region stays within 15 rows), NO_COLOR, the keys, and the frame cap.
import { EventEmitter } from 'node:events';
import { render } from 'ink-testing-library';
import { describe, expect, test } from 'vitest';
import type { InstallerEvent } from '../../../src/model/events.js';
import { chooseReporterKind } from '../../../src/ui/reporters/choose.js';
import { createInkReporter, createRunViewStore, drawBar, LIVE_ROWS, MAX_FPS, ProgressScreen, type ScreenChoice, type ScreenControls } from '../../../src/ui/reporters/live.js';
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

const RESULT = {
  dashboardUrl: 'http://10.0.0.11/',
  authUrl: 'http://10.0.0.11:5000',
  cloudsYaml: '/etc/ciab/config/openstack/clouds.yaml',
  openrc: '/etc/ciab/config/openstack/admin-openrc.sh',
  passwordsFile: '/etc/ciab/config/kolla/passwords.yml',
  firstCommand: '. /etc/ciab/config/openstack/admin-openrc.sh && openstack service list',
  statusCommand: 'ciab status',
  destroyCommand: 'sudo ciab destroy',
};

function open(options: { colour?: boolean; columns?: number; rows?: number } = {}) {
  const store = createRunViewStore();
  const asked: string[] = [];
  const choices: ScreenChoice[] = [];
  const controls: ScreenControls = {
    stop: () => asked.push('stop'),
    abort: () => asked.push('abort'),
    readLog: (file, count) => [`${file}: line 1`, 'line 2'].slice(-count),
  };
  const size = { columns: options.columns ?? 80, rows: options.rows ?? 24 };
  // The events' own time is the clock: frames depend on the stream, not on when the test runs.
  const clock = () => store.getView().now ?? 0;
  const app = render(
    <ProgressScreen store={store} colour={options.colour ?? false} controls={controls} result={RESULT} resumeCommand="ciab install" size={size} clock={clock} onChoice={(c) => choices.push(c)} />,
  );
  const frame = () => app.lastFrame() ?? '';
  const frameWith = (text: string | RegExp) => waitFor(() => (typeof text === 'string' ? frame().includes(text) : text.test(frame())) && frame(), String(text));
  return { store, app, frame, frameWith, asked, choices, size };
}

/** Emit a stream's events up to (and including) the first that matches. */
function emitUntil(store: { emit(event: InstallerEvent): void }, events: InstallerEvent[], from: number, match: (event: InstallerEvent) => boolean): number {
  for (let i = from; i < events.length; i += 1) {
    store.emit(events[i]!);
    if (match(events[i]!)) return i + 1;
  }
  throw new Error('no such event');
}

/** The live region (what ink redraws) is the frame's tail; the <Static> history is above it. */
function checkSize(frame: string, history: number, columns = 80) {
  const rows = frame.split('\n');
  expect(rows.length - history).toBeLessThanOrEqual(LIVE_ROWS);
  for (const row of rows) expect(row.length, row).toBeLessThanOrEqual(columns);
}

describe('progress screen', () => {
  test('during a deploy: phases, play and task, bar, ETA range, rolling window, counters, keys; then the result', async () => {
    const { store, app, frameWith } = open();
    const events = readStream('install-succeeded');
    let next = emitUntil(store, events, 0, (e) => e.type === 'phase_started' && e.phase === 'kolla-deploy');
    next = emitUntil(store, events, next, (e) => e.type === 'progress' && e.eta !== null && e.phase === 'kolla-deploy' && e.percent > 40);
    const running = await frameWith(/min left \(\d+–\d+\)/);
    const history = store.getView().history.length;
    expect(running).toMatch(/^ ✔ Prepare the host +40s {3}✔ Pull images +11m23s$/m);
    expect(running).toMatch(/^ · Certificates +skipped {3}▶ Deploy OpenStack +\d+m\d\ds$/m);
    expect(running).toMatch(/^ ▶ Deploy OpenStack · play \d+\/69 [a-z_-]+ · task \d+\/~795$/m);
    expect(running).toMatch(/^ {3}━+╸─+ +\d+ %$/m);
    expect(running).toMatch(/^ {3}about \d+ min left \(\d+–\d+\)$/m);
    expect(running).toMatch(/^ ok \d+ · changed \d+ · skipped \d+ · failed 0$/m);
    expect(running).toMatch(/d details · l log · \^C stop ?$/m);
    // History: finished phases and plays, printed once above the live region.
    expect(running).toMatch(/^ ✔ Pull images +20 results +11m23s$/m);
    expect(running).toMatch(/^ {3}✔ mariadb +\d+ tasks +\d+s$/m);
    checkSize(running, history);
    next = emitUntil(store, events, next, (e) => e.type === 'progress' && e.waiting?.retry?.attempt === 4);
    const waiting = await frameWith('retry 4/20 ·');
    // Instead of a frozen number: what it waits on, the retry and how long such a wait usually takes.
    expect(waiting).toMatch(/^ {3}waiting 41 s on this task \(retry 4\/20, usually under \d+ min\)$/m);
    expect(waiting).toMatch(/^ ▶ nova-cell : Waiting for nova-compute services to register themselves$/m);
    expect(waiting).toMatch(/^ {3}retry 4\/20 · 41 s in this task$/m);
    checkSize(waiting, store.getView().history.length);
    emitUntil(store, events, next, (e) => e.type === 'run_finished');
    const done = await frameWith('The cloud is ready');
    expect(done).toMatch(/^ ✔ The cloud is ready · install took 39m50s$/m);
    for (const part of ['dashboard  http://10.0.0.11/', 'clouds     /etc/ciab/config/openstack/clouds.yaml', 'openrc     /etc/ciab/config/openstack/admin-openrc.sh', 'try        . /etc/ciab', 'status     ciab status', 'remove     sudo ciab destroy']) expect(done).toContain(part);
    // Each phase's time stays in view.
    expect(done).toMatch(/✔ Deploy OpenStack +25m41s/);
    app.unmount();
  });

  test('the failure panel: task, host, error, hint, log:line, resume; r resumes, l shows the log', async () => {
    const s = open();
    for (const event of readStream('install-failed')) s.store.emit(event);
    const end = await s.frameWith('Deploy OpenStack failed');
    for (const part of ['task   keystone : Running Keystone bootstrap container', 'host   node1', 'error  Container exited with non-zero return code 1', 'why    K13 A bootstrap container failed', 'log    /var/log/ciab/runs/20260314-140200-install/kolla-deploy.log:18234', 'resume ciab install --from kolla-deploy', 'r resume · l log · q quit'])
      expect(end).toContain(part);
    for (const row of end.split('\n')) expect(row.length).toBeLessThanOrEqual(80);
    s.app.stdin.write('l');
    expect(await s.frameWith('The log')).toContain('/var/log/ciab/runs/20260314-140200-install/kolla-deploy.log: line 1');
    s.app.stdin.write('\u001b');
    await s.frameWith('r resume');
    s.app.stdin.write('r');
    await waitFor(() => s.choices.includes('resume'), 'the resume choice');
    s.app.unmount();
  });

  test('stopped: says it stopped safely, and that the machine was changed (changedMachine), never "nothing was changed"', async () => {
    const s = open();
    for (const event of readStream('install-stopped')) s.store.emit(event);
    const end = await s.frameWith('Deploy OpenStack stopped');
    expect(end).toContain('Some changes were made on this machine');
    expect(end).not.toContain('This run changed nothing on this machine');
    s.app.unmount();
    // The same stop before anything changed may say so.
    const early = open();
    const events = readStream('install-stopped').map((e) => (e.type === 'run_finished' ? { ...e, changedMachine: false, failure: null } : e));
    for (const event of events) early.store.emit(event);
    expect(await early.frameWith('install stopped')).toContain('This run changed nothing on this machine.');
    early.app.unmount();
  });

  test('Ctrl-C asks first (stop safely · keep going · abort); s stops, a second Ctrl-C aborts', async () => {
    const s = open();
    const events = readStream('install-succeeded');
    emitUntil(s.store, events, 0, (e) => e.type === 'task_started' && e.phase === 'kolla-deploy');
    await s.frameWith('^C stop');
    s.app.stdin.write('\u0003');
    const dialog = await s.frameWith('Stop the install?');
    expect(dialog).toContain('s  Stop after the current task (safe, resumable)');
    expect(dialog).toContain('k  Keep going (Esc)');
    expect(dialog).toContain('a  Abort now (Ctrl-C again)');
    expect(dialog).toMatch(/s stop · k keep going · \^C abort ?$/m);
    s.app.stdin.write('k');
    await waitFor(() => !s.frame().includes('Stop the install?') && s.frame(), `the dialog to close: ${s.frame()}`);
    expect(s.asked).toEqual([]);
    s.app.stdin.write('\u0003');
    await s.frameWith('Stop the install?');
    s.app.stdin.write('s');
    await waitFor(() => s.asked.includes('stop'), 'the stop');
    s.store.emit({ type: 'cancel_requested', at: events[events.length - 1]!.at, runId: 'r', mode: 'stop', source: 'screen' });
    await s.frameWith('stopping after the current task');
    // While stopping, Ctrl-C aborts at once.
    s.app.stdin.write('\u0003');
    await waitFor(() => s.asked.includes('abort'), 'the abort');
    expect(s.asked).toEqual(['stop', 'abort']);
    s.app.unmount();
  });

  test('d shows the task details; below 80 columns the phases go into one column; every row fits', async () => {
    const s = open({ columns: 60, rows: 30 });
    const events = readStream('install-succeeded');
    emitUntil(s.store, events, 0, (e) => e.type === 'task_retry' && e.attempt === 4);
    await s.frameWith('retry 4/20');
    s.app.stdin.write('d');
    const details = await s.frameWith('Task details');
    expect(details).toMatch(/task {4}nova-cell : Waiting for nova-compute services/);
    expect(details).toMatch(/retry 4\/20 every 10 s on node1/);
    for (const row of details.split('\n')) expect(row.length).toBeLessThanOrEqual(60);
    expect(details).toMatch(/^ ✔ Prepare the host +40s$/m);
    s.app.unmount();
  });

  test('NO_COLOR: no colour codes, the icons carry the meaning; with colour the same text', async () => {
    const events = readStream('install-failed');
    const plain = open({ colour: false });
    const coloured = open({ colour: true });
    for (const event of events) {
      plain.store.emit(event);
      coloured.store.emit(event);
    }
    await plain.frameWith('failed');
    await coloured.frameWith('failed');
    expect(plain.frame()).not.toContain('\u001b[');
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
    // A finished install needs no answer; closing draws the last frame.
    expect(await reporter.choice()).toBe('quit');
    await reporter.close();
    expect(strip(terminal.writes.join(''))).toContain('The cloud is ready');
    const seconds = (Date.now() - started) / 1000;
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
