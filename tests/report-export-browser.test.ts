// The dashboard's report page in a real Chromium against a real ads-data-api with the seeded
// database: a campaign report broken down by ad is exported as CSV, and the CSV's columns add
// up to the totals the API answers as JSON for the same query; one chart per metric. A site
// report broken down by placement, reached from the site page, fits 1280 and 390 px, and the
// sites list shows each site's delivery.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { saveScreenshot, headlessChromium } from '@ads/test-kit';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createRpcClient, dataApiContract, readInventorySnapshot, rest } from '@ads/ads-client';
import { HOUR_MS, statsRow } from './support/feedback-stack';
import {
  createStackDatabase,
  seedStackDatabase,
  startDataApi,
  type RunningDataApi,
  type StackDatabase,
  type StackSeed,
} from './support/stack';

let database: StackDatabase | undefined;
let dataApi: RunningDataApi | undefined;
let browser: Browser | undefined;
let seed: StackSeed;
let campaignId: string;
let advertiserId: string;
let placement: { id: string; key: string; siteId: string };

before(async () => {
  database = await createStackDatabase();
  seed = await seedStackDatabase(database.url);
  dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: `test:${randomUUID()}:` });
  const client = createRpcClient(dataApiContract, { urls: [dataApi.rpcUrl], token: seed.serviceKey, timeoutMs: 30_000 });
  try {
    const campaign = (await readInventorySnapshot(client)).campaigns.find((candidate) => candidate.ads.length >= 3);
    assert.ok(campaign !== undefined, 'the seed has a campaign with three ads');
    campaignId = campaign.id;
    advertiserId = campaign.advertiserId;
    const lastHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
    const [a1, a2, a3] = campaign.ads.map((ad) => ad.id) as [string, string, string];
    const snapshot = await client.inventory.snapshot({});
    const served = snapshot.placements?.[0];
    assert.ok(served !== undefined, 'the seed has a placement');
    placement = served;
    // Served on one placement, except a2's events, rolled up without one (unattributed).
    const on = (row: ReturnType<typeof statsRow>) => ({ ...row, placementKey: served.key });
    const rows = [
      on(statsRow(a1, lastHour, { impressions: 900, clicks: 9, spendMicros: 1_800_000 })),
      on(statsRow(a1, lastHour - 30 * HOUR_MS, { impressions: 120, clicks: 1, spendMicros: 240_000 })),
      statsRow(a2, lastHour, { impressions: 9, clicks: 3, spendMicros: 18_000 }),
      on(statsRow(a3, lastHour - 50 * HOUR_MS, { impressions: 333, clicks: 0, spendMicros: 666_000 })),
    ];
    await client.stats.ingest({ batchId: randomUUID(), rows });
  } finally {
    await client.$close();
  }
  browser = await chromium.launch(headlessChromium());
});

after(async () => {
  await browser?.close();
  await dataApi?.stop();
  await database?.drop();
});

