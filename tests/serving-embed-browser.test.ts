// embed.js in a real browser (Debian's chromium driven by playwright-core; no browser is
// downloaded): the demo publisher page shows an ad with its creative as text only, the
// impression is counted on render, the viewable impression only after the ad has been at
// least half on screen for one continuous second, and a click lands on the advertiser's page
// and is counted; a page with bad slots next to good ones gets ads in the good ones. The index
// is written straight to Redis through the client library's writer.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { RedisKeys, ServingIndexStore, decodeTrackingEvent, type TrackingEventType } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitFor, headlessChromium } from '@ads/test-kit';
import { deleteKeys, startServing, testPrefix, type RunningServing } from './support/serving-stack';

const prefix = testPrefix();
const keys = new RedisKeys(prefix);
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
let landing: Server;
let LANDING: string;
/** The landing page of the ad with an international host name, as written and as the browser reaches it. */
let IDN_LANDING: string;
let IDN_LANDING_ASCII: string;
const HOSTILE_TITLE = '<img src=x onerror="window.__injected=1">Spring <b>sale</b>';
let serving: RunningServing;
let browser: Browser;
/** Advertisers with an ad on the `browser-multi` placement: as many as good slots on the multi-slot page. */
const MULTI_ADVERTISERS = 4;

before(async () => {
  // The advertiser's site: a landing page on this machine.
  landing = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<h1>Landing</h1>');
  });
  await new Promise<void>((resolve) => landing.listen(0, '127.0.0.1', resolve));
  LANDING = `http://127.0.0.1:${(landing.address() as AddressInfo).port}/spring-sale`;
  // exämple.test is xn--exmple-cua.test, which chromium resolves to this machine (see the launch).
  IDN_LANDING = `http://exämple.test:${(landing.address() as AddressInfo).port}/idn-sale`;
  IDN_LANDING_ASCII = `http://xn--exmple-cua.test:${(landing.address() as AddressInfo).port}/idn-sale`;
  const now = new Date();
  const hostileCampaign = {
    id: 'camp-browser',
    advertiserId: 'adv-browser',
    name: 'Browser test',
    flightStart: new Date(now.getTime() - 86_400_000).toISOString(),
    flightEnd: new Date(now.getTime() + 86_400_000).toISOString(),
    timeZone: 'UTC',
    totalBudget: 1_000_000,
    dailyBudget: null,
    spentMicros: 0,
    pacing: 'asap' as const,
    priority: 'standard' as const,
    bidType: 'CPC' as const,
    bidAmount: 25,
    frequencyCap: null,
    targeting: { countries: [], devices: [], keywords: [], siteIds: [], categories: [], hours: [], weekdays: [] },
    exclusionLabel: null,
    liveSpendBaselineMicros: 0,
    ads: [
      {
        id: 'ad-browser',
        format: 'native' as const,
        title: HOSTILE_TITLE,
        body: 'Everything half price <script>window.__injected=2</script>',
        imageUrl: null,
        clickUrl: LANDING,
        width: null,
        height: null,
        status: 'active' as const,
      },
    ],
  };
  // Competitive exclusion allows one ad per advertiser in a response: one advertiser per good
  // slot of the multi-slot page, ad ordinals 1..n after the hostile campaign's ad 0.
  const multiCampaigns = Array.from({ length: MULTI_ADVERTISERS }, (_, at) => ({
    ...hostileCampaign,
    id: `camp-multi-${at + 1}`,
    advertiserId: `adv-multi-${at + 1}`,
    name: `Multi-slot test ${at + 1}`,
    ads: [{ ...hostileCampaign.ads[0]!, id: `ad-multi-${at + 1}`, title: `Multi-slot ad ${at + 1}`, body: 'A plain ad' }],
  }));
  // An ad whose landing page has a non-ASCII host name: ad ordinal 1 + MULTI_ADVERTISERS.
  const idnCampaign = {
    ...hostileCampaign,
    id: 'camp-idn',
    advertiserId: 'adv-idn',
    name: 'International landing host',
    ads: [{ ...hostileCampaign.ads[0]!, id: 'ad-idn', title: 'Ein Angebot', body: 'Landing on an IDN host', clickUrl: IDN_LANDING }],
  };
  const store = new ServingIndexStore(redis, keys);
  await store.write({
    version: 'browser-v1',
    builtAt: now.toISOString(),
    asOf: now.toISOString(),
    featureSwitches: [],
    placements: [
      {
        id: 'pl-browser',
        key: 'browser-top',
        siteId: 'site-browser',
        siteDomain: '127.0.0.1',
        allowedFormats: ['native'],
        category: null,
        candidates: { sponsorship: [], standard: [0], house: [] },
      },
      {
        id: 'pl-multi',
        key: 'browser-multi',
        siteId: 'site-browser',
        siteDomain: '127.0.0.1',
        allowedFormats: ['native'],
        category: null,
        candidates: { sponsorship: [], standard: multiCampaigns.map((_, at) => at + 1), house: [] },
      },
      {
        id: 'pl-idn',
        key: 'browser-idn',
        siteId: 'site-browser',
        siteDomain: '127.0.0.1',
        allowedFormats: ['native'],
        category: null,
        candidates: { sponsorship: [], standard: [1 + MULTI_ADVERTISERS], house: [] },
      },
    ],
    campaigns: [hostileCampaign, ...multiCampaigns, idnCampaign],
  });
  await store.publish('browser-v1');
  serving = await startServing({ redisKeyPrefix: prefix });
  browser = await chromium.launch(headlessChromium(['--host-resolver-rules=MAP xn--exmple-cua.test 127.0.0.1']));
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
  return { page, decisionId: decisionIdOf(href!) };
}

