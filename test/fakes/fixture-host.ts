// A HostReader backed by a recorded host (test/fixtures/hosts/*.json). Anything the fixture does not
// hold behaves like a missing file or a missing command, which is exactly what detection must survive.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CommandResult, HostReader } from '../../src/env/types.js';
import { HostRecording } from '../../src/env/recording.js';

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

export function createFixtureHost(recording: HostRecording, overrides: Partial<HostReader> = {}): HostReader {
  const missingCommand: CommandResult = { exitCode: -1, stdout: '', stderr: '', notFound: true, timedOut: false };
  const reader: HostReader = {
    readText: async (p) => recording.files[p] ?? null,
    listDir: async (p) => recording.dirs[p] ?? null,
    readLink: async (p) => recording.links[p] ?? null,
    exists: async (p) => recording.exists[p] ?? (p in recording.files || p in recording.dirs || p in recording.links || p in recording.open),
    canOpen: async (p) => recording.open[p] ?? { ok: false, error: 'ENOENT' },
    run: async (command, args) => recording.commands[[command, ...args].join(' ')] ?? missingCommand,
    freeBytes: async (p) => recording.freeBytes[p] ?? null,
    tcpConnect: async (host, port) => recording.tcp[`${host}:${port}`] ?? { ok: false, ms: null, error: 'ENOTFOUND' },
    hostname: () => recording.hostname,
    arch: () => recording.arch,
    isRoot: () => recording.root,
    now: () => new Date(recording.now),
  };
  return { ...reader, ...overrides };
}
