// Playwright journeys against the real server and the built app (dist/).
//   scripts/build-app.sh && cargo build -p oubli-server
//   npx playwright test --config end2end/playwright.config.ts
// Chromium is Debian's (/usr/bin/chromium): never `npx playwright install`.
import { defineConfig, devices } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const port = 8091;
const baseURL = `http://127.0.0.1:${port}`;

// A fresh database per run. Workers re-read this file; the variable, set once by the
// main process, is inherited by them, so only one directory is made.
if (!process.env.OUBLI_E2E_DATA_DIR) {
  process.env.OUBLI_E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'oubli-e2e-'));
}
const dataDir = process.env.OUBLI_E2E_DATA_DIR;
const server = process.env.OUBLI_SERVER_BIN ?? 'target/debug/oubli-server';
/** The demo's third-party page (scripts/demo-host.mjs) with its snippets pointed at the
 * test server; on 8081, the origin the demo widgets allow (widget.spec.ts). */
const DEMO_HOST_PORT = 8081;

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  globalTeardown: './global-teardown.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: '../playwright-report' }]],
  use: {
    ...devices['Desktop Chrome'],
    baseURL,
    viewport: { width: 1366, height: 768 },
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
    screenshot: 'on',
    // The app's service worker (dist/sw.js) would download the app again in every new
    // context; only the offline journey (offline.spec.ts) allows it.
    serviceWorkers: 'block',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-dev-shm-usage',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
  webServer: [
    {
      command: `${server} --demo --data-dir ${dataDir} --bind 127.0.0.1:${port} --static-dir dist`,
      cwd: root,
      url: `${baseURL}/api/v1/health`,
      // The demo data set is generated at start.
      timeout: 180_000,
      reuseExistingServer: !!process.env.OUBLI_E2E_REUSE_SERVER,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `node scripts/demo-host.mjs --port ${DEMO_HOST_PORT} --oubli ${baseURL}`,
      cwd: root,
      url: `http://127.0.0.1:${DEMO_HOST_PORT}/`,
      timeout: 10_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
