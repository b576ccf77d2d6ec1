// The whole platform end to end, started the way a developer starts it (`npm start`, i.e.
// infra/local/start-stack.ts) on a fresh database, a Redis prefix and ports of its own; then an
// advertiser's work in a real browser (Debian's chromium driven by playwright-core; no browser
// is downloaded): create an advertiser, a campaign and an ad in the dashboard, approve and
// activate them, see the ad served on the demo publisher page through HAProxy (next to seeded
// ads whose images load from serving's /demo/creatives/), view it and click it, roll the events up, and find the impression and the click in the campaign's report
// on the dashboard. SIGTERM to `npm start` (as a supervisor sends it) must stop every process it started.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runEnqueue } from './support/import-stack';
import { alive, startNpmStack, type NpmStack, type StackReady } from './support/npm-stack';
import { saveScreenshot, waitFor, headlessChromium } from '@ads/test-kit';
import { decide, deleteKeys } from './support/serving-stack';
import { createStackDatabase, type StackDatabase } from './support/stack';

/** A seeded placement that takes native ads (services/ads-data-api demo seed). */
const PLACEMENT_KEY = 'dailyplanet-article-inline';

const prefix = `test:stack-e2e:${randomUUID()}:`;
const runId = randomUUID().slice(0, 8);
let database: StackDatabase | undefined;
let npmStack: NpmStack | undefined;
let stack: StackReady | undefined;
let browser: Browser | undefined;
let landing: Server | undefined;
let landingUrl = '';

function tail(): string {
  return npmStack?.tail() ?? '';
}

before(async () => {
  landing = createHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><title>Rockets</title><h1>Rocket landing</h1>');
  });
  await new Promise<void>((resolve) => landing!.listen(0, '127.0.0.1', resolve));
  landingUrl = `http://127.0.0.1:${(landing.address() as AddressInfo).port}/rockets`;

  database = await createStackDatabase();
  // Started as a developer or a supervisor starts it: `npm start`. Serving instances look for a
  // new index version every second instead of every ten.
  npmStack = await startNpmStack({ databaseUrl: database.url, redisKeyPrefix: prefix, env: { INDEX_POLL_MS: '1000' } });
  stack = npmStack.ready;

  browser = await chromium.launch(headlessChromium());
});

