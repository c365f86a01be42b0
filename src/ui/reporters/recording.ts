// Keeps every event in memory: for tests, and for callers that want the events as values.
import type { InstallerEvent } from '../../model/events.js';
import type { Reporter } from './types.js';

export interface RecordingReporter extends Reporter {
  readonly events: readonly InstallerEvent[];
  readonly closed: boolean;
}

export function createRecordingReporter(): RecordingReporter {
  const events: InstallerEvent[] = [];
  let closed = false;
  return {
    events,
    get closed() {
      return closed;
    },
    emit(event) {
      events.push(event);
    },
    close: async () => {
      closed = true;
    },
  };
}
