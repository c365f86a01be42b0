// Setup file (vitest.config.ts): a test file that holds the block devices (test/helpers/block-devices.ts) takes
// the lock before its own hooks run and gives it back after its own cleanup (after-hooks run in reverse order).
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { holdsBlockDevices, lockBlockDevices } from './block-devices.js';

let release: (() => Promise<void>) | undefined;
// Another holder may run for minutes on a loaded machine.
beforeAll(async () => {
  const file = path.relative(path.join(import.meta.dirname, '..', '..'), expect.getState().testPath ?? '');
  if (holdsBlockDevices(file)) release = await lockBlockDevices();
}, 60 * 60_000);
afterAll(async () => {
  await release?.();
});
