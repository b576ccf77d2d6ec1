// The serving app in-process against the real Redis: it loads the announced index version in
// the background, applies the newest fresh score version, falls back to default scores when
// the scores are stale, and keeps its index when a published version is broken.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { RedisKeys, SCORE_MAX_AGE_MS, ScoreStore, ServingIndexStore } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig } from '../src/config';
import { fixtureCampaign, fixtureIndex } from '../src/domain/serving-index-fixture';
import { createServingApp, type ServingApp } from '../src/serving-app';

const prefix = `test:${randomUUID()}:`;
const keys = new RedisKeys(prefix);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const indexStore = new ServingIndexStore(redis, keys);
const scoreStore = new ScoreStore(redis, keys);
let app: ServingApp;

async function publishIndex(version: string, campaignIds: string[]): Promise<void> {
  const index = fixtureIndex({ version, campaigns: campaignIds.map((id) => fixtureCampaign({ id, bidType: 'CPC', bidAmount: 10 })) });
  await indexStore.write({ version, builtAt: new Date().toISOString(), asOf: index.meta.asOf, placements: index.placements, featureSwitches: [], campaigns: index.campaigns });
  await indexStore.publish(version);
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100 && !check(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(check(), what);
}

before(async () => {
  await publishIndex('v1', ['c1']);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', REDIS_KEY_PREFIX: prefix, INDEX_POLL_MS: '60000', NODE_ENV: 'test' });
  app = createServingApp(config, pino({ level: 'silent' }));
  await app.start();
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
  assert.deepEqual(app.lifecycle.current!.campaigns.map((campaign) => campaign.id), ['c1', 'c2']);
});

test('a fresh score version sets the lottery weights; a stale one falls back to the defaults', async () => {
  const weightOf = (adId: string) => app.lifecycle.current!.ads.find((ad) => ad.id === adId)!.weight;
  const defaults = { pCtr: 0.02, eCpmMicros: 0, pacingFactor: 1 };
  await scoreStore.writeVersion('s1', [['c1-ad', { pCtr: 0.1, eCpmMicros: 0, pacingFactor: 2 }]], { version: 's1', computedAt: new Date().toISOString(), ads: 1, defaults });
  await scoreStore.publishVersion('s1');
  // CPC bid of 10 cents = 100,000 micros per click; eCPM = pCtr x 1000 x that, times the pacing factor.
  await until(() => Math.round(weightOf('c1-ad')) === 20_000_000, 'the score of c1-ad applied');
  assert.equal(Math.round(weightOf('c2-ad')), 2_000_000, 'an unscored ad takes the version defaults');
  const stale = new Date(Date.now() - SCORE_MAX_AGE_MS - 60_000).toISOString();
  await scoreStore.writeVersion('s2', [['c1-ad', { pCtr: 0.5, eCpmMicros: 0, pacingFactor: 1 }]], { version: 's2', computedAt: stale, ads: 1, defaults });
  await scoreStore.publishVersion('s2');
  await until(() => Math.round(weightOf('c1-ad')) === 2_000_000, 'stale scores give way to the defaults');
});

test('a broken version is refused and the index in memory stays', async () => {
  await redis.hset(keys.indexVersion('v3'), 'meta', JSON.stringify({ format: 1, version: 'v3', builtAt: new Date().toISOString(), asOf: new Date().toISOString(), campaigns: 1, ads: 1, placements: 0, chunks: 1 }));
  await redis.hset(keys.indexVersion('v3'), 'placements', '[]', 'switches', '[]', 'campaigns:0', '[{"id":42}]');
  await indexStore.publish('v3');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(app.lifecycle.current?.version, 'v2');
});
