// Waiting for a screen (an ink frame, a tmux pane) to show something, with a timeout: never a fixed sleep before
// reading it. Polls `read` until the text is there; on timeout the error shows the last screen.
const POLL_MS = 20;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  timeoutMs?: number;
  /** What is being read, for the error ("the tmux pane"). */
  what?: string;
}

export async function waitFor(read: () => string | undefined, expected: string | RegExp, options: WaitOptions = {}): Promise<string> {
  const { timeoutMs = 60_000, what = 'the screen' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = read() ?? '';
    if (typeof expected === 'string' ? current.includes(expected) : expected.test(current)) return current;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(expected)} on ${what}; it shows:\n${current}`);
    await pause(POLL_MS);
  }
}

/** Wait until the screen differs from `previous` (a key that moves a cursor), then return it. */
export async function waitForChange(read: () => string | undefined, previous: string, options: WaitOptions = {}): Promise<string> {
  const { timeoutMs = 60_000, what = 'the screen' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = read() ?? '';
    if (current !== previous) return current;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} to change; it shows:\n${current}`);
    await pause(POLL_MS);
  }
}

/** Wait until `check` is true (a file appears, a process exits). */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await pause(POLL_MS);
  }
}
