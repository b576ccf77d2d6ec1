// Key-value targeting end to end: campaigns whose `targeting.properties` expressions are set
// through the data API's REST API, carried by cache-warming into the serving index, compiled
// by serving; only pages (and slots) whose properties match receive each campaign. A bad
// expression is refused by the data API with its line and column; bad page properties are
// refused by serving.decide naming the field.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DataApiProblemError, createDataApiRestClient, type DataApiRestClient } from '@ads/ads-client';
import { decide, decideRaw, deleteKeys, runCacheWarming, startServing, testPrefix, type RunningServing } from './support/serving-stack';
import { createApiKey, createStackDatabase, startDataApi, type RunningDataApi, type StackDatabase } from './support/stack';

const prefix = testPrefix();
let database: StackDatabase;
let dataApi: RunningDataApi;
let api: DataApiRestClient;
let serving: RunningServing;
let placementKey: string;
const adOf: Record<string, string> = {};

const expressions = {
  sports: 'section = "sports" AND (article_tags IN ("nba", "nfl") OR NOT logged_in) AND word_count >= 500',
  authored: 'has author',
  guests: 'NOT logged_in AND section != "sports"',
};

before(async () => {
  database = await createStackDatabase();
  const [adminKey, serviceKey] = await Promise.all([
    createApiKey(database.url, 'admin', { name: 'properties admin' }),
    createApiKey(database.url, 'service', { name: 'properties warmer' }),
  ]);
  dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: prefix });
  api = createDataApiRestClient({ baseUrl: dataApi.url, apiKey: adminKey });
  const site = (await api.sites.create({ name: 'Properties news', domain: 'properties.news.example' })).data;
  placementKey = (await api.placements.create({ siteId: site.id, key: 'properties-top', name: 'Top', allowedFormats: ['native'] })).data
    .key;
  for (const [name, properties] of Object.entries(expressions)) {
    const advertiser = (await api.advertisers.create({ name: `Properties ${name}` })).data;
    const now = Date.now();
    const campaign = await api.campaigns.create({
      advertiserId: advertiser.id,
      name: `Properties ${name}`,
      flightStart: new Date(now - 86_400_000).toISOString(),
      flightEnd: new Date(now + 30 * 86_400_000).toISOString(),
      totalBudget: 1_000_000,
      pacing: 'asap',
      bidType: 'CPM',
      bidAmount: 100,
      targeting: { properties },
    });
    const ad = await api.ads.create({
      campaignId: campaign.data.id,
      title: name,
      body: 'Body',
      clickUrl: `https://${name}.example/landing`,
    });
    await api.ads.update(ad.data.id, { reviewState: 'approved' }, { ifMatch: ad.etag });
    await api.campaigns.activate(campaign.data.id, { ifMatch: campaign.etag });
    adOf[ad.data.id] = name;
  }
  const warmed = await runCacheWarming({ dataApiUrls: [dataApi.rpcUrl], serviceKey, redisKeyPrefix: prefix });
  assert.equal(warmed.code, 0, warmed.stderr);
  serving = await startServing({ redisKeyPrefix: prefix });
});

after(async () => {
  await Promise.all([serving?.stop(), dataApi?.stop()]);
  await database?.drop();
  await deleteKeys(prefix);
});

/** The campaigns (by name) that any of 30 decisions for these properties showed. */
async function campaignsShown(page: Record<string, unknown> | undefined, slot?: Record<string, unknown>): Promise<string[]> {
  const shown = new Set<string>();
  for (let attempt = 0; attempt < 30; attempt += 1) {
    const decision = await decide(serving.rpcUrl, {
      placements: [{ divName: 'top', placementKey, count: 3, ...(slot === undefined ? {} : { properties: slot }) }],
      ...(page === undefined ? {} : { properties: page }),
    });
    for (const ad of decision.decisions.top!) shown.add(adOf[ad.adId] ?? `unknown ${ad.adId}`);
  }
  return [...shown].sort();
}

test('only pages whose properties match an expression receive its campaign', async () => {
  assert.deepEqual(await campaignsShown({ section: 'sports', article_tags: ['nba'], logged_in: true, word_count: 800 }), ['sports']);
  assert.deepEqual(await campaignsShown({ section: 'sports', article_tags: ['mlb'], logged_in: true, word_count: 800 }), []);
  assert.deepEqual(await campaignsShown({ section: 'sports', logged_in: false, word_count: 800, author: 'Ann' }), ['authored', 'sports']);
  assert.deepEqual(await campaignsShown({ section: 'news', word_count: 800 }), ['guests']);
  assert.deepEqual(await campaignsShown(undefined), ['guests']);
  // The slot's properties extend the page's and win on a shared key.
  assert.deepEqual(await campaignsShown({ section: 'news' }, { section: 'sports', word_count: 500, author: 'Bo' }), ['authored', 'sports']);
});

test('bad page properties are refused by serving.decide naming the field', async () => {
  const refused = await decideRaw(serving.rpcUrl, {
    placements: [{ divName: 'top', placementKey, properties: { Section: 'sports' } }],
    properties: { tags: Array.from({ length: 21 }, () => 'x') },
  });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error?.data.code, 'INVALID_PARAMS');
  const paths = (refused.body.error?.data.issues ?? []).map((issue) => issue.path.join('.')).sort();
  assert.deepEqual(paths, ['placements.0.properties.Section', 'properties.tags']);
});

test('the data API refuses a bad expression with its line and column', async () => {
  const advertiser = (await api.advertisers.create({ name: 'Properties refused' })).data;
  await assert.rejects(
    api.campaigns.create({
      advertiserId: advertiser.id,
      name: 'Refused',
      flightStart: new Date(Date.now() - 86_400_000).toISOString(),
      flightEnd: new Date(Date.now() + 86_400_000).toISOString(),
      totalBudget: 100,
      bidAmount: 1,
      targeting: { properties: 'section = "sports" AND word_count >= ' },
    }),
    (error: unknown) => {
      assert.ok(error instanceof DataApiProblemError);
      assert.equal(error.status, 422);
      assert.deepEqual(error.errors, [
        { field: 'targeting.properties', message: 'line 1, column 38: expected a number after ">=", found end of expression' },
      ]);
      return true;
    },
  );
});
