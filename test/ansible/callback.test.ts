// The ciab_events callback plugin under the REAL ansible-playbook of the pinned venv, on tiny playbooks against
// localhost (local connection). Every assertion reads the NDJSON the plugin wrote.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ansiblePlaybookPath,
  callbackEnv,
  kollaVenv,
  makeWorkdir,
  play,
  playbookDir,
  readEvents,
  runPlaybook,
  start,
  waitForEvent,
  type CallbackEvent,
} from './ansible-helpers.js';

const SECRET = `s3cret-${process.pid}-do-not-log`;

const COVERAGE_PLAYBOOK = `
- name: first play
  hosts: all
  gather_facts: false
  tasks:
    - name: flaky until the third try
      ansible.builtin.shell: "n=$(cat counter 2>/dev/null || echo 0); n=$((n+1)); echo $n > counter; [ $n -ge 3 ]"
      register: flaky
      until: flaky.rc == 0
      retries: 4
      delay: 0
    - name: pull images
      ansible.builtin.debug:
        msg: "{{ item }}"
      loop: [keystone, glance, nova]
    - name: include the service tasks
      ansible.builtin.include_tasks: included.yml
    - name: change something
      ansible.builtin.command: "true"
      notify: restart thing
    - name: fail but ignore it
      ansible.builtin.shell: "echo ignored-stderr >&2; exit 3"
      ignore_errors: true
    - name: hidden output
      ansible.builtin.shell: "echo {{ secret }}; exit 1"
      no_log: true
      ignore_errors: true
    - name: skipped on purpose
      ansible.builtin.debug:
        msg: never
      when: false
  handlers:
    - name: restart thing
      ansible.builtin.debug:
        msg: restarted
- name: disabled service
  hosts: enable_nothing_True
  gather_facts: false
  tasks:
    - name: never runs
      ansible.builtin.debug:
        msg: x
- name: last play
  hosts: all
  gather_facts: false
  tasks:
    - name: fail for real
      ansible.builtin.shell: "echo line1 >&2; echo 'Container exited with non-zero return code 1' >&2; exit 4"
`;

const INCLUDED = `
- name: inside the include
  ansible.builtin.debug:
    msg: included
`;

function only(events: CallbackEvent[], name: string): CallbackEvent[] {
  return events.filter((e) => e.event === name);
}

function resultOf(events: CallbackEvent[], task: string): CallbackEvent {
  const hit = events.find((e) => e.event === 'result' && e.task === task);
  if (!hit) throw new Error(`no result for ${task}`);
  return hit;
}

beforeAll(async () => {
  await kollaVenv();
}, 900_000);

