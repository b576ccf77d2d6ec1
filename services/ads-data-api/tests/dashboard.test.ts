// The dashboard in headless Debian chromium (playwright-core, no browser download) against the
// real app: REST on a fresh migrated database, the built dashboard mounted by mountDashboard.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import express from 'express';
import type { BrowserContext, Page } from 'playwright-core';

import { dashboardBuildCommand, mountDashboard } from '../src/http/dashboard-route';
import { listen, screenshot, startDashboardBrowser, type DashboardBrowser } from './support/dashboard-browser';
import type { MigratedTestDatabase } from './support/test-database';

let dashboard: DashboardBrowser;
let database: MigratedTestDatabase;
let baseUrl: string;
let adminKey: string;

function insertApiKey(role: 'admin' | 'advertiser', advertiserId: string | null = null): Promise<string> {
  return dashboard.insertApiKey(role, advertiserId);
}

function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  return dashboard.newPage();
}

/** The campaign page has settled: its charts load on demand and push what is below them. */
async function campaignPageReady(page: Page): Promise<void> {
  await page.getByTestId('campaign-name').waitFor();
  await page.getByTestId('performance').waitFor();
  await page.getByTestId('ads-table').waitFor();
}

function signIn(page: Page, key: string): Promise<void> {
  return dashboard.signIn(page, key);
}

before(async () => {
  dashboard = await startDashboardBrowser();
  database = dashboard.database;
  baseUrl = dashboard.baseUrl;
  adminKey = await insertApiKey('admin');
});

after(async () => {
  await dashboard?.close();
});

describe('mountDashboard', () => {
  it('serves index.html for client-side routes and the hashed assets', async () => {
    const page = await fetch(`${baseUrl}/dashboard/campaigns/0190f7a0-0000-7000-8000-000000000000`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    assert.match(html, /<div id="root">/);
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(html);
    assert.ok(script, 'index.html names its script under /dashboard/assets/');
    const asset = await fetch(`${baseUrl}${script[1]}`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${baseUrl}/dashboard/assets/nope.js`)).status, 404);
    const redirect = await fetch(`${baseUrl}/dashboard`, { redirect: 'manual' });
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get('location'), '/dashboard/');
  });

  it('answers 503 naming the build command while the dashboard is not built', async () => {
    const emptyDist = mkdtempSync(join(tmpdir(), 'dashboard-dist-'));
    const app = express();
    mountDashboard(app, { distDirectory: emptyDist });
    const bare = await listen(app);
    try {
      const response = await fetch(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/dashboard/advertisers`);
      assert.equal(response.status, 503);
      assert.ok((await response.text()).includes(dashboardBuildCommand));
    } finally {
      await new Promise<void>((done) => bare.close(() => done()));
      rmSync(emptyDist, { recursive: true, force: true });
    }
  });
});

