// The spend counters' reconciliation primitives against the real Redis.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisKeys } from '@ads/ads-client';
import { CREATED_COUNTER_TTL_SECONDS, SpendCounterStore } from '../src/store/spend-counter-store';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const keys = new RedisKeys(`test:${randomUUID()}:`);
const store = new SpendCounterStore(redis, keys);

after(async () => {
  const found = await redis.keys(`${keys.prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

test('a counter is raised to the floor, never lowered, and keeps its expiry', async () => {
  const key = keys.campaignDaySpend('c1', '20260310');
  await redis.set(key, '400', 'EX', 1000);
  assert.deepEqual(await store.raiseDayCounter('c1', '20260310', 1000), { valueMicros: 1000, raisedByMicros: 600 });
  assert.deepEqual(await store.raiseDayCounter('c1', '20260310', 700), { valueMicros: 1000, raisedByMicros: 0 });
  assert.equal(await redis.get(key), '1000');
  const ttl = await redis.ttl(key);
  assert.ok(ttl > 900 && ttl <= 1000, 'the expiry serving set is kept');
});

test('a counter the reconciliation creates expires', async () => {
  await store.raiseDayCounter('c2', '20260310', 250);
  const key = keys.campaignDaySpend('c2', '20260310');
  assert.equal(await redis.get(key), '250');
  const ttl = await redis.ttl(key);
  assert.ok(ttl > CREATED_COUNTER_TTL_SECONDS - 10 && ttl <= CREATED_COUNTER_TTL_SECONDS);
  assert.deepEqual(
    await store.readDayCounters([
      { campaignId: 'c2', day: '20260310' },
      { campaignId: 'none', day: '20260310' },
    ]),
    [250, 0],
  );
});

test('increments made concurrently with a raise are kept', async () => {
  const key = keys.campaignDaySpend('c3', '20260310');
  await Promise.all([
    ...Array.from({ length: 50 }, () => redis.incrby(key, 10)),
    store.raiseDayCounter('c3', '20260310', 300),
    ...Array.from({ length: 50 }, () => redis.incrby(key, 10)),
  ]);
  // Whenever the raise ran, the counter ends at max(floor, value then) plus the increments after.
  const value = Number(await redis.get(key));
  assert.ok(value >= 1000 && value <= 1300, `${value}`);
});

test("serving's hour counters are summed per campaign and hour", async () => {
  const hourMs = Date.parse('2026-03-10T09:00:00Z');
  await redis.hset(keys.adHourCounters('a1', '2026031009'), { impressions: 5, spendMicros: 120 });
  await redis.hset(keys.adHourCounters('a2', '2026031009'), { impressions: 2, spendMicros: 30 });
  const spend = await store.readLiveHourSpend([
    { adIds: ['a1', 'a2', 'a3'], hourStartMs: hourMs },
    { adIds: ['a3'], hourStartMs: hourMs },
    { adIds: ['a1'], hourStartMs: hourMs + 3_600_000 },
  ]);
  assert.deepEqual(spend, [150, null, null]);
});
