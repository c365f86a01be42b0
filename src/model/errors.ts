// The few error types the installer knows. One handler in main.ts maps them to a message and an exit code.

export const EXIT = {
  ok: 0,
  /** An external command or the machine failed us; the message says what to look at. */
  failure: 1,
  /** Bad input: a flag, an answers file, a profile. Nothing was changed. */
  usage: 2,
  /** Checks found something that blocks the chosen profile (preflight, plan). */
  blocked: 3,
  /** Another ciab run holds the lock (and cannot be followed). */
  locked: 4,
  /** Ctrl-C */
  interrupted: 130,
} as const;

/** Input the user can fix: a flag, a file, a value. Exit code 2. */
export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A command we ran failed. Carries the command and the tail of its output. Exit code 1. */
export class ExternalError extends Error {
  override readonly name = 'ExternalError';
  constructor(
    message: string,
    readonly command: string,
    readonly outputTail: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Checks blocked the run; the findings were already shown. Exit code 3. */
export class BlockedError extends Error {
  override readonly name = 'BlockedError';
}

/** The person stopped the run (Ctrl-C in the wizard); nothing was changed. Exit code 130. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}

/** A run ended without success; its summary was already shown. Carries the exit code (1 failed, 130 stopped). */
export class RunEndedError extends Error {
  override readonly name = 'RunEndedError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Another run holds the lock. Exit code 4. */
export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
}