describe('the dashboard in a browser', () => {
  it('refuses an unknown key and signs in and out with a real one', async () => {
    const { context, page } = await newPage();
    try {
      await page.goto(`${baseUrl}/dashboard/`);
      await page.getByLabel('API key').fill('ads_not-a-real-key');
      await page.getByTestId('sign-in').click();
      await page.getByTestId('sign-in-problem').waitFor();
      assert.match(await page.getByTestId('sign-in-problem').innerText(), /unknown or revoked/);

      await page.getByLabel('API key').fill(adminKey);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('who').waitFor();
      assert.match(await page.getByTestId('who').innerText(), /admin/);
      assert.equal(await page.getByTestId('nav-api-keys').count(), 1, 'admins see the API keys page');
      assert.equal(await page.getByTestId('nav-feature-switches').count(), 1);

      await page.getByTestId('sign-out').click();
      await page.getByTestId('sign-in-form').waitFor();
      assert.equal(await page.evaluate('window.sessionStorage.length'), 0, 'the key is gone from sessionStorage');
    } catch (error) {
      await screenshot(page, `failed-${Date.now()}`).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });

  it('creates an advertiser, a campaign and an ad through the forms, with the API’s field errors next to the fields', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, adminKey);
      await page.getByTestId('nav-advertisers').click();
      await page.getByTestId('advertisers-new').click();

      // An empty name is the API's to refuse; its message lands under the name input.
      await page.getByTestId('advertiser-form-submit').click();
      const nameError = page.getByTestId('field-name-error');
      await nameError.waitFor();
      assert.notEqual((await nameError.innerText()).trim(), '');
      assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true');
      await screenshot(page, 'advertiser-field-error');

      // Markup in a name is text, never HTML.
      const name = `Acme <b>Rockets</b> ${randomUUID().slice(0, 8)}`;
      await page.getByLabel('Name').fill(name);
      await page.getByTestId('advertiser-form-submit').click();
      await page.getByTestId('advertiser-name').waitFor();
      assert.equal(await page.getByTestId('advertiser-name').innerText(), name);

      await page.getByTestId('nav-advertisers').click();
      await page.getByTestId('advertisers-search').fill('Rockets');
      const row = page.getByTestId('advertisers-table').getByRole('link', { name });
      await row.waitFor();
      await screenshot(page, 'advertisers-list');

      // A campaign for it: the "New campaign" link on its page picks the advertiser.
      await row.click();
      await page.getByTestId('campaigns-new').click();
      await page.getByLabel('Name').fill('Spring launch');
      await page.getByLabel('Total budget').fill('5000');
      await page.getByLabel('Daily budget').fill('250.00');
      await page.getByTestId('field-bidAmount').fill('2.50');
      await page.getByTestId('campaign-form-submit').click();
      await campaignPageReady(page);
      assert.equal(await page.getByTestId('campaign-name').innerText(), 'Spring launch');
      assert.match(await page.getByTestId('campaign-status').innerText(), /draft/);

      // Activation without ads is refused; the API's reason is shown.
      await page.getByTestId('campaign-activate').click();
      await page.getByTestId('campaign-action-problem').waitFor();
      assert.match(await page.getByTestId('campaign-action-problem').innerText(), /ad/i);

      await page.getByTestId('ads-new').click();
      await page.getByLabel('Title').fill('Rockets <i>for</i> everyone');
      await page.getByLabel('Body').fill('Fly to the moon this spring.');
      await page.getByLabel('Click URL').fill('https://acme.example/rockets');
      assert.equal(await page.getByTestId('preview-title').innerText(), 'Rockets <i>for</i> everyone');
      await page.getByTestId('ad-form-submit').click();
      await campaignPageReady(page);
      const ads = page.getByTestId('ads-table');
      await ads.getByRole('link', { name: 'Rockets <i>for</i> everyone' }).waitFor();

      // New ads wait for review; an admin approves it from the campaign's ad list.
      await ads.getByRole('button', { name: 'Approve Rockets <i>for</i> everyone' }).click();
      await ads.getByText('approved').waitFor();

      await page.getByTestId('campaign-activate').click();
      await page.getByTestId('campaign-pause').waitFor();
      assert.match(await page.getByTestId('campaign-status').innerText(), /active/);
      await page.getByTestId('pacing-state').waitFor();
      await page.getByTestId('performance').waitFor();
      await screenshot(page, 'campaign');

      // Edits are PATCHes with If-Match: a change made meanwhile elsewhere is a 412, said so.
      const campaignUrl = page.url();
      const campaignId = campaignUrl.split('/').pop()!;
      await page.getByTestId('campaign-edit').click();
      await page.getByLabel('Daily budget').fill('300');
      await database.prisma.campaign.update({ where: { id: campaignId }, data: { version: { increment: 1 } } });
      await page.getByTestId('campaign-form-submit').click();
      await page.getByTestId('campaign-form-problem').waitFor();
      assert.match(await page.getByTestId('campaign-form-problem').innerText(), /412/);
      await page.getByRole('button', { name: 'Reload' }).click();
      // The reloaded entity has a new ETag, which remounts the form without the 412: filling
      // the field before that happened typed into the form about to be replaced (a flake on
      // a busy machine).
      await page.getByTestId('campaign-form-problem').waitFor({ state: 'detached' });
      await page.getByLabel('Daily budget').fill('300');
      await page.getByTestId('campaign-form-submit').click();
      await page.getByTestId('saved').waitFor();
      const stored = await database.prisma.campaign.findUniqueOrThrow({ where: { id: campaignId } });
      assert.equal(stored.dailyBudget, 30_000, 'the daily budget is stored in cents');
    } catch (error) {
      await screenshot(page, `failed-${Date.now()}`).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });

  it('shows a campaign report with as of when its figures are, right after a roll-up', async () => {
    const advertiser = await database.prisma.advertiser.create({ data: { name: `Fresh ${randomUUID().slice(0, 8)}` } });
    const campaign = await database.prisma.campaign.create({
      data: {
        advertiserId: advertiser.id,
        name: 'Fresh figures',
        totalBudget: 100_000,
        bidAmount: 200,
        flightStart: new Date(Date.now() - 86_400_000),
        flightEnd: new Date(Date.now() + 86_400_000),
      },
    });
    const ad = await database.prisma.ad.create({
      data: { campaignId: campaign.id, format: 'native', title: 'Fresh', clickUrl: 'https://fresh.example' },
    });
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    await database.prisma.hourlyStat.create({
      data: {
        adId: ad.id,
        campaignId: campaign.id,
        hour,
        impressions: 1234,
        viewableImpressions: 1000,
        clicks: 12,
        spendMicros: 1_851_000n,
      },
    });
    const { context, page } = await newPage();
    try {
      await signIn(page, adminKey);
      await page.goto(`${baseUrl}/dashboard/campaigns/${campaign.id}`);
      await campaignPageReady(page);
      await page.getByTestId('report-as-of').getByText('Figures as of').waitFor();
      assert.equal((await page.getByTestId('total-impressions').innerText()).replace(/\D/g, ''), '1234');
      await page.getByTestId('pacing-as-of').getByText('Figures as of').waitFor();
      await screenshot(page, 'campaign-report-as-of');
    } catch (error) {
      await screenshot(page, `failed-${Date.now()}`).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });

  it('lists import runs and shows the rows a run refused', async () => {
    const run = await database.prisma.importRun.create({
      data: {
        source: 'https://feeds.example/acme.csv',
        format: 'csv',
        status: 'partially_succeeded',
        totalCount: 3,
        createdCount: 2,
        failedCount: 1,
        errors: [{ line: 3, field: 'ad.clickUrl', message: 'must be an http(s) URL' }],
        startedAt: new Date(),
        finishedAt: new Date(),
      },
    });
    const { context, page } = await newPage();
    try {
      await signIn(page, adminKey);
      await page.getByTestId('nav-imports').click();
      const table = page.getByTestId('imports-table');
      await table.locator(`tr[data-id="${run.id}"]`).getByRole('link').click();
      const errors = page.getByTestId('import-errors-table');
      await errors.getByText('must be an http(s) URL').waitFor();
      assert.match(await errors.innerText(), /ad\.clickUrl/);
      await screenshot(page, 'import-run');
    } catch (error) {
      await screenshot(page, `failed-${Date.now()}`).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });

  it('shows an advertiser key only its own campaigns and no admin pages', async () => {
    const flight = { flightStart: new Date(Date.now() - 86_400_000), flightEnd: new Date(Date.now() + 30 * 86_400_000) };
    const own = await database.prisma.advertiser.create({ data: { name: `Own ${randomUUID().slice(0, 8)}` } });
    const other = await database.prisma.advertiser.create({ data: { name: `Other ${randomUUID().slice(0, 8)}` } });
    const ownCampaign = await database.prisma.campaign.create({
      data: { advertiserId: own.id, name: 'Own campaign', totalBudget: 100_000, bidAmount: 200, ...flight },
    });
    const otherCampaign = await database.prisma.campaign.create({
      data: { advertiserId: other.id, name: 'Secret campaign of another', totalBudget: 100_000, bidAmount: 200, ...flight },
    });
    const advertiserKey = await insertApiKey('advertiser', own.id);

    const { context, page } = await newPage();
    try {
      await signIn(page, advertiserKey);
      assert.match(await page.getByTestId('who').innerText(), /advertiser/);
      assert.equal(await page.getByTestId('nav-api-keys').count(), 0);
      assert.equal(await page.getByTestId('nav-feature-switches').count(), 0);

      await page.getByTestId('nav-campaigns').click();
      const table = page.getByTestId('campaigns-table');
      await table.getByRole('link', { name: 'Own campaign' }).waitFor();
      assert.equal(await table.getByText('Secret campaign of another').count(), 0);
      assert.equal(await table.locator(`tr[data-id="${otherCampaign.id}"]`).count(), 0);
      await screenshot(page, 'advertiser-key-campaigns');

      // Going to the other advertiser's campaign directly: the API answers 404, and so does the page.
      await page.goto(`${baseUrl}/dashboard/campaigns/${otherCampaign.id}`);
      await page.getByTestId('problem').waitFor();
      assert.match(await page.getByTestId('problem').innerText(), /404/);
      assert.equal(await page.getByText('Secret campaign of another').count(), 0);

      // Admin pages are not offered even by URL.
      await page.goto(`${baseUrl}/dashboard/api-keys`);
      await page.getByText('This page is for admin keys only.').waitFor();
      assert.ok(ownCampaign.id);
    } catch (error) {
      await screenshot(page, `failed-${Date.now()}`).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });
});
