import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The integration tests spawn ffmpeg and HTTP servers; two cores are all CI has.
    maxWorkers: 2,
    // The event-loop watchdog runs through every file and reports turns over 100 ms (test/support/loop-watchdog-setup.ts).
    setupFiles: ['test/support/loop-watchdog-setup.ts'],
    // A stray it.only would run one test and call the suite green: refused, on CI and off it.
    allowOnly: false,
  },
});
