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
