// The typed stores of the feedback loop against the real Redis: time series and score versions.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { waitFor } from '@ads/test-kit';
import {
  RedisKeys,
  RedisValueError,
  RedisWriteError,
  SCORE_META_FIELD,
  ScoreStore,
  TimeSeriesStore,
  newScoreVersionId,
  timeSeriesCovers,
} from '../src/index.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const keys = new RedisKeys(`test:${randomUUID()}:`);

async function deleteTestKeys(): Promise<void> {
  const found = await redis.keys(`${keys.prefix}*`);
  if (found.length > 0) await redis.del(...found);
}

before(deleteTestKeys);
after(async () => {
  await deleteTestKeys();
  redis.disconnect();
});

const point = (impressions: number, clicks: number) => ({
  impressions,
  viewableImpressions: impressions,
  clicks,
  spendMicros: impressions * 100,
  ctr: clicks / impressions,
});

test('a series is replaced whole, read back in order and windowed', async () => {
  const store = new TimeSeriesStore(redis, keys);
  await store.replaceSeries(
    [
      {
        level: 'ad',
        id: 'a1',
        granularity: 'hour',
        points: [
          { bucket: '2026-03-10T01:00:00.000Z', ...point(10, 1) },
          { bucket: '2026-03-10T00:00:00Z', ...point(20, 2) },
        ],
      },
    ],
    { ttlSeconds: 60 },
  );
  await store.replaceSeries(
    [
      {
        level: 'ad',
        id: 'a1',
        granularity: 'hour',
        points: [
          { bucket: '2026-03-10T02:00:00.000Z', ...point(5, 0) },
          { bucket: '2026-03-10T03:00:00.000Z', ...point(4, 1) },
        ],
      },
    ],
    {
      ttlSeconds: 60,
    },
  );
  const all = await store.read('ad', 'a1', 'hour');
  assert.deepEqual(
    all.map((bucket) => bucket.bucket),
    ['2026-03-10T02:00:00.000Z', '2026-03-10T03:00:00.000Z'],
    'older buckets are gone',
  );
  assert.deepEqual(await store.read('ad', 'a1', 'hour', { from: '2026-03-10T03:00:00Z' }), [
    { bucket: '2026-03-10T03:00:00.000Z', ...point(4, 1) },
  ]);
  const ttl = await redis.ttl(keys.timeSeries('ad', 'a1', 'hour'));
  assert.ok(ttl > 0 && ttl <= 60);
  const [buckets] = await store.readBuckets([
    { level: 'ad', id: 'a1', granularity: 'hour', buckets: [Date.parse('2026-03-10T03:00:00Z'), '2026-03-10T09:00:00Z'] },
  ]);
  assert.deepEqual(buckets, [point(4, 1), null]);
});

test('series ids are listed per level and granularity, and deleted', async () => {
  const store = new TimeSeriesStore(redis, keys);
  const entry = (id: string, granularity: 'hour' | 'day') => ({
    level: 'campaign' as const,
    id,
    granularity,
    points: [{ bucket: '2026-03-10T00:00:00Z', ...point(1, 0) }],
  });
  await store.replaceSeries([entry('c1', 'hour'), entry('c2', 'hour'), entry('c1', 'day')], { ttlSeconds: 60 });
  assert.deepEqual((await store.listIds('campaign', 'hour')).sort(), ['c1', 'c2']);
  assert.equal(await store.deleteSeries('campaign', ['c2', 'missing'], 'hour'), 1);
  assert.deepEqual(await store.listIds('campaign', 'hour'), ['c1']);
});

test('a corrupted bucket is reported with its key and field', async () => {
  const store = new TimeSeriesStore(redis, keys);
  await redis.hset(keys.timeSeries('advertiser', 'x', 'day'), '2026-03-10T00:00:00.000Z', '{"impressions":"many"}');
  await assert.rejects(
    store.read('advertiser', 'x', 'day'),
    (error: unknown) => error instanceof RedisValueError && error.field === '2026-03-10T00:00:00.000Z',
  );
});

