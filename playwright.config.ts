import { defineConfig } from '@playwright/test';

/**
 * Browser end-to-end tests (test/e2e): Debian's Chromium against the real headless server,
 * which serves the built UI from out/renderer, so run `npm run build` first:
 *
 *   npm run build && npx playwright test test/e2e/downloads.spec.ts --workers=1
 *
 * One worker: each test starts its own server, origin and browser, and the machine has two cores.
 */
export default defineConfig({
  testDir: 'test/e2e',
  // Traces and failure screenshots go here; test-results/screenshots/ (the UI states, written by
  // the tests) sits beside it, so Playwright's clean-up of outputDir at each run leaves it alone.
  outputDir: 'test-results/playwright',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  // A test waits out real retry delays and throttled transfers: about 10–25 s each.
  timeout: 90_000,
  expect: { timeout: 15_000 },
  use: {
    browserName: 'chromium',
    colorScheme: 'light',
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
