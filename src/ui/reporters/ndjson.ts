// --json: one event per line on stdout and nothing else, so `ciab install --json | jq` always parses.
import type { InstallerEvent } from '../../model/events.js';
import type { Reporter, TextStream } from './types.js';

export function createNdjsonReporter(stream: TextStream): Reporter {
  return {
    emit(event: InstallerEvent) {
      stream.write(`${JSON.stringify(event)}\n`);
    },
    close: async () => undefined,
  };
}