describe('ciab_events callback (real ansible-playbook)', () => {
  let dir: string;
  let events: CallbackEvent[];
  let exitCode: number | null;
  let rawLines: string[];
  let stdout: string;

  beforeAll(async () => {
    dir = await makeWorkdir({ 'play.yml': COVERAGE_PLAYBOOK, 'included.yml': INCLUDED });
    const finished = await runPlaybook(dir, 'play.yml', {}, ['-e', `secret=${SECRET}`]);
    exitCode = finished.exitCode;
    stdout = finished.stdout;
    events = readEvents(path.join(dir, 'events.ndjson'));
    rawLines = readFileSync(path.join(dir, 'events.ndjson'), 'utf8').trimEnd().split('\n');
  }, 120_000);

  it('writes a well-formed, ordered stream while the default callback keeps the human log', () => {
    expect(exitCode).toBe(2);
    expect(stdout).toContain('PLAY RECAP');
    expect(stdout).toContain('TASK [flaky until the third try]');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    for (const e of events) expect(e.v).toBe(1);
    for (const line of rawLines) expect(Buffer.byteLength(line) + 1).toBeLessThanOrEqual(4096);
    const start = events[0]!;
    expect(start.event).toBe('playbook_start');
    expect(typeof start.pid).toBe('number');
    expect(start.pid).not.toBe(process.pid);
    expect(start.playbook).toBe('play.yml');
    expect(only(events, 'play_start').map((e) => e.name)).toEqual(['first play', 'disabled service', 'last play']);
  });

  it('reports retries with attempt and total attempts, then the result with attempts', () => {
    const retries = only(events, 'retry');
    expect(retries.map((e) => e.attempt)).toEqual([1, 2]);
    expect(retries[0]).toMatchObject({ task: 'flaky until the third try', host: 'localhost', retries: 5, delay: 0 });
    expect(resultOf(events, 'flaky until the third try')).toMatchObject({ status: 'changed', attempts: 3, rc: 0 });
  });

  it('reports loop items with their labels', () => {
    const task = events.find((e) => e.event === 'task_start' && e.name === 'pull images')!;
    const items = only(events, 'item').filter((e) => e.task_uuid === task.uuid);
    expect(items.map((e) => [e.label, e.status])).toEqual([
      ['keystone', 'ok'],
      ['glance', 'ok'],
      ['nova', 'ok'],
    ]);
  });

  it('reports include_tasks with the file, before the included tasks start', () => {
    const include = only(events, 'include')[0]!;
    expect(include.file).toBe(path.join(dir, 'included.yml'));
    expect(include.host).toBe('localhost');
    const inside = events.find((e) => e.event === 'task_start' && e.name === 'inside the include')!;
    expect(inside.seq).toBeGreaterThan(include.seq);
    expect(inside.path).toBe(`${path.join(dir, 'included.yml')}:2`);
  });

  it('reports a play with no hosts matched', () => {
    const play = events.findIndex((e) => e.event === 'play_start' && e.name === 'disabled service');
    expect(events[play + 1]).toMatchObject({ event: 'no_hosts_matched', play: 'disabled service' });
  });

  it('reports failures with msg, rc and the stderr tail; ignored failures as ignored; skips as skipped', () => {
    expect(resultOf(events, 'fail for real')).toMatchObject({
      status: 'failed',
      rc: 4,
      msg: 'non-zero return code',
      stderr_tail: 'line1\nContainer exited with non-zero return code 1',
    });
    expect(resultOf(events, 'fail but ignore it')).toMatchObject({ status: 'ignored', rc: 3, stderr_tail: 'ignored-stderr' });
    expect(resultOf(events, 'skipped on purpose').status).toBe('skipped');
  });

  it('reports the handler notification and the handler task', () => {
    expect(only(events, 'notify')).toEqual([expect.objectContaining({ handler: 'restart thing', host: 'localhost' })]);
    const handler = events.find((e) => e.event === 'task_start' && e.name === 'restart thing')!;
    expect(handler.handler).toBe(true);
    expect(events.find((e) => e.event === 'task_start' && e.name === 'change something')!.handler).toBe(false);
  });

  it('ends with stats per host, the same numbers as the PLAY RECAP', () => {
    const stats = events[events.length - 1]!;
    expect(stats.event).toBe('stats');
    const recap = /localhost\s*: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/.exec(stdout);
    expect(recap).not.toBeNull();
    const [ok, changed, unreachable, failures, skipped, rescued, ignored] = recap!.slice(1).map(Number);
    expect(stats.hosts).toEqual({ localhost: { ok, changed, failures, unreachable, skipped, rescued, ignored } });
    expect(stats.hosts).toMatchObject({ localhost: { failures: 1, ignored: 2, skipped: 1 } });
  });

  it('keeps no_log output and task arguments out of the events', () => {
    const text = readFileSync(path.join(dir, 'events.ndjson'), 'utf8');
    expect(text).not.toContain(SECRET);
    expect(resultOf(events, 'hidden output')).toMatchObject({ status: 'ignored', stderr_tail: null });
  });
});

describe('ciab_events line limits and write failures', () => {
  it('cuts a huge failure to 4 KiB per line, keeping the end of stderr', async () => {
    const dir = await playbookDir([
      play(`
    - name: noisy failure
      ansible.builtin.shell: "python3 -c \\"import sys; sys.stderr.write('x' * 20000 + 'THE-END')\\"; exit 1"
`),
    ]);
    const finished = await runPlaybook(dir, 'play.yml');
    expect(finished.exitCode).toBe(2);
    const text = readFileSync(path.join(dir, 'events.ndjson'), 'utf8');
    for (const line of text.trimEnd().split('\n')) expect(Buffer.byteLength(line) + 1).toBeLessThanOrEqual(4096);
    const result = readEvents(path.join(dir, 'events.ndjson')).find((e) => e.event === 'result')!;
    expect(result.status).toBe('failed');
    expect(String(result.stderr_tail).endsWith('THE-END')).toBe(true);
  }, 120_000);

  it('never breaks the play when the event file cannot be written, and says so once', async () => {
    const dir = await playbookDir([
      play(`
    - ansible.builtin.debug: { msg: one }
    - ansible.builtin.debug: { msg: two }
`),
    ]);
    const finished = await runPlaybook(dir, 'play.yml', { CIAB_EVENT_FILE: path.join(dir, 'missing-dir', 'events.ndjson') });
    expect(finished.exitCode).toBe(0);
    expect(finished.stdout).toContain('ok=2');
    expect(finished.stderr.match(/\[ciab_events\] cannot write events/g)).toHaveLength(1);
  }, 120_000);
});

