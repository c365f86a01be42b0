import { defineConfig } from 'vitest/config';

// Tests on loop devices run one file at a time, after the rest: LVM and the block devices are global state (pvs,
// vgs, lsblk and udev see every test's loop devices and PVs, and detection lists them all). Everything else runs
// two files at a time, including *.netns (private namespaces with unique names; nothing in the root namespace) and
// *.tmux (a private tmux server per file; they wait for frames, not for time). Keep the suffixes.
const EXCLUSIVE = ['test/**/*.loop.test.ts'];
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
    setupFiles: ['test/helpers/file-cost.ts'],
    testTimeout: 30_000,
    // Two cores: two files at a time (most of them wait on ansible, the CLI or key generation in child processes).
    maxWorkers: 2,
    projects: suite
      ? [{ extends: true, test: { name: suite, include: SEPARATE[suite as keyof typeof SEPARATE], exclude: IGNORED, fileParallelism: false } }]
      : [
          {
            extends: true,
            test: {
              name: 'parallel',
              include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
              exclude: [...IGNORED, ...EXCLUSIVE, ...Object.values(SEPARATE).flat()],
              sequence: { groupOrder: 0 },
            },
          },
          {
            extends: true,
            test: {
              name: 'exclusive',
              include: EXCLUSIVE,
              exclude: IGNORED,
              fileParallelism: false,
              sequence: { groupOrder: 1 },
            },
          },
        ],
  },
});
