// --json replays to exactly the recorded lines, which parse back through the schema.
import { describe, expect, test } from 'vitest';
import { parseEventLines } from '../../../src/model/events.js';
import { createNdjsonReporter } from '../../../src/ui/reporters/ndjson.js';
import { createRecordingReporter } from '../../../src/ui/reporters/recording.js';
import { createBuffer, readStream, readStreamText, STREAMS } from './replay.js';

describe('NDJSON reporter', () => {
  test.each(STREAMS)('%s: one event per line, nothing else, and the same events back', async (name) => {
    const out = createBuffer();
    const reporter = createNdjsonReporter(out);
    const events = readStream(name);
    for (const event of events) reporter.emit(event);
    await reporter.close();
    expect(out.text()).toBe(readStreamText(name));
    const back = parseEventLines(out.text());
    expect(back.partial).toBe('');
    expect(back.events).toEqual(events);
  });
});

describe('recording reporter', () => {
  test('keeps every event in order and knows when it was closed', async () => {
    const recording = createRecordingReporter();
    const events = readStream('install-stopped');
    for (const event of events) recording.emit(event);
    expect(recording.closed).toBe(false);
    await recording.close();
    expect(recording.closed).toBe(true);
    expect(recording.events).toEqual(events);
  });
});
