import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './chromium';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// One fresh database per run, shared by the server and the workers (they inherit env).
process.env.E2E_DATABASE ??= join(mkdtempSync(join(tmpdir(), 'webhooks-e2e-')), 'webhooks.sqlite3');
process.env.E2E_SERVER_BIN ??= resolve(__dirname, '../target/debug/webhooks-server');
const port = Number(process.env.E2E_PORT ?? 8091);

export default defineConfig({
  testDir: './tests',
  projects: [
    { name: 'e2e', testMatch: '**/*.spec.ts' },
    // `make screenshots`: the pictures under docs/screenshots, not a test.
    { name: 'screenshots', testMatch: '**/*.shots.ts' },
  ],
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: chromiumLaunchOptions,
  },
  webServer: {
    // The release dashboard in ../dist is served by the reference server itself.
    command: `"${process.env.E2E_SERVER_BIN}" serve --listen 127.0.0.1:${port} --database "${process.env.E2E_DATABASE}" --static-dir ../dist --dev --allow-destination 127.0.0.0/8 --allow-destination ::1/128`,
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { RUST_LOG: 'warn' },
  },
});