/** The decision id in an ad's click beacon, `<serving>/t/<token>/c`: the token's 7th field. */
function decisionIdOf(clickUrl: string): string {
  const path = new URL(clickUrl).pathname;
  assert.match(path, /^\/t\/[^/]+\/c$/, 'the link is the click beacon');
  return decodeURIComponent(path.split('/')[2]!.split(',')[6]!);
}

// In-page helpers for the demo page's ad, given as source text (the tests' TypeScript has no DOM
// types). Times are the page's performance.now(), the clock the embed's timer runs on, so that
// the delay measured is the page's own and not the test process's round trips.
const VIEWABILITY_HELPERS = `window.__viewability = {
  ad() { return document.querySelector('#demo-slot a.ads-ad'); },
  /** Scrolls so that this share of the ad's height shows at the bottom of the viewport. */
  show(share) {
    const box = this.ad().getBoundingClientRect();
    window.scrollTo(0, Math.round(box.top + window.scrollY + box.height * share - window.innerHeight));
    return performance.now();
  },
  /** The share of the ad's pixels in the viewport now. */
  shown() {
    const box = this.ad().getBoundingClientRect();
    return Math.max(0, Math.min(window.innerHeight, box.bottom) - Math.max(0, box.top)) / box.height;
  },
  /** When the viewable beacon was sent, or null. */
  beaconAt() {
    const entry = performance.getEntriesByType('resource').find((candidate) => {
      const path = new URL(candidate.name).pathname;
      return path.startsWith('/t/') && path.endsWith('/v');
    });
    return entry === undefined ? null : entry.startTime;
  },
  /** Shows the given share, keeps it there for a while, then shows the next: [[share, ms], ...]. */
  async sequence(steps) {
    let shownAt = 0;
    for (const [share, ms] of steps) {
      shownAt = this.show(share);
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    return shownAt;
  },
};`;

async function adShare(page: Page): Promise<number> {
  return await page.evaluate<number>('window.__viewability.shown()');
}

/** Shows `share` of the demo ad in the viewport; returns when (page clock) and the share seen. */
async function showAd(page: Page, share: number): Promise<{ at: number; shown: number }> {
  const at = await page.evaluate<number>(`window.__viewability.show(${share})`);
  return { at, shown: await adShare(page) };
}

async function viewableBeaconAt(page: Page): Promise<number | null> {
  return await page.evaluate<number | null>('window.__viewability.beaconAt()');
}

/** Waits for the viewable impression to be counted; returns when the page sent its beacon. */
async function awaitViewable(page: Page, decisionId: string): Promise<number> {
  await waitFor(async () => (await countedEvents(decisionId)).includes('viewable'), 'the viewable impression to be counted', {
    timeoutMs: 10_000,
  });
  // The page records the beacon's timing once the answer is in, which may be after it was counted.
  await waitFor(async () => (await viewableBeaconAt(page)) !== null, 'the page to record its viewable beacon', { timeoutMs: 5_000 });
  assert.equal(await page.getAttribute('#demo-slot a.ads-ad', 'data-ads-viewable'), 'true');
  return (await viewableBeaconAt(page))!;
}

// The rule allows no beacon before one second; the slack covers timer rounding, not a short cut.
const VIEWABLE_EARLIEST_MS = 950;
// Generous: a slow machine may run the page's timers late.
const VIEWABLE_LATEST_MS = 5_000;

