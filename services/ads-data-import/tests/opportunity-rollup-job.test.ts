// The opportunity roll-up's Redis side, on the real test Redis: a pending member is removed only
// while its score is the one read, and a data API that does not answer leaves every period
// pending; every read and the removal script work on a Redis Cluster (all keys in `{fc}`).
// The roll-up against a real ads-data-api is tests/opportunity-rollup.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPPORTUNITY_SETTLE_MS, RedisKeys, hourBucket } from '@ads/ads-client';
import { startRedisCluster, useTestRedis } from '@ads/test-kit';
import { Cluster } from 'ioredis';
import { pino } from 'pino';
import { runOpportunityRollup } from '../src/app/opportunity-rollup-job';
import { DataApiCallError } from '../src/errors';
import { createDataApiClient } from '../src/store/data-api-client';
import { OpportunityPendingStore } from '../src/store/opportunity-pending-store';

const { redis, prefix } = useTestRedis();
const keys = new RedisKeys(prefix);
const logger = pino({ level: 'silent' });
const HOUR = 3_600_000;

test('a pending member is removed only while its score is the one read', async () => {
  const store = new OpportunityPendingStore(redis, keys);
  const now = Date.now();
  await redis.zadd(keys.opportunityPending, now - 10 * 60_000, 'h:2026120101', now - 5 * 60_000, 'd:20261201', now, 'h:2026120102');
  const read = await store.flushedBy(now - OPPORTUNITY_SETTLE_MS);
  assert.deepEqual(
    read.map((entry) => entry.member),
    ['h:2026120101', 'd:20261201'],
  );
  // A flush lands between the read and the removal: the member stays, with the new score.
  await redis.zadd(keys.opportunityPending, now + 1, 'h:2026120101');
  assert.equal(await store.removeIfUnchanged(read[0]!), false);
  assert.equal(await redis.zscore(keys.opportunityPending, 'h:2026120101'), String(now + 1));
  assert.equal(await store.removeIfUnchanged(read[1]!), true);
  assert.equal(await redis.zscore(keys.opportunityPending, 'd:20261201'), null);
});

test('a data API that does not answer fails the run and leaves the period pending', async () => {
  const hour = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
  const member = `h:${hourBucket(hour)}`;
  await redis.hset(keys.opportunityCounts(hourBucket(hour)), 'front-top', '12');
  await redis.zadd(keys.opportunityPending, Date.now() - 10 * 60_000, member);
  // Nothing listens on port 9: a real connection refusal.
  const dataApi = createDataApiClient({ urls: ['http://127.0.0.1:9/rpc'], token: 'unused', timeoutMs: 2_000 });
  try {
    await assert.rejects(
      runOpportunityRollup({ redis, keys, dataApi, logger }),
      (error: unknown) => error instanceof DataApiCallError && error.code === 'DATA_API_UNAVAILABLE' && error.message.includes(member),
    );
  } finally {
    await dataApi.$close();
  }
  assert.notEqual(await redis.zscore(keys.opportunityPending, member), null);
  assert.equal(await redis.hget(keys.opportunityCounts(hourBucket(hour)), 'front-top'), '12');
});

test('on a Redis Cluster: the reads, the day sum and the removal script stay in the {fc} slot', { timeout: 60_000 }, async () => {
  const cluster = await startRedisCluster(3);
  const client = new Cluster(
    cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
    { redisOptions: { maxRetriesPerRequest: 2 } },
  );
  try {
    const store = new OpportunityPendingStore(client, keys);
    const day = Date.UTC(2026, 11, 1);
    await client.hset(keys.opportunityCounts(hourBucket(day)), 'a', '3', 'b', '4');
    await client.hset(keys.opportunityCounts(hourBucket(day + 23 * HOUR)), 'a', '5');
    await client.zadd(keys.opportunitySample('20261201'), 0.5, '{"x":1}', 0.25, '{"x":2}');
    await client.zadd(keys.opportunityPending, 1_000, 'd:20261201');
    const [pending] = await store.flushedBy(2_000);
    assert.deepEqual(pending, { member: 'd:20261201', score: '1000' });
    assert.deepEqual(await store.hourCounts(hourBucket(day)), { a: '3', b: '4' });
    assert.equal(await store.dayRequests(Array.from({ length: 24 }, (_, index) => hourBucket(day + index * HOUR))), 12);
    assert.deepEqual(await store.daySample('20261201'), {
      members: [
        { json: '{"x":2}', priority: 0.25 },
        { json: '{"x":1}', priority: 0.5 },
      ],
      size: 2,
    });
    assert.equal(await store.removeIfUnchanged(pending), true);
    assert.equal(await client.zcard(keys.opportunityPending), 0);
  } finally {
    client.disconnect();
    await cluster.stop();
  }
});
