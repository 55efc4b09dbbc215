/**
 * End-to-end tests. `browser`: the real app in browser mode (main/web.ts started by each test over a temp data
 * folder, in Rehearsal) driven in Chromium, Debian's where it exists. `electron`: the desktop app through
 * Playwright's Electron driver, wherever the Electron binary is installed; elsewhere it reports itself skipped.
 */
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/playwright',
  globalSetup: './test/e2e/global-setup.ts',
  // A bound for a shared 2-core machine (a whole Rehearsal batch runs inside some tests), not a speed target.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  // A stray test.only would silently run one test and call the suite green: never allowed, CI or not.
  forbidOnly: true,
  // run-tests.mjs sets PLAYWRIGHT_JSON_OUTPUT_NAME and adds the JSON report's counts to the suite's total.
  reporter: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ? [['list'], ['json']] : [['list']],
  projects: [
    {
      name: 'browser',
      testMatch: /\.spec\.ts$/,
      testIgnore: /\.electron\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        viewport: { width: 1360, height: 900 },
        launchOptions: {
          ...(existsSync(chromium) ? { executablePath: chromium } : {}),
          args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-dev-shm-usage'],
        },
      },
    },
    { name: 'electron', testMatch: /\.electron\.spec\.ts$/ },
  ],
});
