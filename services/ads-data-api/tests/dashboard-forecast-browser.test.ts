// The campaign form's forecast panel in chromium at 1280×800 and 390×844, against the real
// data API on a fresh database holding a synthetic opportunity history (four weeks of hourly
// request counts on two placements and a daily sample by visitor: half US, a quarter FR, a
// quarter DE). The panel asks once the form is complete, shows the figures the API answered
// with a chart by day, asks again once (debounced) when the countries are typed, and the
// figures follow; on edit it sends the campaign's id; a site without history says so.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { forecastResponse, type ForecastRequest, type ForecastResponse } from '@ads/ads-client/forecast';
import { freePort, startTsProcess, waitFor, waitForHttp, type RunningProcess, headlessChromium } from '@ads/test-kit';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';

import { issueApiKeySecret } from '../src/domain/api-key-secret';
import { ensureDashboardBuilt, screenshot, viewports } from './support/dashboard-browser';
import { packageRoot } from './support/run-package-script';
import { createTestDatabase, type MigratedTestDatabase } from './support/test-database';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const HISTORY_DAYS = 28;
/** Share of each day's requests the sample keeps (its priority threshold). */
const SAMPLE_THRESHOLD = 0.1;

// The data API runs as its own process (src/main.ts, as production runs it): a forecast is CPU
// work, and in this process it would hold up the keystrokes Playwright sends, which would then
// reach the page further apart than the debounce.
const redisKeyPrefix = `test:${randomUUID()}:`;
let database: MigratedTestDatabase;
let dataApi: RunningProcess | undefined;
let baseUrl: string;
let browser: Browser;
let adminKey: string;
let advertiserId: string;
let quietSiteId: string;
let bookedCampaignId: string;

/** A small deterministic generator (mulberry32), so the history is the same on every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Requests per placement in a UTC hour: busier in the day, busier on weekdays. */
function requestsIn(hourStart: number): number {
  const at = new Date(hourStart);
  const daytime = at.getUTCHours() >= 8 && at.getUTCHours() < 22;
  const weekend = at.getUTCDay() === 0 || at.getUTCDay() === 6;
  return (daytime ? 150 : 40) * (weekend ? 0.6 : 1);
}

before(async () => {
  ensureDashboardBuilt();
  database = await createTestDatabase();
  const { prisma } = database;
  const issued = issueApiKeySecret();
  await prisma.apiKey.create({ data: { name: 'forecast panel test', role: 'admin', prefix: issued.prefix, hash: issued.hash } });
  adminKey = issued.secret;
  advertiserId = (await prisma.advertiser.create({ data: { name: 'Forecast Motors' } })).id;
  const site = await prisma.site.create({ data: { name: 'Daily Planet', domain: 'dailyplanet.example', category: 'news' } });
  const placements = await Promise.all(
    ['planet-top', 'planet-side'].map((key) =>
      prisma.placement.create({ data: { siteId: site.id, key, name: key, allowedFormats: ['native', 'banner'] } }),
    ),
  );
  const quiet = await prisma.site.create({ data: { name: 'Quiet Gazette', domain: 'quiet.example' } });
  await prisma.placement.create({ data: { siteId: quiet.id, key: 'quiet-top', name: 'quiet-top', allowedFormats: ['native'] } });
  quietSiteId = quiet.id;

  // Four closed weeks of history, up to the last whole hour.
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const lastClosedHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
  const hours: Array<{ placementId: string; hour: Date; requests: bigint }> = [];
  for (let hour = today - HISTORY_DAYS * DAY_MS; hour <= lastClosedHour; hour += HOUR_MS) {
    for (const placement of placements) hours.push({ placementId: placement.id, hour: new Date(hour), requests: BigInt(requestsIn(hour)) });
  }
  await prisma.opportunityHour.createMany({ data: hours });

  const random = generator(16);
  const countries = ['US', 'US', 'FR', 'DE'];
  const days: Array<{ day: Date; sampleThreshold: number; sample: object[] }> = [];
  for (let day = today - HISTORY_DAYS * DAY_MS; day < today; day += DAY_MS) {
    const sample: object[] = [];
    for (let hour = 0; hour < 24; hour += 1) {
      for (const placement of placements) {
        // The sample keeps about SAMPLE_THRESHOLD of each hour's requests: the visitors whose hash is below it.
        const kept = Math.round(requestsIn(day + hour * HOUR_MS) * SAMPLE_THRESHOLD);
        for (let index = 0; index < kept; index += 1) {
          sample.push({
            placementKey: placement.key,
            hour,
            visitor: Math.floor(random() * SAMPLE_THRESHOLD * 2 ** 32),
            nonce: Math.floor(random() * 2 ** 32),
            country: countries[Math.floor(random() * countries.length)],
            device: random() < 0.6 ? 'mobile' : 'desktop',
            keywords: [],
          });
        }
      }
    }
    days.push({ day: new Date(day), sampleThreshold: SAMPLE_THRESHOLD, sample });
  }
  await prisma.opportunityDay.createMany({ data: days });

  // A booked campaign at the same priority, everywhere: the competition.
  bookedCampaignId = (
    await prisma.campaign.create({
      data: {
        advertiserId,
        name: 'Booked everywhere',
        status: 'active',
        flightStart: new Date(today - DAY_MS),
        flightEnd: new Date(today + 30 * DAY_MS),
        totalBudget: 1_000_000,
        bidAmount: 300,
      },
    })
  ).id;

  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  dataApi = startTsProcess({
    name: 'ads-data-api',
    cwd: packageRoot,
    args: ['src/main.ts'],
    env: { PORT: String(port), DATABASE_URL: database.url, REDIS_KEY_PREFIX: redisKeyPrefix, NODE_ENV: 'test' },
  });
  await waitForHttp(`${baseUrl}/readyz`, { watch: dataApi, timeoutMs: 60_000 });
  browser = await chromium.launch(headlessChromium());
});

