// The demo data as a visitor sees it, in a real browser (Debian's chromium driven by
// playwright-core; no browser is downloaded): a database seeded by the real `db:seed` with its
// images under serving's /demo/creatives, ads-data-api, one cache-warming run and a serving
// instance, all real processes. The demo publisher page shows an ad whose image really loaded,
// on a phone (390×844, a phone's user agent) as on a desktop (1280×800); screenshots of both
// are saved under artifacts/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { saveScreenshot, headlessChromium } from '@ads/test-kit';
import { createRpcClient, dataApiContract, readInventorySnapshot } from '@ads/ads-client';
import { chromium, type Browser, type BrowserContextOptions } from 'playwright-core';
import { freePort } from './support/processes';
import { deleteKeys, runCacheWarming, startServing, testPrefix, type RunningServing } from './support/serving-stack';
import {
  createStackDatabase,
  seedStackDatabase,
  startDataApi,
  type RunningDataApi,
  type StackDatabase,
  type StackSeed,
} from './support/stack';

/** The placement the local stack's demo link shows (infra/local/start-stack.ts). */
const DEMO_PLACEMENT = 'dailyplanet-article-inline';
const IPHONE_USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

const prefix = testPrefix();
let database: StackDatabase | undefined;
let seed: StackSeed;
let dataApi: RunningDataApi | undefined;
let serving: RunningServing | undefined;
let browser: Browser | undefined;
let creativesBaseUrl: string;

before(async () => {
  // Serving's address is known before the seed, which writes it into every image URL.
  const servingPort = await freePort();
  const servingUrl = `http://127.0.0.1:${servingPort}`;
  creativesBaseUrl = `${servingUrl}/demo/creatives`;
  database = await createStackDatabase();
  seed = await seedStackDatabase(database.url, { DEMO_CREATIVES_BASE_URL: creativesBaseUrl });
  dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: prefix });
  const warmed = await runCacheWarming({ dataApiUrls: [dataApi.rpcUrl], serviceKey: seed.serviceKey, redisKeyPrefix: prefix });
  assert.equal(warmed.code, 0, `cache-warming failed:\n${warmed.stdout}${warmed.stderr}`);
  serving = await startServing({ redisKeyPrefix: prefix, port: servingPort, env: { PUBLIC_BASE_URL: servingUrl } });
  browser = await chromium.launch(headlessChromium());
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await serving?.stop();
  await dataApi?.stop();
  await database?.drop();
  await deleteKeys(prefix);
});

test('every image of a live seeded ad is a creative serving ships', async () => {
  const client = createRpcClient(dataApiContract, { urls: [dataApi!.rpcUrl], token: seed.serviceKey, timeoutMs: 30_000 });
  try {
    const snapshot = await readInventorySnapshot(client);
    const ads = snapshot.campaigns.flatMap((campaign) => campaign.ads);
    assert.deepEqual(
      ads.filter((ad) => ad.imageUrl === null).map((ad) => ad.id),
      [],
      'every ad has an image',
    );
    const imageUrls = new Set(ads.flatMap((ad) => (ad.imageUrl === null ? [] : [ad.imageUrl])));
    assert.ok(imageUrls.size >= 10, `${imageUrls.size} distinct images`);
    for (const imageUrl of imageUrls) {
      assert.ok(imageUrl.startsWith(`${creativesBaseUrl}/`), `${imageUrl} is under ${creativesBaseUrl}`);
      const response = await fetch(imageUrl);
      assert.equal(response.status, 200, imageUrl);
      assert.equal(response.headers.get('content-type'), 'image/svg+xml', imageUrl);
      await response.arrayBuffer();
    }
  } finally {
    await client.$close();
  }
});

const screens: Array<{ name: string; context: BrowserContextOptions }> = [
  { name: 'desktop', context: { viewport: { width: 1280, height: 800 } } },
  {
    name: 'phone',
    context: { viewport: { width: 390, height: 844 }, userAgent: IPHONE_USER_AGENT, isMobile: true, hasTouch: true, deviceScaleFactor: 3 },
  },
];

for (const screen of screens) {
  test(`the demo page shows an image ad on a ${screen.name}`, async () => {
    const context = await browser!.newContext(screen.context);
    try {
      const page = await context.newPage();
      await page.goto(`${serving!.url}/demo?placement=${DEMO_PLACEMENT}`);
      await page.waitForSelector('#demo-slot[data-ads-state="filled"]', { timeout: 30_000 });
      // The embed removes an image that fails to load, so one that stays and has pixels loaded.
      await page.waitForFunction(
        `(() => { const image = document.querySelector('#demo-slot a.ads-ad img'); return image !== null && image.complete && image.naturalWidth > 0; })()`,
        undefined,
        { timeout: 15_000 },
      );
      const image = await page.evaluate<{ src: string; width: number; right: number }>(
        `(() => { const image = document.querySelector('#demo-slot a.ads-ad img'); const box = image.getBoundingClientRect(); return { src: image.currentSrc, width: box.width, right: box.right }; })()`,
      );
      assert.ok(image.src.startsWith(`${creativesBaseUrl}/`), image.src);
      assert.ok(image.width > 0 && image.right <= screen.context.viewport!.width, `the image fits the screen: ${JSON.stringify(image)}`);
      await saveScreenshot(page, 'demo-page', { fullPage: false });
    } finally {
      await context.close();
    }
  });
}
