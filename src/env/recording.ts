// Record every read detection makes, so a machine can be replayed in tests (and attached to a bug report).
import { z } from 'zod';
import type { CommandResult, HostReader } from './types.js';

export const HostRecording = z.object({
  description: z.string().default(''),
  hostname: z.string(),
  arch: z.string().default('x64'),
  root: z.boolean().default(true),
  now: z.string().default('2026-11-01T12:00:00.000Z'),
  /** The folder ciab ran from on the recorded machine (its disk is the installer's media), when known. */
  installerPath: z.string().nullable().default(null),
  files: z.record(z.string(), z.string()).default({}),
  dirs: z.record(z.string(), z.array(z.string())).default({}),
  links: z.record(z.string(), z.string()).default({}),
  exists: z.record(z.string(), z.boolean()).default({}),
  open: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().nullable() })).default({}),
  commands: z
    .record(
      z.string(),
      z.object({
        exitCode: z.number(),
        stdout: z.string(),
        stderr: z.string().default(''),
        notFound: z.boolean().default(false),
        timedOut: z.boolean().default(false),
      }),
    )
    .default({}),
  freeBytes: z.record(z.string(), z.number()).default({}),
  tcp: z
    .record(z.string(), z.object({ ok: z.boolean(), ms: z.number().nullable(), error: z.string().nullable() }))
    .default({}),
});
export type HostRecording = z.infer<typeof HostRecording>;

/** Wraps a reader; everything it answers is kept in `recording`. */
export function recordHost(inner: HostReader): { reader: HostReader; recording: HostRecording } {
  const recording: HostRecording = {
    description: 'recorded by ciab detect --record',
    hostname: inner.hostname(),
    arch: inner.arch(),
    root: inner.isRoot(),
    now: inner.now().toISOString(),
    installerPath: null,
    files: {},
    dirs: {},
    links: {},
    exists: {},
    open: {},
    commands: {},
    freeBytes: {},
    tcp: {},
  };
  const reader: HostReader = {
    ...inner,
    async readText(p) {
      const text = await inner.readText(p);
      if (text !== null) recording.files[p] = text;
      return text;
    },
    async listDir(p) {
      const entries = await inner.listDir(p);
      if (entries !== null) recording.dirs[p] = entries;
      return entries;
    },
    async readLink(p) {
      const target = await inner.readLink(p);
      if (target !== null) recording.links[p] = target;
      return target;
    },
    async exists(p) {
      const found = await inner.exists(p);
      recording.exists[p] = found;
      return found;
    },
    async canOpen(p, mode) {
      const result = await inner.canOpen(p, mode);
      recording.open[p] = result;
      return result;
    },
    async run(command, args, options) {
      const result = await inner.run(command, args, options);
      recording.commands[[command, ...args].join(' ')] = result;
      return result;
    },
    async freeBytes(p) {
      const free = await inner.freeBytes(p);
      if (free !== null) recording.freeBytes[p] = free;
      return free;
    },
    async tcpConnect(host, port, timeoutMs) {
      const probe = await inner.tcpConnect(host, port, timeoutMs);
      recording.tcp[`${host}:${port}`] = probe;
      return probe;
    },
  };
  return { reader, recording };
}

/**
 * A HostReader that answers from a recording: the real detection code then turns a user's `--record` file back
 * into facts anywhere. What the recording lacks reads as missing (a file, a command: "not in the recording").
 */
export function replayHost(recording: HostRecording): HostReader {
  const notRecorded: CommandResult = { exitCode: -1, stdout: '', stderr: 'not in the recording', notFound: true, timedOut: false };
  return {
    readText: async (p) => recording.files[p] ?? null,
    listDir: async (p) => recording.dirs[p] ?? null,
    readLink: async (p) => recording.links[p] ?? null,
    exists: async (p) => recording.exists[p] ?? (p in recording.files || p in recording.dirs || p in recording.links || p in recording.open),
    canOpen: async (p) => recording.open[p] ?? { ok: false, error: 'ENOENT' },
    run: async (command, args) => recording.commands[[command, ...args].join(' ')] ?? notRecorded,
    freeBytes: async (p) => recording.freeBytes[p] ?? null,
    tcpConnect: async (host, port) => recording.tcp[`${host}:${port}`] ?? { ok: false, ms: null, error: 'not in the recording' },
    hostname: () => recording.hostname,
    arch: () => recording.arch,
    isRoot: () => recording.root,
    now: () => new Date(recording.now),
  };
}
