// The dashboard in headless Debian chromium (playwright-core, no browser download) against the
// real app: REST on a fresh migrated database, the built dashboard mounted by mountDashboard.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { RedisKeys } from '@ads/ads-client';
import { saveScreenshot, headlessChromium } from '@ads/test-kit';
import express from 'express';
import { Redis } from 'ioredis';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { loadConfig } from '../../src/config';
import { issueApiKeySecret } from '../../src/domain/api-key-secret';
import { createApp } from '../../src/http/data-api-app';
import { dashboardDistDirectory, mountDashboard } from '../../src/http/dashboard-route';
import { packageRoot } from './run-package-script';
import { createTestDatabase, type MigratedTestDatabase } from './test-database';
import { testLogger } from './test-logger';

// Generous: two shared CPU cores, a browser and a database.
const uiTimeoutMs = 15_000;

/** The sizes every page is tried at: a laptop and a phone. */
export const viewports = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/** A running dashboard with its database, Redis prefix and browser; `close()` ends them all. */
export interface DashboardBrowser {
  database: MigratedTestDatabase;
  baseUrl: string;
  browser: Browser;
  insertApiKey(role: 'admin' | 'advertiser', advertiserId?: string | null): Promise<string>;
  /** A new page in its own context (1280×900 unless told). */
  newPage(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  signIn(page: Page, key: string): Promise<void>;
  close(): Promise<void>;
}

function newestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** Builds the dashboard when dist is missing or older than its sources (a stale build would test old code). */
export function ensureDashboardBuilt(): void {
  const builtIndex = join(dashboardDistDirectory, 'index.html');
  const dashboardRoot = join(packageRoot, 'dashboard');
  const sources = ['src', 'index.html', 'vite.config.ts'].map((name) => newestChange(join(dashboardRoot, name)));
  if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= Math.max(...sources)) return;
  const result = spawnSync('npm', ['run', '--silent', 'build:dashboard'], { cwd: packageRoot, encoding: 'utf8' });
  assert.equal(result.status, 0, `npm run build:dashboard failed:\n${result.stdout}${result.stderr}`);
}

/** Serves an app on a free local port. */
export async function listen(app: express.Express): Promise<Server> {
  return new Promise((done) => {
    const listening = app.listen(0, '127.0.0.1', () => done(listening));
  });
}

/** Saves a full-page screenshot as `artifacts/screenshots/dashboard-<name>-<width>x<height>.png` (README, "Screenshots"). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, `dashboard-${name}`);
}

/** Builds the dashboard if needed, serves it with the data API on a fresh database, starts chromium. */
export async function startDashboardBrowser(): Promise<DashboardBrowser> {
  ensureDashboardBuilt();
  const database = await createTestDatabase();
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const keyPrefix = `test:${randomUUID()}:`;
  const config = loadConfig({ DATABASE_URL: database.url, REDIS_KEY_PREFIX: keyPrefix, NODE_ENV: 'test' });
  const app = express();
  // The data API's app ends in a catch-all 404, so the dashboard goes in front of it.
  mountDashboard(app);
  app.use(createApp({ prisma: database.prisma, redis, keys: new RedisKeys(keyPrefix), config, logger: testLogger }));
  const server = await listen(app);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch(headlessChromium());
  return {
    database,
    baseUrl,
    browser,
    async insertApiKey(role, advertiserId = null) {
      const issued = issueApiKeySecret();
      await database.prisma.apiKey.create({
        data: { name: `dashboard test ${role}`, role, advertiserId, prefix: issued.prefix, hash: issued.hash },
      });
      return issued.secret;
    },
    async newPage(viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      page.setDefaultTimeout(uiTimeoutMs);
      return { context, page };
    },
    async signIn(page, key) {
      await page.goto(`${baseUrl}/dashboard/`);
      await page.getByLabel('API key').fill(key);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('who').waitFor({ state: 'attached' });
    },
    async close() {
      await browser.close();
      await new Promise<void>((done) => server.close(() => done()));
      const leftovers = await redis.keys(`${keyPrefix}*`);
      if (leftovers.length > 0) await redis.del(...leftovers);
      redis.disconnect();
      await database.drop();
    },
  };
}
