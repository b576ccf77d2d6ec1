// Serving's limits on an inventory built for the test through the data API's REST API:
// a campaign created and activated reaches serving through `cache-warming run --watch` (the
// data API's inventory-changed notice), a frequency cap stops a user after its impressions,
// a campaign stops serving the moment its total or daily budget is spent, and an advertiser's
// kill switch turned off in the data API stops its ads (and turned on again restores them).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KILL_SWITCHES, RedisKeys, beaconUrl, createDataApiRestClient, dayBucket, type DataApiRestClient } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { startTsProcess, type RunningProcess } from './support/processes';
import { waitFor } from '@ads/test-kit';
import { beacon, decide, deleteKeys, startServing, testPrefix, type DecidedAd, type RunningServing } from './support/serving-stack';
import { createApiKey, createStackDatabase, startDataApi, type RunningDataApi, type StackDatabase } from './support/stack';

const prefix = testPrefix();
const keys = new RedisKeys(prefix);
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
let database: StackDatabase;
let dataApi: RunningDataApi;
let api: DataApiRestClient;
let watcher: RunningProcess;
let serving: RunningServing;
type SiteName = 'capped' | 'budget' | 'daily' | 'switched';
const sites: Record<SiteName, { siteId: string; placementKey: string }> = {} as never;

before(async () => {
  database = await createStackDatabase();
  const [adminKey, serviceKey] = await Promise.all([
    createApiKey(database.url, 'admin', { name: 'serving limits admin' }),
    createApiKey(database.url, 'service', { name: 'serving limits warmer' }),
  ]);
  dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: prefix });
  api = createDataApiRestClient({ baseUrl: dataApi.url, apiKey: adminKey });
  for (const name of ['capped', 'budget', 'daily', 'switched'] as const) {
    const site = (await api.sites.create({ name: `Limits ${name}`, domain: `${name}.limits.example` })).data;
    const placement = (
      await api.placements.create({ siteId: site.id, key: `limits-${name}`, name: `Limits ${name}`, allowedFormats: ['native'] })
    ).data;
    sites[name] = { siteId: site.id, placementKey: placement.key };
  }
  watcher = startTsProcess(
    'cache-warming --watch',
    'services/cache-warming',
    'src/main.ts',
    ['run', '--watch', '--json', '--debounce', '200', '--interval', '3600'],
    {
      DATA_API_URLS: dataApi.rpcUrl,
      DATA_API_TOKEN: serviceKey,
      REDIS_KEY_PREFIX: prefix,
    },
  );
  // The watcher publishes a first (empty) version at start; serving is ready once it has it.
  serving = await startServing({ redisKeyPrefix: prefix });
});

after(async () => {
  await Promise.all([serving?.stop(), watcher?.stop(), dataApi?.stop()]);
  await database?.drop();
  await deleteKeys(prefix);
  redis.disconnect();
});

/** Creates a live campaign with one approved ad on one of the test's sites. */
async function liveCampaign(
  site: SiteName,
  fields: Record<string, unknown>,
): Promise<{ campaignId: string; adId: string; advertiserId: string }> {
  const advertiser = (await api.advertisers.create({ name: `Limits ${site} advertiser` })).data;
  const now = Date.now();
  const campaign = await api.campaigns.create({
    advertiserId: advertiser.id,
    name: `Limits ${site}`,
    flightStart: new Date(now - 86_400_000).toISOString(),
    flightEnd: new Date(now + 30 * 86_400_000).toISOString(),
    totalBudget: 1_000_000,
    pacing: 'asap',
    bidType: 'CPM',
    bidAmount: 100,
    targeting: { siteIds: [sites[site].siteId] },
    ...fields,
  });
  const ad = await api.ads.create({
    campaignId: campaign.data.id,
    title: `Limits ${site} ad`,
    body: 'Body',
    clickUrl: `https://${site}.advertiser.example/landing`,
  });
  await api.ads.update(ad.data.id, { reviewState: 'approved' }, { ifMatch: ad.etag });
  await api.campaigns.activate(campaign.data.id, { ifMatch: campaign.etag });
  return { campaignId: campaign.data.id, adId: ad.data.id, advertiserId: advertiser.id };
}

const request = (site: SiteName, userKey?: string) => ({
  placements: [{ divName: 'slot', placementKey: sites[site].placementKey }],
  ...(userKey === undefined ? {} : { userKey }),
});

/** Decides until the ad is served (it reaches serving through cache-warming) and returns it as decided. */
async function firstShowing(site: SiteName, adId: string): Promise<DecidedAd> {
  let shown: DecidedAd | undefined;
  await waitFor(
    async () => {
      shown = (await decide(serving.rpcUrl, request(site))).decisions.slot!.find((ad) => ad.adId === adId);
      return shown !== undefined;
    },
    `the ${site} ad in a decision`,
    { timeoutMs: 30_000, watch: watcher },
  );
  return shown!;
}

test('a campaign activated in the data API reaches serving through cache-warming --watch', async () => {
  const { adId } = await liveCampaign('capped', { frequencyCap: { count: 2, windowSeconds: 3600 } });
  await waitFor(
    async () => (await decide(serving.rpcUrl, request('capped'))).decisions.slot!.some((ad) => ad.adId === adId),
    'the new ad in a decision',
    { timeoutMs: 30_000, watch: watcher },
  );
  assert.match(watcher.output(), /"runId"/, 'the watcher printed a JSON summary per build');
});

