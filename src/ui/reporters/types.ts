// What every reporter is: a sink for installer events that can be closed when the run is over.
import type { EventSink } from '../../model/events.js';

/** Where a text reporter writes: stderr or stdout, or a buffer in tests. */
export interface TextStream {
  write(text: string): unknown;
}

export interface Reporter extends EventSink {
  /** The run is over (or the caller leaves): flush and release the terminal. */
  close(): Promise<void>;
}

/**
 * A stream whose writes never throw: after an ssh drop stderr may be gone while the run goes on (the child runs in its
 * own session), and a reporter must not take the engine down with it.
 */
export function safeStream(stream: TextStream & { on?(event: 'error', listener: () => void): unknown }): TextStream {
  let broken = false;
  stream.on?.('error', () => {
    broken = true;
  });
  return {
    write(text: string) {
      if (broken) return false;
      try {
        return stream.write(text);
      } catch {
        broken = true;
        return false;
      }
    },
  };
}
