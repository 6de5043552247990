import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium';

// `make bench` (scripts/bench-browser.sh): the browser benchmark, not a test.
//
// A config of its own rather than a project of playwright.config.ts: that file's
// webServer starts a server on port 8091 with an empty database for every project, which
// the benchmark does not want (it needs 100,000 webhooks, a release server and a free
// port) and which would collide with an e2e run going on at the same time. Here the
// server is started by scripts/bench-browser.sh and reached through BENCH_BASE_URL.
// `--project=e2e` never sees these files: they are under bench/, outside ./tests.
export default defineConfig({
  testDir: './bench',
  testMatch: '**/*.bench.ts',
  timeout: 10 * 60_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.BENCH_BASE_URL,
    trace: 'off',
    launchOptions: chromiumLaunchOptions,
  },
});
