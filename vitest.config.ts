import { defineConfig } from 'vitest/config';
import Sequencer from './test/sequencer.js';

// Every file runs beside the others, four at a time on two cores (many of them wait on child processes, tmux
// frames or timers). *.netns files use private namespaces with unique names and nothing in the root namespace;
// *.tmux files a private tmux server each. LVM and the block devices are one per machine: the *.loop files and
// prepare-host.check hold a machine-wide lock for their whole run (test/helpers/block-devices.ts), so they never
// overlap each other. test/sequencer.ts starts the heavy files first and spreads the lock holders. Keep the suffixes.
// Not part of `npm test`: the VM e2e (boots Debian under TCG, minutes; `npm run test:vm` / `npm run test:e2e`) and
// soaks (randomised or timed long runs that measure rather than check one case; `npm run soak`). CIAB_SUITE picks them.
const SEPARATE = { e2e: ['test/e2e/**/*.test.ts'], soak: ['test/**/*.soak.test.ts'] };
const suite = process.env.CIAB_SUITE;
if (suite !== undefined && !(suite in SEPARATE)) throw new Error(`CIAB_SUITE=${suite}: not one of ${Object.keys(SEPARATE).join(', ')}`);
const IGNORED = ['dist/**', 'node_modules/**'];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // CIAB_FILE_COST=log.ndjson: each file's wall and CPU seconds (docs/PERFORMANCE.md, "The test suite").
    setupFiles: ['test/helpers/file-cost.ts', 'test/helpers/block-device-lock.ts'],
    testTimeout: 30_000,
    // Two cores, four files at a time: many files wait much of their time (on LVM and udev, pip, tmux frames, a
    // timer), and the CPU they leave is the rest's. Measured: docs/PERFORMANCE.md.
    maxWorkers: 4,
    // A worker runs file after file in one process (the setup files run again for each): a fresh process per file
    // cost ~0.3 s of CPU each. No test file mocks modules or changes process-wide state it does not put back.
    isolate: false,
    sequence: { sequencer: Sequencer },
    projects: suite
      ? [{ extends: true, test: { name: suite, include: SEPARATE[suite as keyof typeof SEPARATE], exclude: IGNORED, fileParallelism: false } }]
      : [
          {
            extends: true,
            test: {
              name: 'suite',
              include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
              exclude: [...IGNORED, ...Object.values(SEPARATE).flat()],
            },
          },
        ],
  },
});