test('the demo page shows the ad with its creative as text, and counts the impression on render', async () => {
  const { page, decisionId } = await openDemo('top');
  try {
    assert.equal(await page.textContent('#demo-slot .ads-title'), HOSTILE_TITLE, 'the title is shown as text');
    assert.equal(await page.locator('#demo-slot img').count(), 0, 'no element was injected from the creative');
    assert.equal(await page.evaluate('window.__injected'), undefined);
    assert.match((await page.getAttribute('#demo-slot a.ads-ad', 'rel'))!, /sponsored/);
    await waitFor(async () => (await countedEvents(decisionId)).includes('impression'), 'the impression to be counted');
    // In view from the start: viewable after a second.
    await waitFor(async () => (await countedEvents(decisionId)).includes('viewable'), 'the viewable impression to be counted', {
      timeoutMs: 10_000,
    });
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
    await waitFor(async () => (await countedEvents(decisionId)).includes('viewable'), 'the viewable impression to be counted', {
      timeoutMs: 10_000,
    });
    assert.equal(await page.getAttribute('#demo-slot a.ads-ad', 'data-ads-viewable'), 'true');
  } finally {
    await page.close();
  }
});

test('under half of the ad on screen is never viewable, half or more is, after a second', async () => {
  const { page, decisionId } = await openDemo('below');
  try {
    await page.evaluate(VIEWABILITY_HELPERS);
    await waitFor(async () => (await countedEvents(decisionId)).includes('impression'), 'the impression to be counted');
    const part = await showAd(page, 0.3);
    assert.ok(part.shown > 0.2 && part.shown < 0.4, `about 30% of the ad is on screen (${part.shown.toFixed(2)})`);
    await page.waitForTimeout(2_500);
    assert.equal((await adShare(page)).toFixed(2), part.shown.toFixed(2), 'the ad stayed where it was');
    assert.deepEqual(await countedEvents(decisionId), ['impression'], '30% on screen for 2.5 s is not viewable');
    assert.equal(await viewableBeaconAt(page), null);
    assert.equal(await page.getAttribute('#demo-slot a.ads-ad', 'data-ads-viewable'), null);
    // Past half, but not all of it: the rule is 50% of the pixels, not the whole ad.
    const most = await showAd(page, 0.6);
    assert.ok(most.shown > 0.5 && most.shown < 0.7, `about 60% of the ad is on screen (${most.shown.toFixed(2)})`);
    const delay = (await awaitViewable(page, decisionId)) - most.at;
    assert.ok(
      delay >= VIEWABLE_EARLIEST_MS,
      `the viewable beacon came ${Math.round(delay)} ms after the ad was half on screen, before one second`,
    );
    assert.ok(delay <= VIEWABLE_LATEST_MS, `the viewable beacon came ${Math.round(delay)} ms after the ad was half on screen`);
  } finally {
    await page.close();
  }
});

test('dropping under half before a second resets the clock', async () => {
  const { page, decisionId } = await openDemo('below');
  try {
    await page.evaluate(VIEWABILITY_HELPERS);
    await waitFor(async () => (await countedEvents(decisionId)).includes('impression'), 'the impression to be counted');
    // 600 ms at 60%, 600 ms at 30%, back to 60%: a second counts only from the return.
    const backAt = await page.evaluate<number>('window.__viewability.sequence([[0.6, 600], [0.3, 600], [0.6, 0]])');
    const delay = (await awaitViewable(page, decisionId)) - backAt;
    assert.ok(delay >= VIEWABLE_EARLIEST_MS, `the viewable beacon came ${Math.round(delay)} ms after the ad came back, before one second`);
    assert.ok(delay <= VIEWABLE_LATEST_MS, `the viewable beacon came ${Math.round(delay)} ms after the ad came back`);
  } finally {
    await page.close();
  }
});

test("a click lands on the advertiser's page and is counted", async () => {
  const { page, decisionId } = await openDemo('top');
  try {
    await Promise.all([page.waitForURL(LANDING, { timeout: 15_000 }), page.click('#demo-slot a.ads-ad')]);
    assert.equal(await page.textContent('h1'), 'Landing');
    await waitFor(async () => (await countedEvents(decisionId)).includes('click'), 'the click to be counted');
  } finally {
    await page.close();
  }
});

test('a click on an ad whose landing page has an international host name lands on its punycode form and is counted once', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  try {
    await page.goto(`${serving.url}/demo?placement=browser-idn&position=top`);
    await page.waitForSelector('#demo-slot[data-ads-state="filled"]', { timeout: 15_000 });
    assert.equal(await page.textContent('#demo-slot .ads-title'), 'Ein Angebot');
    const clickUrl = (await page.getAttribute('#demo-slot a.ads-ad', 'href'))!;
    const decisionId = decisionIdOf(clickUrl);
    const clickPath = new URL(clickUrl).pathname;
    const clickAnswer = page.waitForResponse((response) => new URL(response.url()).pathname === clickPath);
    await Promise.all([page.waitForURL(IDN_LANDING_ASCII, { timeout: 15_000 }), page.click('#demo-slot a.ads-ad')]);
    const click = await clickAnswer;
    assert.equal(click.status(), 302);
    assert.equal(click.headers()['location'], IDN_LANDING_ASCII);
    assert.equal(await page.textContent('h1'), 'Landing');
    await waitFor(async () => (await countedEvents(decisionId)).includes('click'), 'the click to be counted');
    assert.deepEqual(
      (await countedEvents(decisionId)).filter((type) => type === 'click'),
      ['click'],
      'counted once',
    );
  } finally {
    await page.close();
  }
});

