// Recorded event streams for the reporter tests, and a text stream that keeps what was written.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEventLines, type InstallerEvent } from '../../../src/model/events.js';

export const STREAMS = ['install-succeeded', 'install-failed', 'install-stopped'] as const;
export type StreamName = (typeof STREAMS)[number];

export const FIXTURES = path.join(import.meta.dirname, '..', '..', 'fixtures', 'events');

export function readStreamText(name: StreamName): string {
  return readFileSync(path.join(FIXTURES, `${name}.ndjson`), 'utf8');
}

export function readStream(name: StreamName): InstallerEvent[] {
  return parseEventLines(readStreamText(name), { source: name }).events;
}

export function createBuffer(): { write(text: string): boolean; text(): string } {
  let written = '';
  return {
    write(text: string) {
      written += text;
      return true;
    },
    text: () => written,
  };
}
