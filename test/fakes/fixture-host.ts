// A HostReader backed by a recorded host (test/fixtures/hosts/*.json). Anything the fixture does not
// hold behaves like a missing file or a missing command, which is exactly what detection must survive.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HostReader } from '../../src/env/types.js';
import { HostRecording, replayHost } from '../../src/env/recording.js';

export const HOST_FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'hosts');

/** A host fixture is a folder of JSON parts (base.json, disks.json, nics.json …) merged into one recording. */
export function loadHostFixture(name: string): HostRecording {
  const dir = path.join(HOST_FIXTURES, name);
  const merged: Record<string, unknown> = {};
  for (const part of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const data = JSON.parse(readFileSync(path.join(dir, part), 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(data)) {
      const previous = merged[key];
      merged[key] =
        previous && typeof previous === 'object' && !Array.isArray(previous) && value && typeof value === 'object'
          ? { ...previous, ...value }
          : value;
    }
  }
  return HostRecording.parse(merged);
}

export function listHostFixtures(): string[] {
  return readdirSync(HOST_FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The recording's answers through the real replaying reader (src/env/recording.ts), with overrides for a test. */
export function createFixtureHost(recording: HostRecording, overrides: Partial<HostReader> = {}): HostReader {
  // A connection the fixture does not hold fails as an unresolvable name (what the fixtures' tests were written for).
  const tcpConnect: HostReader['tcpConnect'] = async (host, port) => recording.tcp[`${host}:${port}`] ?? { ok: false, ms: null, error: 'ENOTFOUND' };
  return { ...replayHost(recording), tcpConnect, ...overrides };
}
