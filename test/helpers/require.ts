// The one place a test is skipped because this machine lacks something (root, a tool, the kolla venv, the VM).
// With CIAB_REQUIRE_REAL=1 (set by .ci/run) every such skip is a failure instead, so a missing package cannot
// pass CI. Explicit opt-outs (CIAB_SKIP_VM, CIAB_SKIP_KOLLA) are a person's choice, not a missing tool: they
// still skip, and say so.
import { describe, test } from 'vitest';

export const REQUIRE_REAL = process.env.CIAB_REQUIRE_REAL === '1';

/** An explicit opt-out by environment variable; skips even under CIAB_REQUIRE_REAL. */
export function optedOut(variable: 'CIAB_SKIP_VM' | 'CIAB_SKIP_KOLLA'): string | null {
  const value = process.env[variable];
  return value ? `${variable}=${value}` : null;
}

function failure(reason: string): Error {
  return new Error(`CIAB_REQUIRE_REAL=1 and this test cannot run: ${reason}`);
}

/**
 * `describe` that runs when `missing` is null. Otherwise: skipped with the reason in its name, or, under
 * CIAB_REQUIRE_REAL=1, one failing test naming what is missing. `optOut` (from optedOut()) always skips.
 */
export function describeIfAvailable(name: string, missing: string | null, body: () => void, optOut: string | null = null): void {
  if (optOut) {
    console.warn(`${name}: skipped (${optOut})`);
    describe.skip(`${name} (skipped: ${optOut})`, body);
  } else if (missing === null) {
    describe(name, body);
  } else if (REQUIRE_REAL) {
    describe(name, () => {
      test('has what it needs', () => {
        throw failure(missing);
      });
    });
  } else {
    console.warn(`${name}: skipped (${missing}); CIAB_REQUIRE_REAL=1 makes this a failure`);
    describe.skip(`${name} (skipped: ${missing})`, body);
  }
}

/** Inside a test: skip it with the reason, or under CIAB_REQUIRE_REAL=1 fail it. */
export function skipOrFail(ctx: { skip(note?: string): never }, missing: string): never {
  if (REQUIRE_REAL) throw failure(missing);
  return ctx.skip(missing);
}

/** Whether a command can be started (it exists on PATH); null when it can, the reason when not. */
export function missingTools(tools: string[], has: (tool: string) => boolean, apt?: string): string | null {
  const missing = tools.filter((t) => !has(t));
  if (missing.length === 0) return null;
  return `missing ${missing.join(', ')}${apt ? ` (apt: ${apt})` : ''}`;
}