test('a frequency cap stops one user after its impressions, not the others', async () => {
  const userKey = `capped-user-${Date.now()}`;
  for (let impression = 0; impression < 2; impression += 1) {
    const ads = (await decide(serving.rpcUrl, request('capped', userKey))).decisions.slot!;
    assert.equal(ads.length, 1, `impression ${impression + 1} of 2 is allowed`);
    assert.equal((await beacon(beaconUrl(ads[0]!.trackingUrl, 'impression'))).status, 204);
  }
  const campaignId = (await decide(serving.rpcUrl, request('capped'))).decisions.slot![0]!.campaignId;
  assert.equal(await redis.zcard(keys.frequencyCap(userKey, campaignId)), 2, 'the sliding window holds both impressions');
  assert.deepEqual((await decide(serving.rpcUrl, request('capped', userKey))).decisions.slot, [], 'the cap is reached');
  assert.equal((await decide(serving.rpcUrl, request('capped', `another-user-${Date.now()}`))).decisions.slot!.length, 1);
  // A second instance knows only what Redis says: it refuses the capped user too.
  const second = await startServing({ redisKeyPrefix: prefix });
  try {
    assert.deepEqual((await decide(second.rpcUrl, request('capped', userKey))).decisions.slot, []);
  } finally {
    await second.stop();
  }
});

test('a campaign stops serving once its total budget is spent', async () => {
  // CPM bid of 1,000 cents: 10,000 micros per impression; a budget of 2 cents is two impressions.
  const { campaignId, adId } = await liveCampaign('budget', { bidAmount: 1_000, totalBudget: 2 });
  // A decision that shows a paid ad holds its price until its impression comes (or its lease
  // lapses): the first decision showing the ad is the first of the two impressions.
  const first = await firstShowing('budget', adId);
  for (let impression = 0; impression < 2; impression += 1) {
    const ads = impression === 0 ? [first] : (await decide(serving.rpcUrl, request('budget'))).decisions.slot!;
    assert.equal(ads.length, 1);
    assert.deepEqual(await beacon(beaconUrl(ads[0]!.trackingUrl, 'impression')), { status: 204, event: 'counted', location: null });
  }
  assert.equal(await redis.get(keys.campaignLiveSpend(campaignId)), '20000');
  assert.equal(await redis.get(keys.campaignDaySpend(campaignId, dayBucket(Date.now(), 'UTC'))), '20000');
  assert.deepEqual((await decide(serving.rpcUrl, request('budget'))).decisions.slot, [], 'the budget is spent');
  // Another instance learns it from the real-time counters.
  const second = await startServing({ redisKeyPrefix: prefix });
  try {
    await waitFor(
      async () => (await decide(second.rpcUrl, request('budget'))).decisions.slot!.length === 0,
      'the second instance to stop the campaign',
      { timeoutMs: 10_000 },
    );
  } finally {
    await second.stop();
  }
});

test('a campaign stops serving once its daily budget is spent, its total budget left', async () => {
  // 10,000 micros per impression; a daily budget of 2 cents is two impressions a day.
  const { campaignId, adId } = await liveCampaign('daily', { bidAmount: 1_000, totalBudget: 1_000_000, dailyBudget: 2 });
  const first = await firstShowing('daily', adId);
  for (let impression = 0; impression < 2; impression += 1) {
    const ads = impression === 0 ? [first] : (await decide(serving.rpcUrl, request('daily'))).decisions.slot!;
    assert.equal(ads.length, 1);
    assert.deepEqual(await beacon(beaconUrl(ads[0]!.trackingUrl, 'impression')), { status: 204, event: 'counted', location: null });
  }
  assert.equal(await redis.get(keys.campaignDaySpend(campaignId, dayBucket(Date.now(), 'UTC'))), '20000');
  assert.deepEqual((await decide(serving.rpcUrl, request('daily'))).decisions.slot, [], "today's budget is spent");
});

test("an advertiser's kill switch turned off in the data API stops its ads; turned on, they serve again", async () => {
  const { adId, advertiserId } = await liveCampaign('switched', {});
  const serves = async () => (await decide(serving.rpcUrl, request('switched'))).decisions.slot!.some((ad) => ad.adId === adId);
  await waitFor(serves, 'the ad in a decision', { timeoutMs: 30_000, watch: watcher });
  const killSwitch = await api.featureSwitches.create({
    name: KILL_SWITCHES.serving,
    scope: 'advertiser',
    scopeId: advertiserId,
    enabled: false,
  });
  await waitFor(async () => !(await serves()), 'the switched-off advertiser to stop serving', { timeoutMs: 30_000, watch: watcher });
  // Off means off: not one decision of many lets it through.
  for (let attempt = 0; attempt < 20; attempt += 1) assert.equal(await serves(), false);
  await api.featureSwitches.update(killSwitch.data.id, { enabled: true }, { ifMatch: killSwitch.etag });
  await waitFor(serves, 'the advertiser to serve again', { timeoutMs: 30_000, watch: watcher });
});
