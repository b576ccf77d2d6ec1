// The serving path end to end on the demo inventory: cache-warming reads a real ads-data-api
// and publishes the index in Redis, ads-serving-rpc decides from it and counts beacons once;
// forged, replayed and expired tracking URLs are refused; with the data API stopped serving
// goes on and cache-warming fails loudly, leaving the current index version in place.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RedisKeys, ServingIndexStore, beaconUrl, decodeTrackingEvent, hourBucket, type ServingIndex } from '@ads/ads-client';
import { EXIT_CODES } from '@ads/ads-client/service';
import { Redis } from 'ioredis';
import { TrackingSigner } from '@ads/ads-serving-rpc';
import {
  createStackDatabase,
  seedStackDatabase,
  startDataApi,
  type RunningDataApi,
  type StackDatabase,
  type StackSeed,
} from './support/stack';
import {
  TEST_TRACKING_SECRET,
  beacon,
  decide,
  decideRaw,
  deleteKeys,
  requestServedBy,
  runCacheWarming,
  startServing,
  testPrefix,
  tokenOf,
  type RunningServing,
} from './support/serving-stack';

const prefix = testPrefix();
const keys = new RedisKeys(prefix);
const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
let database: StackDatabase;
let seed: StackSeed;
let dataApi: RunningDataApi;
let serving: RunningServing | undefined;
let shortLived: RunningServing | undefined;
let version: string;
let index: ServingIndex;

before(async () => {
  database = await createStackDatabase();
  seed = await seedStackDatabase(database.url);
  dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: prefix });
});

after(async () => {
  await Promise.all([serving?.stop(), shortLived?.stop(), dataApi?.stop()]);
  await database?.drop();
  await deleteKeys(prefix);
  redis.disconnect();
});

const servableRequest = () => requestServedBy(index);

test('cache-warming builds the index from the data API and flips the pointer; a dry run writes nothing', async () => {
  const dry = await runCacheWarming({
    dataApiUrls: [dataApi.rpcUrl],
    serviceKey: seed.serviceKey,
    redisKeyPrefix: prefix,
    args: ['--dry-run'],
  });
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(await redis.get(keys.indexCurrent), null, 'a dry run publishes nothing');
  assert.equal(dry.summary?.outcome, 'dry-run', dry.stdout);
  assert.equal(dry.summary.key, keys.indexVersion(dry.summary.version), 'it names the hash it would write');
  assert.equal(await redis.exists(dry.summary.key), 0, 'a dry run writes no version');
  const run = await runCacheWarming({ dataApiUrls: [dataApi.rpcUrl], serviceKey: seed.serviceKey, redisKeyPrefix: prefix });
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.summary !== undefined, run.stdout);
  version = run.summary.version;
  assert.equal(await redis.get(keys.indexCurrent), version);
  index = await new ServingIndexStore(redis, keys).read(version);
  assert.ok(index.campaigns.length > 5, `live campaigns in the index: ${index.campaigns.length}`);
  assert.equal(index.placements.length, 8);
  assert.equal(run.summary.counts.ads, index.meta.ads);
  const again = await runCacheWarming({
    dataApiUrls: [dataApi.rpcUrl],
    serviceKey: seed.serviceKey,
    redisKeyPrefix: prefix,
    args: ['--dry-run'],
  });
  assert.equal(again.summary?.previous, version, 'a dry run names the current version it would replace');
  assert.equal(await redis.get(keys.indexCurrent), version);
});

test('serving decides from the index: targeting and competitive exclusion hold in every answer', async () => {
  serving = await startServing({ redisKeyPrefix: prefix });
  const ready = (await (await fetch(`${serving.url}/readyz`)).json()) as { version: string };
  assert.equal(ready.version, version);
  const { params } = servableRequest();
  const byId = new Map(index.campaigns.map((campaign) => [campaign.id, campaign]));
  for (let call = 0; call < 25; call += 1) {
    const decision = await decide(serving.rpcUrl, params);
    const ads = decision.decisions.slot!;
    assert.ok(ads.length >= 1, 'an ad is eligible for this request');
    assert.match(decision.userKey, /^[A-Za-z0-9_-]{8,64}$/, 'a user key is generated');
    assert.equal(new Set(ads.map((ad) => ad.advertiserId)).size, ads.length, 'one ad per advertiser');
    const labels = ads.map((ad) => byId.get(ad.campaignId)!.exclusionLabel).filter((label) => label !== null);
    assert.equal(new Set(labels).size, labels.length, 'one ad per exclusion label');
    for (const ad of ads) {
      const { targeting } = byId.get(ad.campaignId)!;
      assert.ok(
        targeting.countries.length === 0 || targeting.countries.includes(params.country as string),
        `${ad.campaignId} targets the country`,
      );
      assert.ok(
        targeting.devices.length === 0 || targeting.devices.includes(params.device as never),
        `${ad.campaignId} targets the device`,
      );
      assert.ok(
        targeting.keywords.length === 0 || targeting.keywords.some((keyword) => (params.keywords as string[]).includes(keyword)),
        `${ad.campaignId} targets a keyword`,
      );
      assert.match(ad.trackingUrl, new RegExp(`^${serving.url}/t/[^/?]+$`), 'one tracking URL per ad: <serving>/t/<token>');
    }
  }
  // A typo in one slot's placement key is named in the answer; the other slots are still served.
  const unknown = await decide(serving.rpcUrl, {
    ...params,
    placements: [...(params.placements as object[]), { divName: 'x', placementKey: 'no-such-placement' }],
  });
  assert.deepEqual(unknown.decisions.x, []);
  assert.ok(unknown.decisions.slot!.length >= 1, 'the known slot is served');
  assert.deepEqual(
    unknown.warnings?.map(({ divName, placementKey, code }) => ({ divName, placementKey, code })),
    [{ divName: 'x', placementKey: 'no-such-placement', code: 'PLACEMENT_UNKNOWN' }],
  );
  assert.match(unknown.warnings[0]!.message, /no-such-placement/);
  assert.equal((await decide(serving.rpcUrl, params)).warnings, undefined, 'no warnings when every key is known');
});

