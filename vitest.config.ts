import { defineConfig } from 'vitest/config';

// Unit tests run on recorded data and need nothing else. End-to-end and browser tests share
// one seeded Synapse, which the global setup starts (idempotently) through scripts/.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts', 'tests/browser/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 600_000,
          // One Synapse and two cores: running files one at a time keeps timings sane.
          pool: 'forks',
          maxWorkers: 1,
        },
      },
    ],
  },
});
