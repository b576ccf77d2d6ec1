// Dashboard forms in chromium at 1280×800 and 390×844: every bad field named at once in plain
// words from the shared contracts (cross-field rules too), required fields marked, "Could not
// reach the API" kept for real network failures, frequency caps in people's units, and width
// and height asked for banners only; a bad key-value targeting expression is named, with its
// line and column, as it is typed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Page } from 'playwright-core';

import { screenshot, startDashboardBrowser, viewports, type DashboardBrowser } from './support/dashboard-browser';

let dashboard: DashboardBrowser;
let adminKey: string;
let advertiserId: string;

before(async () => {
  dashboard = await startDashboardBrowser();
  adminKey = await dashboard.insertApiKey('admin');
  advertiserId = (await dashboard.database.prisma.advertiser.create({ data: { name: 'Formfill Ltd' } })).id;
});

after(async () => {
  await dashboard?.close();
});

async function fieldErrors(page: Page): Promise<string[]> {
  return (await page.locator('.field-error').allInnerTexts()).map((text) => text.trim());
}

for (const [size, viewport] of Object.entries(viewports)) {
  describe(`forms at ${viewport.width}×${viewport.height}`, () => {
    it('names every bad field of a campaign at once, in plain words, before anything is sent', async () => {
      const { context, page } = await dashboard.newPage(viewport);
      const requests: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST') requests.push(request.url());
      });
      try {
        await dashboard.signIn(page, adminKey);
        await page.goto(`${dashboard.baseUrl}/dashboard/campaigns/new?advertiserId=${advertiserId}`);
        await page.getByTestId('campaign-form').waitFor();
        assert.ok((await page.locator('label[for="field-name"]').innerText()).includes('*'), 'Name is marked required');
        assert.equal(await page.getByTestId('field-name').getAttribute('aria-required'), 'true');
        assert.equal(await page.getByTestId('field-dailyBudget').getAttribute('aria-required'), null, 'the daily budget is optional');

        await page.getByTestId('field-name').fill('');
        await page.getByTestId('field-totalBudget').fill('abc');
        await page.getByTestId('field-dailyBudget').fill('lots');
        await page.getByTestId('field-timeZone').fill('Mars/Olympus');
        await page.getByTestId('field-flightStart').fill('2030-05-10T10:00');
        await page.getByTestId('field-flightEnd').fill('2030-05-01T10:00');
        await page.getByTestId('field-frequencyCap-count').fill('three');
        await page.getByTestId('campaign-form-submit').click();
        await page.getByTestId('campaign-form-problem').waitFor();

        assert.deepEqual((await fieldErrors(page)).sort(), [
          'Bid is required',
          'Daily budget must be a number, such as 12.50',
          'Flight end must be after the flight start',
          'Frequency cap must be a number',
          'Name is required',
          'Time zone must be an IANA time zone such as "Europe/Paris"',
          'Total budget must be a number, such as 12.50',
        ]);
        const banner = await page.getByTestId('campaign-form-problem').innerText();
        assert.doesNotMatch(banner, /Could not reach/);
        assert.match(banner, /Not saved: 7 values need changing/);
        assert.deepEqual(requests, [], 'nothing was sent');
        assert.ok((await page.evaluate<number>('document.documentElement.scrollWidth')) <= viewport.width, 'the form fits the screen');
        await screenshot(page, 'campaign-form-errors');

        // Fixed, the campaign is created, and its cap reads in people's units.
        await page.getByTestId('field-name').fill('Plain words');
        await page.getByTestId('field-totalBudget').fill('1000');
        await page.getByTestId('field-dailyBudget').fill('50');
        await page.getByTestId('field-timeZone').fill('Europe/Paris');
        await page.getByTestId('field-flightEnd').fill('2030-06-01T10:00');
        await page.getByTestId('field-bidAmount').fill('2.50');
        await page.getByTestId('field-frequencyCap-count').fill('3');
        await page.getByTestId('field-frequencyCap-windowSeconds').selectOption({ label: 'per week' });
        // Key-value targeting is checked as it is typed, the fault named by line and column.
        const expression = page.getByTestId('field-targeting-properties');
        const live = page.getByTestId('field-targeting-properties-live');
        await expression.fill('section = "sports" AND\n  word_count >= "500"');
        assert.equal((await live.innerText()).trim(), 'line 2, column 17: expected a number after ">=", found ""500""');
        assert.equal(await expression.getAttribute('aria-invalid'), 'true');
        await expression.fill('section = "sports" AND word_count >= 500');
        await live.waitFor({ state: 'detached' });
        await page.getByTestId('campaign-form-submit').click();
        await page.getByTestId('campaign-name').waitFor();
        await page.getByText('3 per week').waitFor();
        assert.equal(await page.getByTestId('campaign-properties').innerText(), 'section = "sports" AND word_count >= 500');
        const stored = await dashboard.database.prisma.campaign.findFirstOrThrow({
          where: { name: 'Plain words' },
          orderBy: { createdAt: 'desc' },
        });
        assert.deepEqual([stored.frequencyCapCount, stored.frequencyCapWindowSeconds], [3, 604_800]);
        assert.equal(stored.propertyExpression, 'section = "sports" AND word_count >= 500');
      } catch (error) {
        await screenshot(page, `failed-forms-${size}-${Date.now()}`).catch(() => undefined);
        throw error;
      } finally {
        await context.close();
      }
    });
  });
}

describe('the ad form', () => {
  it('asks for width and height for banners only, and says so when they are missing', async () => {
    const campaign = await dashboard.database.prisma.campaign.create({
      data: {
        advertiserId,
        name: 'Ad host',
        flightStart: new Date(),
        flightEnd: new Date(Date.now() + 86_400_000),
        totalBudget: 100,
        bidAmount: 1,
      },
    });
    const { context, page } = await dashboard.newPage(viewports.desktop);
    try {
      await dashboard.signIn(page, adminKey);
      await page.goto(`${dashboard.baseUrl}/dashboard/ads/new?campaignId=${campaign.id}`);
      await page.getByTestId('ad-form').waitFor();
      assert.equal(await page.getByTestId('field-width').count(), 0, 'a native ad has no size');
      await page.getByTestId('field-format').selectOption('banner');
      await page.getByTestId('field-width').waitFor();
      await page.getByTestId('field-title').fill('Big sale');
      await page.getByTestId('field-clickUrl').fill('not a url');
      await page.getByTestId('ad-form-submit').click();
      await page.getByTestId('ad-form-problem').waitFor();
      assert.deepEqual((await fieldErrors(page)).sort(), [
        'A banner needs a width and a height',
        'Click URL must be a web address such as https://example.com/page',
      ]);
    } finally {
      await context.close();
    }
  });
});