test('bad decision requests are refused with 400 naming the field', async () => {
  const tooMany = await decideRaw(serving!.rpcUrl, { placements: [{ divName: 'a', placementKey: 'p', count: 11 }] });
  assert.equal(tooMany.status, 400);
  assert.equal(tooMany.body.error?.data.code, 'INVALID_PARAMS');
  assert.deepEqual(
    tooMany.body.error?.data.issues?.map((issue) => issue.path.join('.')),
    ['placements.0.count'],
  );
  const twice = await decideRaw(serving!.rpcUrl, {
    placements: [
      { divName: 'a', placementKey: 'p' },
      { divName: 'a', placementKey: 'q' },
    ],
  });
  assert.equal(twice.status, 400);
  assert.deepEqual(
    twice.body.error?.data.issues?.map((issue) => issue.path.join('.')),
    ['placements.1.divName'],
  );
});

test('beacons count each event once, refuse forged URLs and redirect clicks to the landing page', async () => {
  const { params, campaign } = servableRequest();
  const decidedAt = Date.now();
  const decision = await decide(serving!.rpcUrl, {
    ...params,
    placements: [{ divName: 'slot', placementKey: (params.placements as { placementKey: string }[])[0]!.placementKey, count: 1 }],
  });
  const ad = decision.decisions.slot![0]!;
  const landing = index.campaigns.find((entry) => entry.id === ad.campaignId)!.ads.find((entry) => entry.id === ad.adId)!.clickUrl;
  assert.ok(campaign !== undefined);

  assert.deepEqual(await beacon(beaconUrl(ad.trackingUrl, 'impression')), { status: 204, event: 'counted', location: null });
  assert.deepEqual(
    await beacon(beaconUrl(ad.trackingUrl, 'impression')),
    { status: 409, event: 'duplicate', location: null },
    'a replay is refused',
  );
  assert.deepEqual(await beacon(beaconUrl(ad.trackingUrl, 'viewable')), { status: 204, event: 'counted', location: null });
  assert.deepEqual(await beacon(beaconUrl(ad.trackingUrl, 'click')), { status: 302, event: 'counted', location: landing });
  assert.deepEqual(
    await beacon(beaconUrl(ad.trackingUrl, 'click')),
    { status: 302, event: 'duplicate', location: landing },
    'a second click lands but is not counted',
  );

  // The token's fields: ad, campaign, advertiser, impression and click prices (base 36),
  // placement, decision, user, expiry (base 36), tag.
  const withField = (at: number, value: string) => {
    const fields = tokenOf(ad.trackingUrl).split(',');
    fields[at] = value;
    return `${serving!.url}/t/${fields.join(',')}`;
  };
  assert.equal((await beacon(beaconUrl(withField(4, (99_999_999).toString(36)), 'click'))).status, 403, 'a raised click price');
  assert.equal((await beacon(beaconUrl(withField(0, 'another-ad'), 'impression'))).status, 403, 'another ad');
  const missingAnswer = await fetch(beaconUrl(withField(7, ''), 'impression'));
  assert.equal(missingAnswer.status, 400);
  assert.equal(((await missingAnswer.json()) as { error: { field: string } }).error.field, 'userKey');

  // Counters are per hour of counting: add up the hours since the decision (normally one).
  const counters: Record<string, number> = {};
  for (const hour of new Set([hourBucket(decidedAt), hourBucket(Date.now())])) {
    for (const [field, value] of Object.entries(await redis.hgetall(keys.adHourCounters(ad.adId, hour))))
      counters[field] = (counters[field] ?? 0) + Number(value);
  }
  assert.equal(counters.impressions, 1);
  assert.equal(counters.viewable, 1);
  assert.equal(counters.clicks, 1);
  const entries = await redis.xrange(keys.eventsStream, '-', '+');
  const events = entries
    .map(([, fields]) => decodeTrackingEvent(fields))
    .filter((entry) => entry.ok)
    .map((entry) => entry.event);
  const mine = events.filter((event) => event.decisionId === decision.decisionId);
  assert.deepEqual(mine.map((event) => event.type).sort(), ['click', 'impression', 'viewable']);
  assert.ok(mine.every((event) => event.userKey === decision.userKey && event.adId === ad.adId));
  const spend = mine.reduce((sum, event) => sum + event.spendMicros, 0);
  assert.equal(counters.spendMicros ?? 0, spend, 'hourly spend is the spend of the counted events');
});

