// The serving app in-process against the real Redis: it loads the announced index version in
// the background, applies the newest fresh score version, falls back to default scores when
// the scores are stale, and keeps its index when a published version is broken; beacons of an
// ad a newer version dropped still count, and clicks land on landing pages of any script.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { postJsonRpc, waitFor } from '@ads/test-kit';
import {
  EVENTS_ROLLUP_GROUP,
  EventsStreamStore,
  RedisKeys,
  SCORE_MAX_AGE_MS,
  ScoreStore,
  ServingIndexStore,
  beaconUrl,
  type ServingIndexCampaign,
} from '@ads/ads-client';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig } from '../src/config';
import { fixtureCampaign, fixtureIndex } from './support/serving-index-fixture';
import { createServingApp, type ServingApp } from '../src/app/serving-app';
import { TrackingSigner, type TrackingClaims } from '../src/domain/tracking-url';

const prefix = `test:${randomUUID()}:`;
const keys = new RedisKeys(prefix);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const indexStore = new ServingIndexStore(redis, keys);
const scoreStore = new ScoreStore(redis, keys);
let app: ServingApp;
let baseUrl: string;
let trackingSecret: string;

async function publishIndex(version: string, campaigns: Array<string | ServingIndexCampaign>): Promise<void> {
  const index = fixtureIndex({
    version,
    campaigns: campaigns.map((campaign) =>
      typeof campaign === 'string' ? fixtureCampaign({ id: campaign, bidType: 'CPC', bidAmount: 10 }) : campaign,
    ),
  });
  await indexStore.write({
    version,
    builtAt: new Date().toISOString(),
    asOf: index.meta.asOf,
    placements: index.placements,
    featureSwitches: [],
    campaigns: index.campaigns,
  });
  await indexStore.publish(version);
}

function until(check: () => boolean, what: string): Promise<void> {
  return waitFor(check, what, { timeoutMs: 10_000 });
}

before(async () => {
  await publishIndex('v1', ['c1']);
  // A generous Redis timeout: on a busy test machine the first lease of a campaign must not sit out.
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_KEY_PREFIX: prefix,
    INDEX_POLL_MS: '60000',
    NODE_ENV: 'test',
    REDIS_READ_TIMEOUT_MS: '1000',
  });
  trackingSecret = config.trackingSecret;
  app = createServingApp(config, pino({ level: 'silent' }));
  baseUrl = `http://127.0.0.1:${await app.start()}`;
  await until(() => app.lifecycle.current?.version === 'v1', 'v1 loaded at start');
});

