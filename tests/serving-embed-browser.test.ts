// embed.js in a real browser (Debian's chromium driven by playwright-core; no browser is
// downloaded): the demo publisher page shows an ad with its creative as text only, the
// impression is counted on render, the viewable impression only after the ad has been at
// least half on screen for one continuous second, and a click lands on the advertiser's page
// and is counted. The index is written straight to Redis through the client library's writer.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { RedisKeys, ServingIndexStore, decodeTrackingEvent, type TrackingEventType } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { deleteKeys, startServing, testPrefix, waitFor, type RunningServing } from './support/serving-stack';

const prefix = testPrefix();
const keys = new RedisKeys(prefix);
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
let landing: Server;
let LANDING: string;
const HOSTILE_TITLE = '<img src=x onerror="window.__injected=1">Spring <b>sale</b>';
let serving: RunningServing;
let browser: Browser;

before(async () => {
  // The advertiser's site: a landing page on this machine.
  landing = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<h1>Landing</h1>');
  });
  await new Promise<void>((resolve) => landing.listen(0, '127.0.0.1', resolve));
  LANDING = `http://127.0.0.1:${(landing.address() as AddressInfo).port}/spring-sale`;
  const now = new Date();
  const store = new ServingIndexStore(redis, keys);
  await store.write({
    version: 'browser-v1',
    builtAt: now.toISOString(),
    asOf: now.toISOString(),
    featureSwitches: [],
    placements: [
      { id: 'pl-browser', key: 'browser-top', siteId: 'site-browser', siteDomain: '127.0.0.1', allowedFormats: ['native'], category: null, candidates: { sponsorship: [], standard: [0], house: [] } },
    ],
    campaigns: [
      {
        id: 'camp-browser',
        advertiserId: 'adv-browser',
        name: 'Browser test',
        flightStart: new Date(now.getTime() - 86_400_000).toISOString(),
        flightEnd: new Date(now.getTime() + 86_400_000).toISOString(),
        timeZone: 'UTC',
        totalBudget: 1_000_000,
        dailyBudget: null,
        spentMicros: 0,
        pacing: 'asap',
        priority: 'standard',
        bidType: 'CPC',
        bidAmount: 25,
        frequencyCap: null,
        targeting: { countries: [], devices: [], keywords: [], siteIds: [], categories: [], hours: [], weekdays: [] },
        exclusionLabel: null,
        liveSpendBaselineMicros: 0,
        ads: [
          {
            id: 'ad-browser',
            format: 'native',
            title: HOSTILE_TITLE,
            body: 'Everything half price <script>window.__injected=2</script>',
            imageUrl: null,
            clickUrl: LANDING,
            width: null,
            height: null,
            status: 'active',
          },
        ],
      },
    ],
  });
  await store.publish('browser-v1');
  serving = await startServing({ redisKeyPrefix: prefix });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  await serving?.stop();
  landing?.close();
  await deleteKeys(prefix);
  redis.disconnect();
});

/** The event types counted in the stream for one decision. */
async function countedEvents(decisionId: string): Promise<TrackingEventType[]> {
  const entries = await redis.xrange(keys.eventsStream, '-', '+');
  return entries
    .map(([, fields]) => decodeTrackingEvent(fields))
    .flatMap((entry) => (entry.ok && entry.event.decisionId === decisionId ? [entry.event.type] : []))
    .sort();
}

async function openDemo(position: 'top' | 'below'): Promise<{ page: Page; decisionId: string }> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await page.goto(`${serving.url}/demo?placement=browser-top&position=${position}`);
  await page.waitForSelector('#demo-slot[data-ads-state="filled"]', { timeout: 15_000 });
  const href = await page.getAttribute('#demo-slot a.ads-ad', 'href');
  const decisionId = new URL(href!).searchParams.get('d')!;
  return { page, decisionId };
}

test('the demo page shows the ad with its creative as text, and counts the impression on render', async () => {
  const { page, decisionId } = await openDemo('top');
  try {
    assert.equal(await page.textContent('#demo-slot .ads-title'), HOSTILE_TITLE, 'the title is shown as text');
    assert.equal(await page.locator('#demo-slot img').count(), 0, 'no element was injected from the creative');
    assert.equal(await page.evaluate('window.__injected'), undefined);
    assert.match((await page.getAttribute('#demo-slot a.ads-ad', 'rel'))!, /sponsored/);
    await waitFor(async () => (await countedEvents(decisionId)).includes('impression'), 'the impression to be counted');
    // In view from the start: viewable after a second.
    await waitFor(async () => (await countedEvents(decisionId)).includes('viewable'), 'the viewable impression to be counted', 10_000);
  } finally {
    await page.close();
  }
});

test('the viewable impression counts only after a continuous second on screen', async () => {
  const { page, decisionId } = await openDemo('below');
  try {
    await waitFor(async () => (await countedEvents(decisionId)).includes('impression'), 'the impression to be counted');
    await page.waitForTimeout(1_500);
    assert.deepEqual(await countedEvents(decisionId), ['impression'], 'below the fold: not viewable');
    // On screen for less than a second, then away again.
    await page.locator('#demo-slot').scrollIntoViewIfNeeded();
    await page.waitForTimeout(400);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.waitForTimeout(1_500);
    assert.deepEqual(await countedEvents(decisionId), ['impression'], 'a glimpse is not a viewable impression');
    assert.equal(await page.getAttribute('#demo-slot a.ads-ad', 'data-ads-viewable'), null);
    // On screen and left there.
    await page.locator('#demo-slot').scrollIntoViewIfNeeded();
    await waitFor(async () => (await countedEvents(decisionId)).includes('viewable'), 'the viewable impression to be counted', 10_000);
    assert.equal(await page.getAttribute('#demo-slot a.ads-ad', 'data-ads-viewable'), 'true');
  } finally {
    await page.close();
  }
});

test('a click lands on the advertiser\'s page and is counted', async () => {
  const { page, decisionId } = await openDemo('top');
  try {
    await Promise.all([page.waitForURL(LANDING, { timeout: 15_000 }), page.click('#demo-slot a.ads-ad')]);
    assert.equal(await page.textContent('h1'), 'Landing');
    await waitFor(async () => (await countedEvents(decisionId)).includes('click'), 'the click to be counted');
  } finally {
    await page.close();
  }
});
