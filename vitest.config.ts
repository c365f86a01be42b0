import { defineConfig } from 'vitest/config';

// Tests that change kernel state (network namespaces, loop devices), boot the VM, or time a real terminal run one
// file at a time, after the rest; everything else runs in parallel. Keep the suffixes when adding such a test.
const EXCLUSIVE = ['test/**/*.netns.test.ts', 'test/**/*.loop.test.ts', 'test/**/*.tmux.test.ts', 'test/**/*.timing.test.ts', 'test/e2e/**/*.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    // Two cores: two files at a time (most of them wait on ansible, the CLI or key generation in child processes).
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['dist/**', 'node_modules/**', ...EXCLUSIVE],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'exclusive',
          include: EXCLUSIVE,
          exclude: ['dist/**', 'node_modules/**'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