async function signedInPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser!.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${dataApi!.url}/dashboard/`);
  await page.getByLabel('API key').fill(seed.adminKey);
  await page.getByTestId('sign-in').click();
  // Attached, not visible: at phone width the signed-in bar sits in the collapsed menu.
  await page.getByTestId('who').waitFor({ state: 'attached' });
  return page;
}

function parseCsv(text: string): string[][] {
  return text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((match) => match[1]!).slice(0, -1));
}

test('a campaign report broken down by ad exports a CSV whose totals equal the API’s', async () => {
  const page = await signedInPage({ width: 1280, height: 800 });
  await page.goto(`${dataApi!.url}/dashboard/campaigns/${campaignId}`);
  await page.getByTestId('campaign-report-link').click();
  await page.getByTestId('report-title').waitFor();
  await page.getByTestId('performance').waitFor();

  const reportRequest = page.waitForRequest(
    (request) => request.url().includes('/reports/campaigns/') && request.url().includes('groupBy=ad'),
  );
  await page.getByTestId('report-group-by').selectOption('ad');
  const query = new URL((await reportRequest).url()).searchParams;
  await page.getByTestId('report-table').locator('th', { hasText: 'Ad' }).waitFor();
  await page.getByTestId('report-as-of').getByText('Figures as of').waitFor();

  // What the API answers as JSON for the same query the page made.
  const response = await fetch(`${dataApi!.url}/api/v1/reports/campaigns/${campaignId}?${query.toString()}`, {
    headers: { authorization: `Bearer ${seed.adminKey}` },
  });
  const report = rest.report.parse(await response.json());
  assert.equal(report.groups?.length, 3, 'three ads with stats in the last seven days');
  assert.equal(report.totals.impressions, 1362);
  assert.equal((await page.getByTestId('total-impressions').innerText()).replace(/\D/g, ''), '1362');
  assert.equal(await page.getByTestId('report-table').locator('tbody tr').count(), 4, 'one row per day and ad with activity');

  // Honest axes: every metric on its own chart with a single y-axis.
  for (const metric of ['impressions', 'clicks', 'ctrPercent', 'spend']) {
    const chart = page.getByTestId(`chart-${metric}`);
    await chart.locator('.recharts-surface').waitFor();
    assert.equal(await chart.locator('.recharts-yAxis').count(), 1, `${metric}: one y-axis`);
  }

  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const file = await download;
  assert.match(file.suggestedFilename(), new RegExp(`^campaign-${campaignId}-.*-day-by-ad\\.csv$`));
  const [header, ...rows] = parseCsv(readFileSync(await file.path(), 'utf8'));
  assert.deepEqual(header, ['bucket', 'ad_id', 'ad_name', 'impressions', 'viewable_impressions', 'clicks', 'spend_micros', 'ctr']);
  assert.equal(rows.length, 3 * report.points.length, 'every day of every ad');
  const sum = (column: string) => rows.reduce((total, row) => total + Number(row[header.indexOf(column)]), 0);
  assert.equal(sum('impressions'), report.totals.impressions);
  assert.equal(sum('viewable_impressions'), report.totals.viewableImpressions);
  assert.equal(sum('clicks'), report.totals.clicks);
  assert.equal(sum('spend_micros'), report.totals.spendMicros);

  await saveScreenshot(page, 'report-page');
  await page.context().close();
});

test('an advertiser report is reachable from the advertiser page and fits a phone', async () => {
  const page = await signedInPage({ width: 390, height: 844 });
  await page.goto(`${dataApi!.url}/dashboard/advertisers/${advertiserId}`);
  await page.getByTestId('advertiser-report-link').click();
  await page.getByTestId('performance').waitFor();
  await page.getByTestId('report-group-by').selectOption('campaign');
  await page.getByTestId('report-table').locator('th', { hasText: 'Campaign' }).waitFor();
  await page.getByTestId('report-as-of').getByText('Figures as of').waitFor();
  assert.equal((await page.getByTestId('total-impressions').innerText()).replace(/\D/g, ''), '1362', 'the advertiser has no other stats');
  const panel = await page.getByTestId('performance').boundingBox();
  assert.ok(
    panel !== null && panel.x + panel.width <= 390,
    `the report panel fits 390 px (right edge at ${panel?.x ?? 0} + ${panel?.width ?? 0})`,
  );
  await saveScreenshot(page, 'report-page');
  await page.context().close();
});

test('a site report broken down by placement is reached from the site page and fits 1280 and 390 px; the sites list shows delivery', async () => {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ]) {
    const page = await signedInPage(viewport);
    await page.goto(`${dataApi!.url}/dashboard/sites/${placement.siteId}`);
    await page.getByTestId('site-report-link').click();
    await page.getByTestId('performance').waitFor();
    const reportRequest = page.waitForRequest(
      (request) => request.url().includes(`/reports/sites/${placement.siteId}`) && request.url().includes('groupBy=placement'),
    );
    await page.getByTestId('report-group-by').selectOption('placement');
    const query = new URL((await reportRequest).url()).searchParams;
    await page.getByTestId('report-table').locator('th', { hasText: 'Placement' }).waitFor();
    await page.getByTestId('report-as-of').getByText('Figures as of').waitFor();
    const response = await fetch(`${dataApi!.url}/api/v1/reports/sites/${placement.siteId}?${query.toString()}`, {
      headers: { authorization: `Bearer ${seed.adminKey}` },
    });
    const report = rest.report.parse(await response.json());
    assert.equal(report.totals.impressions, 1353, 'what was served on the site: all but the unattributed 9');
    assert.deepEqual(
      report.groups?.map((group) => [group.id, group.totals.impressions]),
      [[placement.id, 1353]],
    );
    assert.equal((await page.getByTestId('total-impressions').innerText()).replace(/\D/g, ''), '1353');
    assert.equal(await page.getByTestId('report-table').locator('tbody tr').count(), 3, 'one row per day with activity');
    // A string: the test's TypeScript knows no DOM.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `${viewport.width} px: no horizontal overflow (${overflow} px)`);
    await saveScreenshot(page, 'site-report');

    await page.goto(`${dataApi!.url}/dashboard/sites`);
    const row = page.getByTestId('sites-table').locator('tr', { has: page.locator(`a[href$="/sites/${placement.siteId}"]`) });
    await row.locator('.delivery-impressions', { hasText: '1,353' }).waitFor();
    await page.context().close();
  }
});