// A publisher page (served by the test at the serving origin) with bad slots between good ones:
// a repeated or very long id is the publisher's business and must not matter; a slot the
// decision request cannot carry fails alone.
const LONG_ID = 'x'.repeat(150);
const GOOD_SLOTS = ['twin', 'twin', LONG_ID, 'three-formats'];
const BAD_SLOTS: Record<string, RegExp> = {
  'bad-empty': /data-ads-placement is empty/,
  'bad-long': /data-ads-placement is 101 characters long/,
  'bad-count': /data-ads-count "11"/,
  'bad-format': /data-ads-formats names "video"/,
};
const PUBLISHER_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Many slots</title></head>
<body>
<div id="twin" data-ads-placement="browser-multi"></div>
<div id="bad-empty" data-ads-placement=""></div>
<div id="twin" data-ads-placement="browser-multi"></div>
<div id="bad-long" data-ads-placement="${'p'.repeat(101)}"></div>
<div id="${LONG_ID}" data-ads-placement="browser-multi"></div>
<div id="bad-count" data-ads-placement="browser-multi" data-ads-count="11"></div>
<div id="three-formats" data-ads-placement="browser-multi" data-ads-formats="native, banner, native"></div>
<div id="bad-format" data-ads-placement="browser-multi" data-ads-formats="native,video"></div>
<div id="longest-key" data-ads-placement="${'q'.repeat(100)}"></div>
<script async src="/embed.js"></script>
</body>
</html>
`;

test('a bad slot is marked as an error on its own, and the good slots on the page get their ads', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const warnings: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'warning') warnings.push(message.text());
  });
  const decideStatuses: number[] = [];
  page.on('response', (response) => {
    if (new URL(response.url()).pathname === '/rpc') decideStatuses.push(response.status());
  });
  try {
    await page.route(`${serving.url}/publisher`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: PUBLISHER_PAGE }),
    );
    await page.goto(`${serving.url}/publisher`);
    await page.waitForFunction(
      `[...document.querySelectorAll('[data-ads-placement]')].every((slot) => ['filled', 'empty', 'error'].includes(slot.getAttribute('data-ads-state')))`,
      undefined,
      { timeout: 15_000 },
    );
    const slots = await page.evaluate<{ id: string; state: string; ads: string[] }[]>(
      `[...document.querySelectorAll('[data-ads-placement]')].map((slot) => ({
        id: slot.id,
        state: slot.getAttribute('data-ads-state'),
        ads: [...slot.querySelectorAll('a.ads-ad')].map((ad) => ad.getAttribute('data-ads-ad-id')),
      }))`,
    );
    const good = slots.filter((slot) => GOOD_SLOTS.includes(slot.id));
    assert.equal(good.length, GOOD_SLOTS.length);
    for (const slot of good) {
      assert.equal(slot.state, 'filled', `slot ${slot.id.slice(0, 20)} is filled`);
      assert.equal(slot.ads.length, 1, `slot ${slot.id.slice(0, 20)} shows the one ad it asked for`);
    }
    assert.equal(new Set(good.map((slot) => slot.ads[0])).size, good.length, 'each good slot shows an ad of its own (one per advertiser)');
    for (const [id, problem] of Object.entries(BAD_SLOTS)) {
      const slot = slots.find((candidate) => candidate.id === id)!;
      assert.deepEqual({ state: slot.state, ads: slot.ads }, { state: 'error', ads: [] }, `slot ${id} is marked as an error`);
      assert.ok(
        warnings.some((warning) => warning.includes(`id="${id}"`) && problem.test(warning)),
        `a console warning names slot ${id} and its problem (${problem}); got: ${JSON.stringify(warnings)}`,
      );
    }
    // 100 characters is within the contract: asked for, and no ad there; the answer says no
    // placement has that key, and the embed passes that on.
    assert.equal(slots.find((slot) => slot.id === 'longest-key')!.state, 'empty');
    const unknownKey = warnings.filter((warning) => warning.includes('no placement has the key'));
    assert.equal(unknownKey.length, 1, `the unknown key is named once: ${JSON.stringify(warnings)}`);
    assert.equal(
      warnings.length,
      Object.keys(BAD_SLOTS).length + 1,
      `one warning per bad slot and one for the unknown key: ${JSON.stringify(warnings)}`,
    );
    assert.deepEqual(decideStatuses, [200], 'one decision request, which the server took');
  } finally {
    await page.close();
  }
});
