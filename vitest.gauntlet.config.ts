import { defineConfig } from 'vitest/config';

// The full overnight gauntlet (100 kills, 200 rows): a tagged suite of its own, outside `npm test`.
export default defineConfig({
  test: {
    include: ['test/gauntlet/**/*.test.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
    allowOnly: false,
  },
});
