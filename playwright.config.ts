// End-to-end tests: Debian's Chromium driven by Playwright against a running
// `logdeck-server --demo`. `cargo xtask test` builds the app, starts the server on a
// free loopback port and passes its URL in LOGDECK_URL.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.LOGDECK_URL;
if (!baseURL) {
  throw new Error('LOGDECK_URL is not set: run the end-to-end tests with `cargo xtask test`');
}

const chromium = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: 'e2e',
  forbidOnly: true,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: 'target/e2e-results',
  use: { baseURL, launchOptions: chromium, screenshot: 'only-on-failure' },
  projects: [{ name: 'chromium', use: { browserName: 'chromium', launchOptions: chromium } }],
});
