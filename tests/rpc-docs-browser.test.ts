// /rpc/docs of the data API in a real Chromium: it says how to authenticate, shows a curl
// example per method, and its try-it form calls the method with the key typed in.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { saveScreenshot, headlessChromium } from '@ads/test-kit';
import { chromium, type Browser } from 'playwright-core';
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

before(async () => {
  database = await createStackDatabase();
  seed = await seedStackDatabase(database.url);
  dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: `test:${randomUUID()}:` });
  browser = await chromium.launch(headlessChromium());
});

after(async () => {
  await browser?.close();
  await dataApi?.stop();
  await database?.drop();
});

test('the RPC docs page explains authentication, shows curl examples and calls a method with a key', async () => {
  const page = await browser!.newPage();
  await page.goto(`${dataApi!.rpcUrl}/docs`);
  const authentication = await page.locator('.auth').innerText();
  assert.match(authentication, /Authorization: Bearer/);
  assert.match(authentication, /keys:create/);
  const article = page.locator('article[id="inventory.snapshot"]');
  const curl = await article.locator('details', { hasText: 'example request' }).locator('pre').textContent();
  assert.match(curl ?? '', /curl -s -X POST "\$RPC_URL"/);
  assert.match(curl ?? '', /"method":"inventory.snapshot"/);
  assert.match(curl ?? '', /authorization: Bearer \$API_KEY/);
  assert.equal(await page.locator('.rpc-url').first().textContent(), `${dataApi!.rpcUrl}/`);
  for (const viewport of [
    { width: 390, height: 844 },
    { width: 1280, height: 800 },
  ]) {
    await page.setViewportSize(viewport);
    await saveScreenshot(page, 'rpc-docs', { fullPage: false });
  }

  // Without a key the call is refused, and the page shows the refusal as it came.
  await article.locator('summary', { hasText: 'try it' }).click();
  await article.getByRole('button', { name: 'Call inventory.snapshot' }).click();
  await article.locator('output', { hasText: 'HTTP 401' }).waitFor();
  // With the service key typed in, the call answers the snapshot's first page.
  await page.locator('#api-key').fill(seed.serviceKey);
  await article.getByRole('button', { name: 'Call inventory.snapshot' }).click();
  await article.locator('output', { hasText: 'HTTP 200' }).waitFor();
  const answer = JSON.parse((await article.locator('output').textContent())!.replace(/^HTTP 200\n/, '')) as {
    result: { campaigns: unknown[] };
  };
  assert.ok(answer.result.campaigns.length > 0, 'the seeded campaigns come back');
  // Params that are not JSON are said so before anything is sent.
  await article.locator('textarea').fill('{ nope');
  await article.getByRole('button', { name: 'Call inventory.snapshot' }).click();
  await article.locator('output', { hasText: 'params are not JSON' }).waitFor();
});