describe('ciab_events stop file (RUN-ENGINE §5.7)', () => {
  // A task that blocks until the test releases it, so the stop file is created while it is in progress.
  const blocking = (name: string): string => `
    - name: ${name}
      ansible.builtin.shell: "for i in $(seq 600); do [ -e release ] && exit 0; sleep 0.1; done; exit 1"
`;
  const marker = (name: string): string => `
    - name: ${name}
      ansible.builtin.command: touch ${name}.ran
`;
  const notifying = (name: string): string => `${marker(name).trimEnd()}\n      notify: handler h\n`;
  const handlerH = `
    - name: handler h
      ansible.builtin.command: touch h.ran
`;

  async function stopDuring(dir: string, blockingTask: string): Promise<{ exitCode: number | null; events: CallbackEvent[] }> {
    const bin = await ansiblePlaybookPath();
    const eventFile = path.join(dir, 'events.ndjson');
    const run = start(bin, ['-i', 'hosts', 'play.yml'], { cwd: dir, env: callbackEnv(dir) });
    await waitForEvent(eventFile, (e) => e.event === 'task_start' && e.name === blockingTask, 60_000, run.done);
    await writeFile(path.join(dir, 'stop-request'), '');
    await writeFile(path.join(dir, 'release'), '');
    const finished = await run.done;
    return { exitCode: finished.exitCode, events: readEvents(eventFile) };
  }

  it('lets the task in progress finish, does not start the next one, exits 99 after a stopping event', async () => {
    const dir = await playbookDir([play(`${marker('t1')}${blocking('t2')}${marker('t3')}`)]);
    const { exitCode, events } = await stopDuring(dir, 't2');
    expect(exitCode).toBe(99);
    expect(events.find((e) => e.event === 'result' && e.task === 't2')?.status).toBe('changed');
    expect(events.some((e) => e.event === 'task_start' && e.name === 't3')).toBe(false);
    expect(existsSync(path.join(dir, 't1.ran'))).toBe(true);
    expect(existsSync(path.join(dir, 't3.ran'))).toBe(false);
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ event: 'stopping', reason: 'stop file' });
    expect(events.some((e) => e.event === 'stats')).toBe(false);
  }, 120_000);

  it('runs notified handlers at a flush before stopping at the next task', async () => {
    const dir = await playbookDir([
      play(`${notifying('t1')}${blocking('t2')}
    - name: flush
      ansible.builtin.meta: flush_handlers
${marker('t3')}`, { handlers: handlerH }),
    ]);
    const { exitCode, events } = await stopDuring(dir, 't2');
    expect(exitCode).toBe(99);
    expect(existsSync(path.join(dir, 'h.ran'))).toBe(true);
    expect(existsSync(path.join(dir, 't3.ran'))).toBe(false);
    const names = events.filter((e) => e.event === 'task_start').map((e) => e.name);
    expect(names).toEqual(['t1', 't2', 'flush', 'handler h']);
    expect(events[events.length - 1]!.event).toBe('stopping');
  }, 120_000);

  it('with handlers pending at the end of a play, runs them and the rest of the play, then stops at the next play', async () => {
    const dir = await playbookDir([play(`${notifying('t1')}${blocking('t2')}${marker('t3')}`, { handlers: handlerH }), play(marker('t4'))]);
    const { exitCode, events } = await stopDuring(dir, 't2');
    expect(exitCode).toBe(99);
    expect(existsSync(path.join(dir, 't3.ran'))).toBe(true);
    expect(existsSync(path.join(dir, 'h.ran'))).toBe(true);
    expect(existsSync(path.join(dir, 't4.ran'))).toBe(false);
    expect(events.filter((e) => e.event === 'play_start')).toHaveLength(1);
    expect(events[events.length - 1]!.event).toBe('stopping');
  }, 120_000);
});