test('an expired tracking URL is refused and not counted', async () => {
  const { params } = servableRequest();
  const decidedAtS = Math.floor(Date.now() / 1000);
  const ad = (await decide(serving!.rpcUrl, params)).decisions.slot![0]!;
  // The URL lives TRACKING_URL_TTL_SECONDS (4 h by default); rather than wait for it to expire,
  // the test signs the same claims with an expiry just past, as the instance's own secret would.
  const signer = new TrackingSigner(TEST_TRACKING_SECRET);
  const read = signer.readToken(tokenOf(ad.trackingUrl), Date.now());
  assert.ok(read.ok, 'the decided URL is valid');
  assert.ok(Math.abs(read.claims.expiresAt - (decidedAtS + 4 * 3600)) <= 1, `expires 4 h after the decision: ${read.claims.expiresAt}`);
  const expiredToken = signer.token({ ...read.claims, expiresAt: Math.floor(Date.now() / 1000) - 1 });
  const expiredUrl = `${ad.trackingUrl.slice(0, ad.trackingUrl.lastIndexOf('/') + 1)}${expiredToken}`;
  assert.deepEqual(await beacon(beaconUrl(expiredUrl, 'impression')), { status: 410, event: 'expired', location: null });
  assert.equal(await redis.exists(keys.eventSeen(read.claims.decisionId, ad.adId, 'impression')), 0);
});

test('after a tracking-secret rotation, URLs the old secret signed still count; the old instance refuses the new ones', async () => {
  shortLived = await startServing({
    redisKeyPrefix: prefix,
    env: { TRACKING_SECRET: 'the-rotated-tracking-secret-of-the-serving-tests-01', TRACKING_SECRET_PREVIOUS: TEST_TRACKING_SECRET },
  });
  const onRotated = (url: string) => `${shortLived!.url}${url.slice(new URL(url).origin.length)}`;
  const onOld = (url: string) => `${serving!.url}${url.slice(new URL(url).origin.length)}`;
  const { params } = servableRequest();
  const signedBefore = (await decide(serving!.rpcUrl, params)).decisions.slot![0]!;
  assert.deepEqual(await beacon(onRotated(beaconUrl(signedBefore.trackingUrl, 'impression'))), {
    status: 204,
    event: 'counted',
    location: null,
  });
  assert.deepEqual(await beacon(onRotated(beaconUrl(signedBefore.trackingUrl, 'impression'))), {
    status: 409,
    event: 'duplicate',
    location: null,
  });
  const signedAfter = (await decide(shortLived.rpcUrl, params)).decisions.slot![0]!;
  assert.equal(
    (await beacon(onOld(beaconUrl(signedAfter.trackingUrl, 'impression')))).status,
    403,
    'an instance without the new secret refuses its URLs',
  );
  assert.deepEqual(await beacon(onRotated(beaconUrl(signedAfter.trackingUrl, 'impression'))), {
    status: 204,
    event: 'counted',
    location: null,
  });
  await shortLived.stop();
  shortLived = undefined;
});

test('with the data API stopped, serving goes on and cache-warming fails without touching the index', async () => {
  await dataApi.stop();
  const { params } = servableRequest();
  const decision = await decide(serving!.rpcUrl, params);
  assert.ok(decision.decisions.slot!.length >= 1);
  const run = await runCacheWarming({ dataApiUrls: [dataApi.rpcUrl], serviceKey: seed.serviceKey, redisKeyPrefix: prefix });
  assert.equal(run.code, EXIT_CODES.dataApiUnavailable, `exit code ${run.code}: ${run.stderr}`);
  assert.match(run.stderr, /DATA_API_UNAVAILABLE/);
  assert.equal(await redis.get(keys.indexCurrent), version, 'the current version is untouched');
  assert.equal((await fetch(`${serving!.url}/readyz`)).status, 200);
});