after(async () => {
  await browser?.close();
  await dataApi?.stop();
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  const leftovers = await redis.keys(`${redisKeyPrefix}*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
  await database?.drop();
});

/** A signed-in page of its own, in UTC (so that the flight typed is whole UTC days). */
async function signedInPage(viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, timezoneId: 'UTC' });
  // Counts the page's forecast calls as they are made (the requests themselves are seen too).
  await context.addInitScript(`(() => {
    const fetchOriginal = window.fetch.bind(window);
    window.forecastFetches = 0;
    window.fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).includes('/api/v1/forecasts')) window.forecastFetches += 1;
      return fetchOriginal(input, init);
    };
  })()`);
  // Page time runs as usual until a test pauses it (typeOnPausedClock).
  await context.clock.install();
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${baseUrl}/dashboard/`);
  await page.getByLabel('API key').fill(adminKey);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('who').waitFor({ state: 'attached' });
  return page;
}

const isForecast = (request: Request) => request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/forecasts';

/** Collects every forecast request the page sends, with its body. */
function recordForecasts(page: Page): ForecastRequest[] {
  const sent: ForecastRequest[] = [];
  page.on('request', (request) => {
    if (isForecast(request)) sent.push(JSON.parse(request.postData() ?? '{}') as ForecastRequest);
  });
  return sent;
}

const digits = (text: string) => Number(text.replace(/\D/g, ''));

/** Runs `act` with the page's clock paused, then lets a second of page time pass and the clock run again. */
async function onPausedClock(page: Page, act: () => Promise<void>): Promise<void> {
  const now = await page.evaluate<number>('Date.now()');
  await page.clock.pauseAt(now + 1_000);
  await act();
  await page.clock.runFor(1_000);
  await page.clock.resume();
}

/** How many times the page called fetch for a forecast (counted in the page, as the call is made). */
const forecastFetches = (page: Page) => page.evaluate<number>('window.forecastFetches');

/**
 * Types `text` into an input as a person does, a key every 40 ms, on the page's fake clock
 * (Playwright's clock, paused): on a loaded machine real keystrokes reach the page hundreds of
 * milliseconds apart, longer than the debounce, so page time moves only when the test says.
 * Then checks the debounce: no forecast is asked for 100 ms after the last key, and one is
 * within the next second (the clock then runs again). Resolves once that request is sent.
 */