after(async () => {
  await browser?.close().catch(() => undefined);
  landing?.close();
  await npmStack?.close();
  await database?.drop();
  await deleteKeys(prefix);
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${stack!.urls.dashboard}/`);
  await page.getByLabel('API key').fill(stack!.keys.adminKey);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('who').waitFor();
}

/** The campaign's report totals from the REST API the dashboard reads. */
async function reportTotals(campaignId: string): Promise<{ impressions: number; clicks: number }> {
  const to = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3_600_000);
  const from = new Date(to.getTime() - 2 * 86_400_000);
  const url = new URL(`${stack!.urls.dataApi}/api/v1/reports/campaigns/${campaignId}`);
  url.search = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), granularity: 'hour' }).toString();
  const response = await fetch(url, { headers: { authorization: `Bearer ${stack!.keys.adminKey}` } });
  const body = (await response.json()) as { points?: { impressions: number; clicks: number }[] };
  if (response.status !== 200 || body.points === undefined)
    throw new Error(`report answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body.points.reduce((sum, point) => ({ impressions: sum.impressions + point.impressions, clicks: sum.clicks + point.clicks }), {
    impressions: 0,
    clicks: 0,
  });
}

test('an ad created in the dashboard is served through HAProxy, viewed, clicked and reported; Ctrl-C stops everything', async () => {
  assert.ok(stack, 'the stack started');
  assert.equal(stack.haproxy, true, 'haproxy is installed: two serving instances run behind it');
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const advertiserName = `E2E Rockets ${runId}`;
  const adTitle = `Rockets for everyone ${runId}`;

  // The advertiser, a campaign and an ad, through the dashboard's forms.
  await signIn(page);
  await page.getByTestId('nav-advertisers').click();
  await page.getByTestId('advertisers-new').click();
  await page.getByLabel('Name').fill(advertiserName);
  await page.getByTestId('advertiser-form-submit').click();
  await page.getByTestId('advertiser-name').waitFor();
  await page.getByTestId('campaigns-new').click();
  await page.getByLabel('Name').fill(`Spring launch ${runId}`);
  await page.getByLabel('Total budget').fill('5000');
  // Sponsorship is served before the standard tier, and one ad per advertiser per response
  // leaves room for it among the few seeded sponsorships of the placement.
  await page.getByLabel('Priority').selectOption('sponsorship');
  await page.getByLabel('Pacing').selectOption('asap');
  // By test id: the label of a required field carries a mark after its name.
  await page.getByTestId('field-bidAmount').fill('5.00');
  await page.getByTestId('campaign-form-submit').click();
  await page.getByTestId('campaign-name').waitFor();
  const campaignId = new URL(page.url()).pathname.split('/').pop()!;
  await page.getByTestId('ads-new').click();
  await page.getByLabel('Title').fill(adTitle);
  await page.getByLabel('Body').fill('Fly to the moon this spring.');
  await page.getByLabel('Click URL').fill(landingUrl);
  await page.getByTestId('ad-form-submit').click();
  const ads = page.getByTestId('ads-table');
  await ads.getByRole('button', { name: `Approve ${adTitle}` }).click();
  await ads.getByText('approved').waitFor();
  await page.getByTestId('campaign-activate').click();
  await page.getByTestId('campaign-pause').waitFor();
  assert.match(await page.getByTestId('campaign-status').innerText(), /active/);

  // The inventory notice makes the watching cache-warming rebuild; serving loads the new index.
  const decideParams = { placements: [{ divName: 'slot', placementKey: PLACEMENT_KEY, count: 10 }], country: 'US', device: 'desktop' };
  await waitFor(
    async () =>
      Object.values((await decide(`${stack!.urls.serving}/rpc`, decideParams)).decisions)
        .flat()
        .some((ad) => ad.campaignId === campaignId),
    'the new campaign to be served through HAProxy',
    { timeoutMs: 60_000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${tail()}`);
  });

  // The demo publisher page through HAProxy: the ad is shown, viewed for over a second, clicked.
  const publisher = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  try {
    // On a machine busy with other tests a decision may leave ads out whose cap hold or spend
    // lease Redis did not answer in time (REDIS_READ_TIMEOUT_MS): load the page again then.
    let state: string | null = null;
    for (let attempt = 0; attempt < 3 && state !== 'filled'; attempt += 1) {
      await publisher.goto(`${stack.urls.serving}/demo?placement=${PLACEMENT_KEY}&count=10`);
      await publisher.waitForSelector('#demo-slot[data-ads-state]', { timeout: 20_000 });
      state = await publisher.getAttribute('#demo-slot', 'data-ads-state');
      if (state !== 'filled') console.log(`demo page attempt ${attempt + 1}: slot ${state}`);
    }
    assert.equal(state, 'filled', 'the demo slot was filled');
    // The seeded ads' images come from serving's /demo/creatives/, at the address npm start gave the seed.
    await publisher.waitForFunction(
      `[...document.querySelectorAll('#demo-slot a.ads-ad img')].some((image) => image.currentSrc.startsWith(${JSON.stringify(`${stack.urls.serving}/demo/creatives/`)}) && image.complete && image.naturalWidth > 0)`,
      undefined,
      { timeout: 15_000 },
    );
    const ad = publisher.locator('#demo-slot a.ads-ad', { hasText: adTitle });
    assert.equal(await ad.count(), 1, `the new ad is on the demo page:\n${await publisher.locator('#demo-slot').innerText()}`);
    await ad.scrollIntoViewIfNeeded();
    await waitFor(async () => (await ad.getAttribute('data-ads-viewable')) === 'true', 'the viewable beacon', { timeoutMs: 15_000 });
    await saveScreenshot(publisher, 'stack-e2e-publisher');
    await Promise.all([publisher.waitForURL(landingUrl, { timeout: 15_000 }), ad.click()]);
    assert.equal(await publisher.textContent('h1'), 'Rocket landing');
  } finally {
    await publisher.close();
  }

  // Roll-up through the launcher's import worker, then timeseries-warming, until the report has both.
  const importEnv = {
    DATA_API_URLS: stack.urls.dataApiRpc,
    DATA_API_TOKEN: stack.keys.serviceKey,
    DATA_API_IMPORT_TOKEN: stack.keys.importerKey,
  };
  let rollupState = 'no roll-up ran';
  await waitFor(
    async () => {
      const rollup = await runEnqueue(prefix, ['rollup', '--timeout', '30000'], importEnv, 60_000);
      rollupState = `enqueue rollup exited ${rollup.code}:\n${rollup.stdout.slice(-2_000)}${rollup.stderr.slice(-2_000)}`;
      if (rollup.code !== 0) return false;
      const totals = await reportTotals(campaignId).catch((error: Error) => error.message);
      rollupState += `\nreport totals: ${JSON.stringify(totals)}`;
      return typeof totals !== 'string' && totals.impressions >= 1 && totals.clicks >= 1;
    },
    'the impression and the click to be rolled up',
    { timeoutMs: 60_000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${rollupState}\n${tail()}`);
  });
  const warming = await runEnqueue(prefix, ['timeseries-warming', '--timeout', '60000'], importEnv, 90_000);
  assert.equal(warming.code, 0, `enqueue timeseries-warming:\n${warming.stdout}${warming.stderr}`);

  // The dashboard's campaign report shows them.
  await page.goto(`${stack.urls.dashboard}/campaigns/${campaignId}`);
  await page.getByTestId('performance').waitFor();
  await waitFor(
    async () => Number((await page.getByTestId('total-impressions').innerText()).replace(/\D/g, '')) >= 1,
    'impressions in the dashboard',
    { timeoutMs: 20_000 },
  );
  assert.ok(Number((await page.getByTestId('total-clicks').innerText()).replace(/\D/g, '')) >= 1, 'the click is in the dashboard');
  await saveScreenshot(page, 'stack-e2e-dashboard');
  await page.close();

  // Every URL the launcher printed answers.
  for (const [name, url] of Object.entries(stack.urls)) {
    // The bare base URL and the RPC endpoint (POST only) are not pages.
    if (name === 'dataApi' || name === 'dataApiRpc') continue;
    const response = await fetch(url);
    await response.arrayBuffer();
    assert.ok(response.status < 400, `${name} ${url} answered ${response.status}`);
  }

  // A crashed service comes back: serving-1 killed, the launcher restarts it (with backoff) and
  // it answers on its own port again; HAProxy answered meanwhile from serving-2.
  const servingOne = stack.pids['serving-1']!;
  // Behind HAProxy (base + 100) serving-1 listens on base + 101; without it, on the public port.
  const servingOnePort = Number(new URL(stack.urls.serving).port) + (stack.haproxy ? 1 : 0);
  process.kill(servingOne, 'SIGKILL');
  await waitFor(() => Promise.resolve(/serving-1 exited \(SIGKILL\); restarting it/.test(tail())), 'the launcher to restart serving-1', {
    timeoutMs: 10_000,
  });
  if (stack.haproxy)
    assert.ok(
      Object.values((await decide(`${stack.urls.serving}/rpc`, decideParams)).decisions).flat().length > 0,
      'HAProxy answers from serving-2',
    );
  await waitFor(
    async () => (await fetch(`http://127.0.0.1:${servingOnePort}/readyz`).catch(() => undefined))?.status === 200,
    'serving-1 back and ready',
    { timeoutMs: 60_000 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${tail()}`);
  });

  // A supervisor stops the stack by sending SIGTERM to `npm start` itself. npm does not pass it
  // on to the script, so the launcher must notice npm is gone and stop every process it started.
  const stackPid = Number(readFileSync(join(npmStack!.stateDir, 'stack.pid'), 'utf8'));
  const servingOneNow = Number(/serving-1 restarted \(pid (\d+)\)/.exec(tail())?.[1] ?? 0);
  npmStack!.launcher.kill('SIGTERM');
  await waitFor(() => Promise.resolve(!alive(stackPid)), 'the launcher to stop after SIGTERM to npm', { timeoutMs: 30_000 }).catch(
    (error: Error) => {
      throw new Error(`${error.message}\n${tail()}`);
    },
  );
  const survivors = Object.entries({
    ...stack.pids,
    launcher: stackPid,
    ...(servingOneNow > 0 ? { 'serving-1 (restarted)': servingOneNow } : {}),
  }).filter(([, pid]) => alive(pid));
  assert.deepEqual(survivors, [], 'every process of the stack has exited');
  assert.equal(existsSync(join(npmStack!.stateDir, 'stack.pid')), false, 'the pid file for npm stop is removed');
});
