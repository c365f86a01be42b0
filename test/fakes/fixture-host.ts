// A HostReader backed by a recorded host (test/fixtures/hosts/*). Strict, like a stub that knows its script:
// a read the fixture does not hold fails the test (list it under "absent" when the machine really lacks it),
// and so does an entry no read used (the fixture has drifted from what detection reads). Both are checked
// after every test. Hand-built partial machines (the malformed-input tests) use createSparseHost instead:
// there, whatever is not listed is absent on purpose.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { HostReader } from '../../src/env/types.js';
import { HostRecording, replayHost } from '../../src/env/recording.js';

export const HOST_FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'hosts');

/** A recording plus the reads that find nothing on that machine ("file:/path", "cmd:ip -j route", …). */
export type HostFixture = HostRecording & { absent: string[] };

/** The parts of a fixture folder (base.json is always loaded; fallbacks.json, what detection reads only when a
 * primary source fails, only when asked for). */
export type FixturePart = 'disks' | 'nics' | 'system' | 'fallbacks';
const DEFAULT_PARTS: FixturePart[] = ['disks', 'nics', 'system'];

/**
 * A host fixture is a folder of JSON parts (base.json, disks.json, nics.json …) merged into one recording, or
 * one recording.json. `parts` loads only some of them: a test of disk detection holds only the disk reads.
 */
export function loadHostFixture(name: string, parts: FixturePart[] = DEFAULT_PARTS): HostFixture {
  const dir = path.join(HOST_FIXTURES, name);
  const merged: Record<string, unknown> = {};
  const absent: string[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .filter((f) => f === 'base.json' || f === 'recording.json' || parts.includes(f.replace(/\.json$/, '') as FixturePart))
    .sort();
  for (const part of files) {
    const data = JSON.parse(readFileSync(path.join(dir, part), 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(data)) {
      if (key === 'absent') {
        absent.push(...(value as string[]));
        continue;
      }
      const previous = merged[key];
      merged[key] =
        previous && typeof previous === 'object' && !Array.isArray(previous) && value && typeof value === 'object'
          ? { ...previous, ...value }
          : value;
    }
  }
  return { ...HostRecording.parse(merged), absent };
}

export function listHostFixtures(): string[] {
  return readdirSync(HOST_FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every entry of a recording, as the key a read of it is counted under. */
function entriesOf(recording: HostRecording): string[] {
  const keys = (kind: string, record: Record<string, unknown>) => Object.keys(record).map((k) => `${kind}:${k}`);
  return [
    ...keys('file', recording.files),
    ...keys('dir', recording.dirs),
    ...keys('link', recording.links),
    ...keys('exists', recording.exists),
    ...keys('open', recording.open),
    ...keys('cmd', recording.commands),
    ...keys('free', recording.freeBytes),
    ...keys('tcp', recording.tcp),
  ];
}

interface Tracked {
  label: string;
  unexpected: Set<string>;
  unused: () => string[];
}
const createdInThisTest: Tracked[] = [];

/** Throws when a fixture host created since the last call was read off-script or not read in full. */
export function checkFixtureHosts(): void {
  const hosts = createdInThisTest.splice(0);
  const problems = hosts.flatMap((h) => [
    ...[...h.unexpected].map((k) => `${h.label}: read ${k}, which the fixture does not hold (record it, or list it under "absent")`),
    ...h.unused().map((k) => `${h.label}: ${k} is in the fixture but was never read`),
  ]);
  if (problems.length > 0) throw new Error(`fixture host out of step with detection:\n  ${problems.join('\n  ')}`);
}
afterEach(checkFixtureHosts);

/**
 * The real replaying reader (src/env/recording.ts), with every read counted under its key before it answers. A
 * connection the fixture does not hold fails as an unresolvable name (what the fixtures' tests were written for).
 */
function replayCounted(recording: HostRecording, count: (key: string) => void): HostReader {
  const inner = replayHost(recording);
  // `exists` is answered by an entry of any kind, as the real filesystem would; only an exists entry, or a path
  // the recording holds nowhere, is counted as an exists read.
  const heldElsewhere = (p: string) => p in recording.files || p in recording.dirs || p in recording.links || p in recording.open;
  return {
    ...inner,
    readText: (p) => (count(`file:${p}`), inner.readText(p)),
    listDir: (p) => (count(`dir:${p}`), inner.listDir(p)),
    readLink: (p) => (count(`link:${p}`), inner.readLink(p)),
    exists: (p) => {
      if (p in recording.exists || !heldElsewhere(p)) count(`exists:${p}`);
      return inner.exists(p);
    },
    canOpen: (p, mode) => (count(`open:${p}`), inner.canOpen(p, mode)),
    run: (command, args, options) => (count(`cmd:${[command, ...args].join(' ')}`), inner.run(command, args, options)),
    freeBytes: (p) => (count(`free:${p}`), inner.freeBytes(p)),
    tcpConnect: async (host, port) => {
      count(`tcp:${host}:${port}`);
      return recording.tcp[`${host}:${port}`] ?? { ok: false, ms: null, error: 'ENOTFOUND' };
    },
  };
}

/** The strict fake: see the top of this file. `overrides` replace methods (a test's own answers). */
export function createFixtureHost(fixture: HostFixture, overrides: Partial<HostReader> = {}, options: { requireAllRead?: boolean } = {}): HostReader {
  const recorded = new Set(entriesOf(fixture));
  const absent = new Set(fixture.absent);
  const used = new Set<string>();
  const unexpected = new Set<string>();
  const reader = replayCounted(fixture, (key) => {
    if (recorded.has(key) || absent.has(key)) used.add(key);
    else unexpected.add(key);
  });
  createdInThisTest.push({
    label: `fixture host ${fixture.hostname}`,
    unexpected,
    // Off only where what is read depends on flags the test does not fix (the CLI run in-process).
    unused: () => (options.requireAllRead === false ? [] : [...recorded, ...absent].filter((k) => !used.has(k)).sort()),
  });
  return { ...reader, ...overrides };
}

/** A hand-built partial machine: anything not in the recording is absent, and nothing is checked. */
export function createSparseHost(recording: HostRecording, overrides: Partial<HostReader> = {}): HostReader {
  return { ...replayCounted(recording, () => undefined), ...overrides };
}