async function typeOnPausedClock(page: Page, testId: string, text: string): Promise<void> {
  const now = await page.evaluate<number>('Date.now()');
  await page.clock.pauseAt(now + 1_000);
  await page.getByTestId(testId).click();
  for (const character of text) {
    await page.keyboard.type(character);
    await page.clock.runFor(40);
  }
  const before = await forecastFetches(page);
  await page.clock.runFor(60);
  assert.equal(await forecastFetches(page), before, 'no forecast is asked 100 ms after the last key');
  const sent = page.waitForRequest(isForecast);
  await page.clock.runFor(1_000);
  assert.equal(await forecastFetches(page), before + 1, 'one forecast is asked within 1.1 s of the last key');
  await sent;
  await page.clock.resume();
}

/**
 * Runs `act`, waits for the forecast it causes and for the panel to show it settled; returns
 * the answer as the API gave it to the page.
 */
async function forecastAfter(page: Page, act: () => Promise<void>): Promise<ForecastResponse> {
  const answered = page.waitForResponse((response) => isForecast(response.request()));
  await act();
  const response = await answered;
  if (response.status() !== 200) assert.fail(`the forecast is answered: ${response.status()} ${await response.text()}`);
  const answer = forecastResponse.parse(await response.json());
  const panel = page.getByTestId('forecast-panel');
  const shown =
    answer.history.hoursWithData === 0
      ? async () => (await page.getByTestId('forecast-no-history').count()) === 1
      : async () => digits(await page.getByTestId('forecast-opportunities').innerText()) === answer.totals.opportunities;
  await waitFor(
    async () => (await panel.getAttribute('data-state')) === 'ready' && (await shown()),
    'the panel shows the latest forecast, settled',
  );
  return answer;
}

async function fillCampaign(page: Page): Promise<void> {
  const tomorrow = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + DAY_MS).toISOString().slice(0, 10);
  const weekLater = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS + 8 * DAY_MS).toISOString().slice(0, 10);
  await page.getByTestId('field-name').fill('Spring forecast');
  await page.getByTestId('field-flightStart').fill(`${tomorrow}T00:00`);
  await page.getByTestId('field-flightEnd').fill(`${weekLater}T00:00`);
  await page.getByTestId('field-bidAmount').fill('2.00');
  await page.getByTestId('field-totalBudget').fill('500');
}