after(async () => {
  await app?.stop();
  const found = await redis.keys(`${prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

test('an announced index version is loaded in the background', async () => {
  await publishIndex('v2', ['c1', 'c2']);
  await until(() => app.lifecycle.current?.version === 'v2', 'v2 loaded on its announcement');
  assert.deepEqual(
    app.lifecycle.current!.campaigns.map((campaign) => campaign.id),
    ['c1', 'c2'],
  );
});

test('a fresh score version sets the lottery weights; a stale one falls back to the defaults', async () => {
  const weightOf = (adId: string) => app.lifecycle.current!.ads.find((ad) => ad.id === adId)!.weight;
  const defaults = { pCtr: 0.02, eCpmMicros: 0, pacingFactor: 1 };
  await scoreStore.writeVersion('s1', [['c1-ad', { pCtr: 0.1, eCpmMicros: 0, pacingFactor: 2 }]], {
    version: 's1',
    computedAt: new Date().toISOString(),
    ads: 1,
    defaults,
  });
  await scoreStore.publishVersion('s1');
  // CPC bid of 10 cents = 100,000 micros per click; eCPM = pCtr x 1000 x that, times the pacing factor.
  await until(() => Math.round(weightOf('c1-ad')) === 20_000_000, 'the score of c1-ad applied');
  assert.equal(Math.round(weightOf('c2-ad')), 2_000_000, 'an unscored ad takes the version defaults');
  const stale = new Date(Date.now() - SCORE_MAX_AGE_MS - 60_000).toISOString();
  await scoreStore.writeVersion('s2', [['c1-ad', { pCtr: 0.5, eCpmMicros: 0, pacingFactor: 1 }]], {
    version: 's2',
    computedAt: stale,
    ads: 1,
    defaults,
  });
  await scoreStore.publishVersion('s2');
  await until(() => Math.round(weightOf('c1-ad')) === 2_000_000, 'stale scores give way to the defaults');
});

test('a broken version is refused and the index in memory stays', async () => {
  await redis.hset(
    keys.indexVersion('v3'),
    'meta',
    JSON.stringify({
      format: 1,
      version: 'v3',
      builtAt: new Date().toISOString(),
      asOf: new Date().toISOString(),
      campaigns: 1,
      ads: 1,
      placements: 0,
      chunks: 1,
    }),
  );
  await redis.hset(keys.indexVersion('v3'), 'placements', '[]', 'switches', '[]', 'campaigns:0', '[{"id":42}]');
  await indexStore.publish('v3');
  // The refusal is seen (a failed load counted), not merely waited for.
  const failedLoads = async () =>
    Number(/^ads_serving_index_loads_total\{outcome="failed"\} (\d+)/m.exec(await (await fetch(`${baseUrl}/metrics`)).text())?.[1] ?? 0);
  await waitFor(async () => (await failedLoads()) > 0, 'a failed load to be counted', { timeoutMs: 10_000 });
  assert.equal(await failedLoads(), 1, 'the broken version was read and refused');
  assert.equal(app.lifecycle.current?.version, 'v2');
});

async function decideOne(): Promise<{ adId: string; impressionUrl: string; clickUrl: string }> {
  const answer = await postJsonRpc(`${baseUrl}/rpc`, 'serving.decide', {
    placements: [{ divName: 'top', placementKey: 'home-top', count: 1 }],
    userKey: 'lifecycle-user-1',
  });
  const body = (await answer.json()) as {
    error?: unknown;
    result: { decisions: Record<string, Array<{ adId: string; trackingUrl: string }>> };
  };
  assert.ok(body.result !== undefined, JSON.stringify(body.error));
  const ad = body.result.decisions.top![0]!;
  return { adId: ad.adId, impressionUrl: beaconUrl(ad.trackingUrl, 'impression'), clickUrl: beaconUrl(ad.trackingUrl, 'click') };
}

const beacon = async (url: string) => {
  const answer = await fetch(url, { redirect: 'manual' });
  return { status: answer.status, event: answer.headers.get('x-ads-event'), location: answer.headers.get('location') };
};

test('a click lands on a landing page written in any script, percent-encoded, and is counted', async () => {
  const landing = fixtureCampaign({ id: 'c9', ads: [{ id: 'c9-ad', clickUrl: 'https://shop.example/日本/ü?q=ß' }] });
  await publishIndex('v4', [landing]);
  await until(() => app.lifecycle.current?.version === 'v4', 'v4 loaded');
  const ad = await decideOne();
  assert.equal(ad.adId, 'c9-ad');
  assert.deepEqual(await beacon(ad.clickUrl), {
    status: 302,
    event: 'counted',
    location: 'https://shop.example/%E6%97%A5%E6%9C%AC/%C3%BC?q=%C3%9F',
  });
});

test('an ad a newer version dropped: its beacons still count and its clicks land while its URLs live', async () => {
  const ad = await decideOne();
  assert.equal(ad.adId, 'c9-ad');
  await publishIndex('v5', ['c10']);
  await until(() => app.lifecycle.current?.version === 'v5', 'v5 loaded');
  assert.deepEqual(await beacon(ad.impressionUrl), { status: 204, event: 'counted', location: null });
  assert.deepEqual(await beacon(ad.clickUrl), {
    status: 302,
    event: 'counted',
    location: 'https://shop.example/%E6%97%A5%E6%9C%AC/%C3%BC?q=%C3%9F',
  });
  const urlLifetimeMs = 4 * 3600 * 1000;
  assert.ok(app.lifecycle.trackedAd('c9', 'c9-ad') !== undefined);
  assert.equal(app.lifecycle.trackedAd('c9', 'c9-ad', Date.now() + urlLifetimeMs + 60_000), undefined, 'forgotten once its URLs expired');
  assert.equal(app.lifecycle.trackedAd('c9', 'no-such-ad'), undefined);
});

test('URLs signed the legacy way (claims in the query) still count once per event until they expire', async () => {
  const claims: TrackingClaims = {
    decisionId: `legacy-${randomUUID()}`,
    adId: 'c9-ad',
    campaignId: 'c9',
    advertiserId: 'adv-c9',
    placementKey: 'home-top',
    userKey: 'legacy-user-1',
    impressionSpendMicros: 0,
    clickSpendMicros: 0,
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  };
  const signer = new TrackingSigner(trackingSecret);
  const legacy = signer.legacyUrls(baseUrl, claims);
  assert.ok(legacy.impressionUrl.startsWith(`${baseUrl}/t/i?`));
  assert.deepEqual(await beacon(legacy.impressionUrl), { status: 204, event: 'counted', location: null });
  assert.deepEqual(await beacon(legacy.impressionUrl), { status: 409, event: 'duplicate', location: null });
  // The same event through a token of the same decision and ad is the same event: not counted again.
  const tokenUrl = `${baseUrl}/t/${signer.token(claims)}`;
  assert.deepEqual(await beacon(beaconUrl(tokenUrl, 'impression')), { status: 409, event: 'duplicate', location: null });
  assert.deepEqual(await beacon(beaconUrl(tokenUrl, 'viewable')), { status: 204, event: 'counted', location: null });
  assert.deepEqual(await beacon(legacy.viewableUrl), { status: 409, event: 'duplicate', location: null });
  assert.deepEqual(await beacon(legacy.clickUrl), {
    status: 302,
    event: 'counted',
    location: 'https://shop.example/%E6%97%A5%E6%9C%AC/%C3%BC?q=%C3%9F',
  });
  // The legacy tag of one event does not open another's path.
  const impressionAsClick = legacy.impressionUrl.replace('/t/i?', '/t/c?');
  assert.equal((await beacon(impressionAsClick)).status, 403);
});

test('/metrics reports how far behind the roll-up is, and when the stream cap cut into what it had not read', async () => {
  const gauge = async (name: string) =>
    Number(new RegExp(`^${name} (-?[\\d.]+)$`, 'm').exec(await (await fetch(`${baseUrl}/metrics`)).text())?.[1]);
  assert.equal(await gauge('ads_serving_events_rollup_delay_seconds'), -1, 'no roll-up group yet: unknown');
  assert.equal(await gauge('ads_serving_events_stream_max_entries'), 5_000_000);
  // Entries with explicit ids: the roll-up read up to 1000-0; the newest is 61 s later.
  const stream = new EventsStreamStore(redis, keys, EVENTS_ROLLUP_GROUP);
  await redis.del(stream.key);
  for (const id of ['1000-0', '2000-0', '31000-0', '62000-0']) await stream.appendFields([['event', '{}']], id);
  await stream.ensureGroup('1000-0');
  assert.equal(await gauge('ads_serving_events_rollup_delay_seconds'), 61);
  assert.equal(await gauge('ads_serving_events_rollup_unread_trimmed'), 0);
  // The cap trims the oldest entries, unread 2000-0 among them: events lost to the database.
  await stream.trim({ maxLength: 2 });
  assert.equal(await gauge('ads_serving_events_rollup_unread_trimmed'), 1);
  // Caught up: no delay.
  await stream.readNew('test-reader', 10);
  assert.equal(await gauge('ads_serving_events_rollup_delay_seconds'), 0);
  assert.equal(await gauge('ads_serving_events_rollup_unread_trimmed'), 0);
});