test('the meta says which window the series cover', async () => {
  const store = new TimeSeriesStore(redis, keys);
  assert.equal(await store.readMeta(), null);
  const meta = { warmedAt: '2026-03-10T10:05:00.000Z', from: '2026-03-04T00:00:00.000Z', to: '2026-03-10T11:00:00.000Z', retentionDays: 7 };
  await store.writeMeta(meta, 60);
  assert.deepEqual(await store.readMeta(), meta);
  assert.ok(timeSeriesCovers(meta, '2026-03-05T00:00:00Z', '2026-03-10T00:00:00Z'));
  assert.ok(!timeSeriesCovers(meta, '2026-03-01T00:00:00Z', '2026-03-10T00:00:00Z'));
});

test('score versions flip atomically, keep the previous one, retire older ones and announce', async () => {
  const store = new ScoreStore(redis, keys);
  const subscriber = redis.duplicate();
  const announced: string[] = [];
  await subscriber.subscribe(keys.scoresAnnounceChannel);
  subscriber.on('message', (_channel, message) => announced.push(message));
  try {
    const versions: string[] = [];
    for (let run = 0; run < 3; run += 1) {
      const version = newScoreVersionId(Date.parse('2026-03-10T10:00:00Z') + run * 60_000);
      const scores = Array.from(
        { length: 2500 },
        (_, index) => [`ad-${index}`, { pCtr: 0.01 * (run + 1), eCpmMicros: 1_000 * index, pacingFactor: 1 }] as const,
      );
      const meta = {
        version,
        computedAt: new Date().toISOString(),
        ads: scores.length,
        defaults: { pCtr: 0.01, eCpmMicros: 0, pacingFactor: 1 },
      };
      assert.equal(await store.writeVersion(version, scores, meta, { fieldsPerCommand: 700 }), 2500);
      assert.ok((await redis.ttl(keys.scoresVersion(version))) > 0, 'an unpublished version expires');
      const flip = await store.publishVersion(version, { retireAfterSeconds: 30 });
      assert.equal(flip.previous, versions.at(-1) ?? null);
      assert.equal(flip.retired, versions.at(-2) ?? null);
      versions.push(version);
    }
    assert.equal(await store.currentVersion(), versions[2]);
    assert.equal(await store.previousVersion(), versions[1]);
    assert.equal(await redis.ttl(keys.scoresVersion(versions[2]!)), -1, 'the current version does not expire');
    assert.equal(await redis.ttl(keys.scoresVersion(versions[1]!)), -1, 'the previous version does not expire');
    const retiredTtl = await redis.ttl(keys.scoresVersion(versions[0]!));
    assert.ok(retiredTtl > 0 && retiredTtl <= 30, 'the version before expires');
    const current = await store.readCurrent();
    assert.equal(current!.scores.size, 2500);
    assert.deepEqual(current!.scores.get('ad-7'), { pCtr: 0.03, eCpmMicros: 7_000, pacingFactor: 1 });
    assert.equal(current!.meta.ads, 2500);
    // Publishing the current version again changes nothing and announces nothing.
    const again = await store.publishVersion(versions[2]!);
    assert.equal(again.previous, versions[1]);
    await waitFor(() => announced.length >= 3, 'the three versions announced', { timeoutMs: 5_000, intervalMs: 10 });
    assert.deepEqual(announced, versions);
  } finally {
    subscriber.disconnect();
  }
});

test('a version that was never written cannot be published, and bad entries are set aside', async () => {
  const store = new ScoreStore(redis, keys);
  await assert.rejects(store.publishVersion('missing'), (error: unknown) => error instanceof RedisWriteError);
  const version = newScoreVersionId();
  const meta = { version, computedAt: new Date().toISOString(), ads: 1, defaults: { pCtr: 0.01, eCpmMicros: 0, pacingFactor: 1 } };
  await store.writeVersion(version, [['good', { pCtr: 0.5, eCpmMicros: 1, pacingFactor: 1 }]], meta);
  await redis.hset(keys.scoresVersion(version), 'bad', '{"pCtr":7}');
  const read = await store.readVersion(version);
  assert.deepEqual([...read!.scores.keys()], ['good']);
  assert.deepEqual(read!.invalidAdIds, ['bad']);
  assert.deepEqual(await store.readMeta(version), meta);
  await assert.rejects(
    store.writeVersion(version, [[SCORE_META_FIELD, { pCtr: 0.5, eCpmMicros: 1, pacingFactor: 1 }]], meta),
    RedisWriteError,
  );
});
