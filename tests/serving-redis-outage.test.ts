// Redis stopped and started again under a running serving instance: decisions keep coming
// from the index in memory (no 5xx), beacons are kept in a bounded buffer (replays still
// refused), and once Redis is back the buffered events are counted there exactly once.
// The test runs its own redis-server (no persistence): the shared one is never stopped.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RedisKeys, ServingIndexStore, beaconUrl, decodeTrackingEvent, hourBucket, type ServingIndex } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { type PrivateRedis, startPrivateRedis, waitFor } from '@ads/test-kit';
import { createStackDatabase, seedStackDatabase, startDataApi, type RunningDataApi, type StackDatabase } from './support/stack';
import {
  beacon,
  decide,
  decideRaw,
  deleteKeys,
  metric,
  requestServedBy,
  runCacheWarming,
  startServing,
  testPrefix,
  type DecidedAd,
  type RunningServing,
} from './support/serving-stack';

const prefix = testPrefix();
const keys = new RedisKeys(prefix);
let privateRedis: PrivateRedis;
let database: StackDatabase;
let dataApi: RunningDataApi;
let serving: RunningServing;
let index: ServingIndex;

before(async () => {
  privateRedis = await startPrivateRedis();
  database = await createStackDatabase();
  const seed = await seedStackDatabase(database.url);
  dataApi = await startDataApi({ databaseUrl: database.url, redisKeyPrefix: prefix });
  const run = await runCacheWarming({
    dataApiUrls: [dataApi.rpcUrl],
    serviceKey: seed.serviceKey,
    redisKeyPrefix: prefix,
    redisUrl: privateRedis.url,
  });
  assert.equal(run.code, 0, run.stderr);
  const reader = new Redis(privateRedis.url);
  index = await new ServingIndexStore(reader, keys).read(run.summary!.version);
  reader.disconnect();
  serving = await startServing({ redisKeyPrefix: prefix, redisUrl: privateRedis.url });
});

after(async () => {
  await Promise.all([serving?.stop(), dataApi?.stop()]);
  await database?.drop();
  await privateRedis?.stop();
  await deleteKeys(prefix);
});

test('Redis down: decisions go on from memory, events wait in the buffer and reach Redis once it is back', async () => {
  const startedAt = Date.now();
  const { params } = requestServedBy(index);
  assert.ok((await decide(serving.rpcUrl, params)).decisions.slot!.length >= 1);

  await privateRedis.stop();
  await waitFor(async () => (await metric(serving.url, 'ads_serving_redis_up')) === 0, 'serving to notice Redis is gone', {
    timeoutMs: 10_000,
  });

  const shown: DecidedAd[] = [];
  for (let call = 0; call < 5; call += 1) {
    const answer = await decideRaw(serving.rpcUrl, params);
    assert.equal(answer.status, 200, 'no 5xx while Redis is down');
    const ads = answer.body.result!.decisions.slot!;
    assert.ok(ads.length >= 1, 'the index in memory still fills the slot');
    shown.push(ads[0]!);
  }
  for (const ad of shown)
    assert.deepEqual(await beacon(beaconUrl(ad.trackingUrl, 'impression')), { status: 204, event: 'buffered', location: null });
  assert.deepEqual(
    await beacon(beaconUrl(shown[0]!.trackingUrl, 'impression')),
    { status: 409, event: 'duplicate', location: null },
    'a replay is refused from memory',
  );
  assert.equal(await metric(serving.url, 'ads_serving_event_buffer_size'), 5);
  assert.equal((await fetch(`${serving.url}/readyz`)).status, 200, 'still ready: the index is in memory');

  await privateRedis.start();
  const redis = new Redis(privateRedis.url);
  try {
    await waitFor(async () => (await redis.xlen(keys.eventsStream)) === 5, 'the buffered events to arrive in the stream', {
      timeoutMs: 20_000,
      watch: serving.process,
    });
    await waitFor(async () => (await metric(serving.url, 'ads_serving_event_buffer_size')) === 0, 'the buffer to drain', {
      timeoutMs: 5_000,
    });
    const events = (await redis.xrange(keys.eventsStream, '-', '+')).map(([, fields]) => decodeTrackingEvent(fields));
    assert.ok(events.every((entry) => entry.ok && entry.event.type === 'impression'));
    const decisionIds = new Set(events.map((entry) => (entry.ok ? entry.event.decisionId : '')));
    assert.equal(decisionIds.size, 5, 'each decision counted once');
    // Events are bucketed by the hour they were counted in: look at every hour since the start.
    const hours = new Set([hourBucket(startedAt), hourBucket(Date.now())]);
    let impressions = 0;
    for (const adId of new Set(shown.map((ad) => ad.adId))) {
      for (const hour of hours) impressions += Number((await redis.hget(keys.adHourCounters(adId, hour), 'impressions')) ?? 0);
    }
    assert.equal(impressions, 5);
    // A replay through another instance (which never saw the event) meets the markers the
    // flush set in Redis. The restarted Redis has no index, so that instance is not ready:
    // beacons do not need one.
    const other = await startServing({ redisKeyPrefix: prefix, redisUrl: privateRedis.url, waitReady: false });
    try {
      // It listens before its Redis connection is up; until then it would buffer, not check.
      await waitFor(async () => (await metric(other.url, 'ads_serving_redis_up')) === 1, 'the other instance to reach Redis', {
        timeoutMs: 10_000,
        watch: other.process,
      });
      const otherUrl = (url: string) => url.replace(serving.url, other.url);
      assert.deepEqual(await beacon(otherUrl(beaconUrl(shown[1]!.trackingUrl, 'impression'))), {
        status: 409,
        event: 'duplicate',
        location: null,
      });
      assert.deepEqual(await beacon(otherUrl(beaconUrl(shown[1]!.trackingUrl, 'viewable'))), {
        status: 204,
        event: 'counted',
        location: null,
      });
    } finally {
      await other.stop();
    }
    assert.ok((await decide(serving.rpcUrl, params)).decisions.slot!.length >= 1);
  } finally {
    redis.disconnect();
  }
});
