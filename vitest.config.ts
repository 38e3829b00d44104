import { defineConfig } from 'vitest/config';

// Unit tests sit beside their files; end-to-end tests (real processes, real sockets)
// live in test/e2e and run one file at a time on CI's two cores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{shared,proto,agent,collector,cli,devcluster,test}/src/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
