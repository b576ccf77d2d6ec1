// The dashboard's lists, placement page and bulk actions in chromium at 1280×800 and 390×844,
// on the demo inventory (seedDemoData) with stats: names instead of ids, delivery figures,
// no horizontal overflow on a phone, the navigation folded behind a menu button.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { waitFor } from '@ads/test-kit';
import type { Page } from 'playwright-core';

import { seedDemoData } from '../src/store/demo-seed';
import { screenshot, startDashboardBrowser, viewports, type DashboardBrowser } from './support/dashboard-browser';

let dashboard: DashboardBrowser;
let adminKey: string;
/** A seeded active campaign with stats today and before, its advertiser and one of its ads. */
let delivered: { campaignId: string; campaignName: string; advertiserName: string; adId: string; adTitle: string };

const hour = 3_600_000;

before(async () => {
  dashboard = await startDashboardBrowser();
  const prisma = dashboard.database.prisma;
  await seedDemoData(prisma);
  adminKey = await dashboard.insertApiKey('admin');
  const campaign = await prisma.campaign.findFirstOrThrow({
    where: { status: 'active', dailyBudget: { not: null }, ads: { some: {} } },
    include: { advertiser: true, ads: { take: 1, orderBy: { createdAt: 'desc' } } },
    orderBy: { createdAt: 'desc' },
  });
  const ad = campaign.ads[0]!;
  delivered = {
    campaignId: campaign.id,
    campaignName: campaign.name,
    advertiserName: campaign.advertiser.name,
    adId: ad.id,
    adTitle: ad.title,
  };
  const thisHour = Math.floor(Date.now() / hour) * hour;
  // 12,345 impressions and 247 clicks in all (CTR 2.00%), 1,234 of them this hour.
  await prisma.hourlyStat.createMany({
    data: [
      { adId: ad.id, campaignId: campaign.id, hour: new Date(thisHour), impressions: 1234, clicks: 25, spendMicros: 4_560_000n },
      {
        adId: ad.id,
        campaignId: campaign.id,
        hour: new Date(thisHour - 48 * hour),
        impressions: 11_111,
        clicks: 222,
        spendMicros: 40_000_000n,
      },
    ],
  });
});

after(async () => {
  await dashboard?.close();
});

async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; viewport: number }> {
  // A string: the test's TypeScript knows no DOM.
  return page.evaluate<{ scrollWidth: number; viewport: number }>(
    '({ scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth })',
  );
}

async function assertNoHorizontalOverflow(page: Page, what: string): Promise<void> {
  const { scrollWidth, viewport } = await horizontalOverflow(page);
  assert.ok(scrollWidth <= viewport, `${what}: the page is ${scrollWidth} px wide on a ${viewport} px screen`);
}

/** Goes to a page through the navigation (the menu button first on a phone). */
async function navigate(page: Page, target: string, phone: boolean): Promise<void> {
  if (phone) {
    assert.equal(await page.getByTestId(`nav-${target}`).isVisible(), false, 'the navigation is folded on a phone');
    await page.getByTestId('menu-button').click();
  }
  await page.getByTestId(`nav-${target}`).click();
}

async function rowOf(page: Page, table: string, id: string) {
  const row = page.getByTestId(`${table}-table`).locator(`tr[data-id="${id}"]`);
  await row.waitFor();
  return row;
}

for (const [size, viewport] of Object.entries(viewports)) {
  const phone = size === 'phone';
  describe(`lists at ${viewport.width}×${viewport.height}`, () => {
    it('shows campaigns with their advertiser, status, delivery and pacing, and ads with their campaign and advertiser', async () => {
      const { context, page } = await dashboard.newPage(viewport);
      try {
        await dashboard.signIn(page, adminKey);
        await navigate(page, 'campaigns', phone);
        await page.getByTestId('campaigns-search').fill(delivered.campaignName);
        const campaign = await rowOf(page, 'campaigns', delivered.campaignId);
        await campaign.locator('.delivery-impressions', { hasText: '12,345' }).waitFor();
        assert.equal(await campaign.locator('.delivery-clicks').innerText(), '247');
        assert.equal(await campaign.locator('.delivery-ctr').innerText(), '2.00%');
        assert.equal(await campaign.locator('.delivery-spend-today').innerText(), '4.56');
        assert.equal(await campaign.locator('.delivery-spend-total').innerText(), '44.56');
        assert.match(await campaign.getByTestId('row-pacing').innerText(), /% of daily/);
        await campaign.getByTestId('name-of-advertisers').getByText(delivered.advertiserName, { exact: true }).waitFor();
        await campaign.getByText('active').waitFor();
        await assertNoHorizontalOverflow(page, 'campaigns');
        await screenshot(page, 'campaigns');

        await navigate(page, 'ads', phone);
        await page.getByTestId('ads-search').fill(delivered.adTitle);
        const ad = await rowOf(page, 'ads', delivered.adId);
        await ad.getByTestId('name-of-campaigns').getByText(delivered.campaignName, { exact: true }).waitFor();
        await ad.getByTestId('name-of-advertisers').getByText(delivered.advertiserName, { exact: true }).waitFor();
        await ad.locator('.delivery-impressions', { hasText: '12,345' }).waitFor();
        assert.equal(await ad.getByRole('link', { name: 'campaign', exact: true }).count(), 0, 'no row says just "campaign"');
        await assertNoHorizontalOverflow(page, 'ads');
        await screenshot(page, 'ads');

        await navigate(page, 'advertisers', phone);
        const advertiserId = (await dashboard.database.prisma.campaign.findUniqueOrThrow({ where: { id: delivered.campaignId } }))
          .advertiserId;
        const advertiser = await rowOf(page, 'advertisers', advertiserId);
        await advertiser.locator('.delivery-impressions', { hasText: '12,345' }).waitFor();
        await assertNoHorizontalOverflow(page, 'advertisers');
        await screenshot(page, 'advertisers');

        for (const target of ['sites', 'placements']) {
          await navigate(page, target, phone);
          await page.getByTestId(`${target}-table`).locator('tr[data-id]').first().waitFor();
          await assertNoHorizontalOverflow(page, target);
          await screenshot(page, target);
        }
      } catch (error) {
        await screenshot(page, `failed-lists-${size}-${Date.now()}`).catch(() => undefined);
        throw error;
      } finally {
        await context.close();
      }
    });

    it('shows a placement’s ad code with a Copy button', async () => {
      const { context, page } = await dashboard.newPage(viewport);
      try {
        await context.grantPermissions(['clipboard-read', 'clipboard-write']);
        const placement = await dashboard.database.prisma.placement.findFirstOrThrow({ orderBy: { key: 'asc' } });
        await dashboard.signIn(page, adminKey);
        await navigate(page, 'placements', phone);
        await (await rowOf(page, 'placements', placement.id)).getByRole('link', { name: placement.key }).click();
        const snippet = await page.getByTestId('embed-snippet-text').inputValue();
        assert.match(snippet, /<script async src="http:\/\/127\.0\.0\.1:4100\/embed\.js"><\/script>/);
        assert.ok(snippet.includes(`<div data-ads-placement="${placement.key}"></div>`), snippet);
        await page.getByTestId('serving-origin').fill('https://ads.example.com/');
        await page.getByTestId('embed-snippet-copy').click();
        await page.getByTestId('embed-snippet-copied').waitFor();
        const copied = await page.evaluate<string>('navigator.clipboard.readText()');
        assert.equal(
          copied,
          `<script async src="https://ads.example.com/embed.js"></script>\n<div data-ads-placement="${placement.key}"></div>`,
        );
        await assertNoHorizontalOverflow(page, 'placement page');
        await screenshot(page, 'placement');
      } finally {
        await context.close();
      }
    });
  });
}