describe('the campaign form’s forecast panel', () => {
  it('forecasts a complete form with a chart, and follows the countries typed with one debounced request', async () => {
    const page = await signedInPage(viewports.desktop);
    const sent = recordForecasts(page);
    try {
      await page.goto(`${baseUrl}/dashboard/campaigns/new?advertiserId=${advertiserId}`);
      await page.getByTestId('campaign-form').waitFor();
      // Budget and bid are still empty: the panel says what it needs and asks nothing.
      await page.getByTestId('forecast-status').getByText('No forecast yet: Total budget is needed.').waitFor();
      assert.equal(sent.length, 0, 'an incomplete form is not asked about');

      const everywhere = await forecastAfter(page, () => fillCampaign(page));
      assert.ok(everywhere.totals.opportunities > 0, 'the history has matching requests');
      assert.equal(everywhere.days.length, 7, 'a week of flight, a week of days');
      assert.equal(sent.at(-1)?.campaign.totalBudget, 50_000, 'budgets travel in cents');
      await page.getByTestId('forecast-chart').locator('.recharts-bar-rectangle').first().waitFor();
      assert.equal((await page.getByTestId('forecast-chart').locator('.recharts-bar-rectangle').count()) > 0, true, 'bars by day');
      assert.equal(digits(await page.getByTestId('forecast-impressions').innerText()), everywhere.totals.expectedImpressions);
      assert.match(await page.getByTestId('forecast-budget').innerText(), /^Budget (not )?reachable: /);
      assert.match(await page.getByTestId('forecast-history').innerText(), /^Based on \d+ days of recorded requests/);
      assert.match(await page.getByTestId('forecast-chart-summary').innerText(), /^7 days from /);
      await page.getByText('Forecast by day').click();
      assert.equal(await page.getByTestId('forecast-days').locator('tbody tr').count(), 7, 'the chart’s data as a table');
      const competitors = await page.getByTestId('forecast-competitors').innerText();
      assert.match(competitors, /Booked everywhere/, 'the booked campaign competes');

      // Typed as a person types: one request once typing stops, not one per keystroke.
      const before = sent.length;
      // "US" alone is a complete value on the way: without the debounce it would be asked too.
      const usAndFrance = await forecastAfter(page, () => typeOnPausedClock(page, 'field-targeting-countries', 'US, FR'));
      assert.equal(
        sent.length - before,
        1,
        `one settled request for the typed countries, not ${JSON.stringify(sent.slice(before).map((body) => [body.campaign.targeting, body.goalImpressions]))}`,
      );
      assert.deepEqual(sent.at(-1)?.campaign.targeting?.countries, ['US', 'FR']);
      assert.ok(
        usAndFrance.totals.opportunities < everywhere.totals.opportunities,
        `the US and France (${usAndFrance.totals.opportunities}) match fewer requests than everywhere (${everywhere.totals.opportunities})`,
      );
      assert.equal(digits(await page.getByTestId('forecast-impressions').innerText()), usAndFrance.totals.expectedImpressions);

      // The goal is asked about as typed, again with one request for six keystrokes.
      const beforeGoal = sent.length;
      const withGoal = await forecastAfter(page, () => typeOnPausedClock(page, 'forecast-goal', '100000'));
      assert.equal(sent.length - beforeGoal, 1, `one settled request for the typed goal, not ${sent.length - beforeGoal}`);
      assert.equal(sent.at(-1)?.goalImpressions, 100_000);
      assert.equal(withGoal.goal?.impressions, 100_000);
      assert.match(await page.getByTestId('forecast-goal-verdict').innerText(), /^Goal (not )?reachable: /);
      await screenshot(page, 'campaign-forecast');

      // A site with no recorded requests: the panel says forecasts need traffic first.
      // Two changes, one request: made on the paused clock, so the machine's load cannot split them.
      const quiet = await forecastAfter(page, () =>
        onPausedClock(page, async () => {
          await page.getByTestId('field-targeting-countries').fill('');
          await page
            .getByTestId('field-targeting-siteIds')
            .getByLabel(/Quiet Gazette/)
            .check();
        }),
      );
      assert.deepEqual(sent.at(-1)?.campaign.targeting?.siteIds, [quietSiteId]);
      assert.equal(quiet.history.hoursWithData, 0);
      assert.equal(
        await page.getByTestId('forecast-no-history').innerText(),
        'No recorded requests yet: forecasts start once serving has recorded traffic.',
      );
    } finally {
      await page.context().close();
    }
  });

  it('forecasts a booked campaign on its edit page without competing with itself, and fits a phone', async () => {
    const page = await signedInPage(viewports.phone);
    const sent = recordForecasts(page);
    try {
      const answer = await forecastAfter(page, () =>
        page.goto(`${baseUrl}/dashboard/campaigns/${bookedCampaignId}/edit`).then(() => undefined),
      );
      assert.equal(sent.at(-1)?.campaignId, bookedCampaignId, 'the edit page names the campaign');
      assert.ok(!answer.competitors.some((competitor) => competitor.campaignId === bookedCampaignId), 'it does not compete with itself');
      await page.getByTestId('forecast-chart').locator('.recharts-bar-rectangle').first().waitFor();
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
      assert.ok(overflow <= 0, `390 px: no horizontal overflow (${overflow} px)`);
      const panel = await page.getByTestId('forecast-panel').boundingBox();
      assert.ok(panel !== null && panel.x + panel.width <= 390, 'the panel fits the phone');
      await page.getByTestId('forecast-panel').scrollIntoViewIfNeeded();
      await screenshot(page, 'campaign-forecast');
    } finally {
      await page.context().close();
    }
  });
});
