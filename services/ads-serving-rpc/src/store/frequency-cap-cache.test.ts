import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { RedisKeys } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { buildDecisionIndex } from '../domain/decision-index';
import { fixtureCampaign, fixtureIndex } from '../domain/serving-index-fixture';
import { FrequencyCapCache } from './frequency-cap-cache';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const keys = new RedisKeys(`test:${randomUUID()}:`);
const campaign = buildDecisionIndex(fixtureIndex({ campaigns: [fixtureCampaign({ id: 'capped', frequencyCap: { count: 2, windowSeconds: 3600 } })] })).campaigns[0]!;
const now = Date.parse('2026-03-02T12:00:00Z');

after(async () => {
  const found = await redis.keys(`${keys.frequencyCap('*', '*')}`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

test('with Redis ready, an unknown count must be read; a read count is used while fresh', async () => {
  const caps = new FrequencyCapCache(redis, keys, { freshMs: 5_000, maxEntries: 100, timeoutMs: 2_000 });
  assert.equal(caps.count('user-a', campaign, now, true), undefined);
  await redis.zadd(keys.frequencyCap('user-a', campaign.id), now - 60_000, 'i1', now - 30_000, 'i2');
  assert.equal(await caps.fetch('user-a', [campaign], now), true);
  assert.equal(caps.count('user-a', campaign, now, true), 2);
  assert.equal(caps.count('user-a', campaign, now + 10_000, true), undefined, 'stale: read again');
});

test('with Redis away, known counts are used and a user known to nobody here counts as capped', () => {
  const caps = new FrequencyCapCache(redis, keys, { freshMs: 5_000, maxEntries: 100, timeoutMs: 2_000 });
  assert.equal(caps.count('stranger', campaign, now, false), Number.POSITIVE_INFINITY);
  caps.recordImpression('regular', campaign.id, now - 1_000);
  assert.equal(caps.count('regular', campaign, now, false), 1, 'this process counted one impression');
});