describe('bulk actions', () => {
  it('pauses the selected active campaigns and activates them again, leaving the others alone', async () => {
    const prisma = dashboard.database.prisma;
    const chosen = await prisma.campaign.findMany({ where: { status: 'active' }, orderBy: { createdAt: 'desc' }, take: 2 });
    assert.equal(chosen.length, 2, 'the demo data has active campaigns');
    const { context, page } = await dashboard.newPage(viewports.desktop);
    try {
      await dashboard.signIn(page, adminKey);
      await page.getByTestId('nav-campaigns').click();
      await page.getByTestId('campaigns-filter-status').selectOption('active');
      for (const campaign of chosen) await (await rowOf(page, 'campaigns', campaign.id)).getByTestId('select-row').check();
      await page.getByTestId('campaigns-bulk').getByText('2 selected').waitFor();
      await page.getByTestId('campaigns-bulk-pause').click();
      await page.getByTestId('campaigns-bulk-outcome').getByText('Pause: 2 done.').waitFor();
      await waitFor(async () => {
        const statuses = await prisma.campaign.findMany({
          where: { id: { in: chosen.map((campaign) => campaign.id) } },
          select: { status: true },
        });
        return statuses.every((row) => row.status === 'paused');
      }, 'the selected campaigns are paused');
      const stillActive = await prisma.campaign.count({ where: { status: 'active' } });
      assert.ok(stillActive > 0, 'campaigns that were not selected stay active');

      await page.getByTestId('campaigns-filter-status').selectOption('paused');
      for (const campaign of chosen) await (await rowOf(page, 'campaigns', campaign.id)).getByTestId('select-row').check();
      await page.getByTestId('campaigns-bulk-resume').click();
      await page
        .getByTestId('campaigns-bulk-outcome')
        .getByText(/^Resume: 2 done/)
        .waitFor();
      const after = await prisma.campaign.findMany({
        where: { id: { in: chosen.map((campaign) => campaign.id) } },
        select: { status: true },
      });
      assert.deepEqual(
        after.map((row) => row.status),
        ['active', 'active'],
      );
    } catch (error) {
      await screenshot(page, `failed-bulk-${Date.now()}`).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });
});

describe('duplicating a campaign', () => {
  it('opens the draft copy, with the ads of the original', async () => {
    const prisma = dashboard.database.prisma;
    const { context, page } = await dashboard.newPage(viewports.phone);
    try {
      await dashboard.signIn(page, adminKey);
      await page.goto(`${dashboard.baseUrl}/dashboard/campaigns/${delivered.campaignId}`);
      await page.getByTestId('campaign-name').waitFor();
      await page.getByTestId('campaign-duplicate').click();
      await page.getByTestId('campaign-name').getByText(`Copy of ${delivered.campaignName}`, { exact: true }).waitFor();
      const copyId = page.url().split('/').pop()!;
      assert.notEqual(copyId, delivered.campaignId);
      assert.match(await page.getByTestId('campaign-status').innerText(), /draft/);
      const [originalAds, copiedAds] = await Promise.all([
        prisma.ad.count({ where: { campaignId: delivered.campaignId, status: { not: 'archived' } } }),
        prisma.ad.count({ where: { campaignId: copyId } }),
      ]);
      assert.equal(copiedAds, originalAds);
      await assertNoHorizontalOverflow(page, 'campaign page');
      await screenshot(page, 'campaign-copy');
    } finally {
      await context.close();
    }
  });
});
