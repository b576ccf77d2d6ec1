// The serving index store against the real Redis: versions are written whole, flipped
// atomically, kept as previous, expired after, and refused when incomplete, foreign, or built
// from an older snapshot than the current version's.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { waitFor } from '@ads/test-kit';
import { SERVING_INDEX_FIELDS, type ServingIndexCampaign } from '../contracts/serving-index.js';
import { RedisKeys } from './redis-keys.js';
import { ServingIndexError, ServingIndexStore, type ServingIndexParts } from './serving-index-store.js';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const keys = new RedisKeys(`test:${randomUUID()}:`);
const store = new ServingIndexStore(redis, keys);
// The ordering tests start from an empty index of their own.
const raceKeys = new RedisKeys(`test:${randomUUID()}:`);
const raceStore = new ServingIndexStore(redis, raceKeys);

after(async () => {
  const found = [...(await redis.keys(`${keys.prefix}*`)), ...(await redis.keys(`${raceKeys.prefix}*`))];
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

const campaign = (id: string, ads: number): ServingIndexCampaign => ({
  id,
  advertiserId: 'adv',
  name: id,
  flightStart: '2026-01-01T00:00:00Z',
  flightEnd: '2027-01-01T00:00:00Z',
  timeZone: 'UTC',
  totalBudget: 100,
  dailyBudget: null,
  spentMicros: 0,
  pacing: 'even',
  priority: 'standard',
  bidType: 'CPM',
  bidAmount: 10,
  frequencyCap: null,
  targeting: { countries: [], devices: [], keywords: [], siteIds: [], categories: [], hours: [], weekdays: [] },
  exclusionLabel: null,
  liveSpendBaselineMicros: 0,
  ads: Array.from({ length: ads }, (_, at) => ({
    id: `${id}-${at}`,
    format: 'native' as const,
    title: 't',
    body: 'b',
    imageUrl: null,
    clickUrl: 'https://shop.test/',
    width: null,
    height: null,
    status: 'active' as const,
  })),
});

const parts = (version: string, campaigns = 5): ServingIndexParts => ({
  version,
  builtAt: '2026-03-02T12:00:00.000Z',
  asOf: '2026-03-02T11:59:00.000Z',
  featureSwitches: [],
  campaigns: Array.from({ length: campaigns }, (_, at) => campaign(`${version}-c${at}`, 2)),
  placements: [
    {
      id: 'p1',
      key: 'home',
      siteId: 's1',
      siteDomain: 'news.test',
      allowedFormats: ['native'],
      category: null,
      candidates: { sponsorship: [], standard: [0, 1, 9], house: [] },
    },
  ],
});

test('a written version is invisible until published, then read back whole', async (t) => {
  const written = await store.write(parts('v1'), { chunkSize: 2 });
  assert.equal(written.meta.chunks, 3);
  assert.equal(await store.currentVersion(), null);
  assert.ok((await redis.ttl(keys.indexVersion('v1'))) > 0, 'an unpublished version expires');
  const messages: string[] = [];
  const subscriber = redis.duplicate();
  // Also when an assertion fails: an open subscriber keeps the test process alive.
  t.after(() => subscriber.disconnect());
  await subscriber.subscribe(keys.indexAnnounceChannel);
  subscriber.on('message', (_channel, message) => messages.push(message));
  const flip = await store.publish('v1');
  assert.deepEqual(flip, { outcome: 'published', current: 'v1', previous: null, expired: null });
  assert.equal(await redis.ttl(keys.indexVersion('v1')), -1, 'a published version does not expire');
  const index = await store.readCurrent();
  assert.equal(index?.meta.version, 'v1');
  assert.equal(index?.campaigns.length, 5);
  assert.equal(index?.meta.ads, 10);
  assert.deepEqual(index?.placements[0]?.candidates.standard, [0, 1, 9]);
  await waitFor(() => messages.length > 0, 'the announcement of v1', { timeoutMs: 5_000, intervalMs: 10 });
  assert.deepEqual(messages, ['v1']);
});

test('publishing keeps the former version as previous and expires the one before', async () => {
  await store.write(parts('v2'));
  assert.deepEqual(await store.publish('v2', { retainMs: 60_000 }), { outcome: 'published', current: 'v2', previous: 'v1', expired: null });
  await store.write(parts('v3'));
  assert.deepEqual(await store.publish('v3', { retainMs: 60_000 }), { outcome: 'published', current: 'v3', previous: 'v2', expired: 'v1' });
  assert.equal(await store.previousVersion(), 'v2');
  assert.equal(await redis.ttl(keys.indexVersion('v2')), -1);
  const ttl = await redis.pttl(keys.indexVersion('v1'));
  assert.ok(ttl > 0 && ttl <= 60_000, `v1 expires (pttl ${ttl})`);
  assert.deepEqual(
    await store.publish('v3'),
    { outcome: 'unchanged', current: 'v3', previous: 'v2', expired: null },
    'publishing the current version again changes nothing',
  );
});

test('incomplete, missing, foreign or inconsistent versions are refused', async () => {
  await assert.rejects(store.publish('never-written'), /INDEX_INCOMPLETE/);
  assert.equal(await store.currentVersion(), 'v3', 'a refused publish leaves the pointer alone');
  await redis.hset(keys.indexVersion('half'), SERVING_INDEX_FIELDS.campaignChunk(0), '[]');
  await assert.rejects(store.publish('half'), /INDEX_INCOMPLETE/);
  await assert.rejects(store.read('half'), (error: unknown) => error instanceof ServingIndexError && error.code === 'INDEX_INCOMPLETE');
  await assert.rejects(store.read('nothing'), (error: unknown) => error instanceof ServingIndexError && error.code === 'INDEX_NOT_FOUND');
  await redis.hset(keys.indexVersion('future'), SERVING_INDEX_FIELDS.meta, JSON.stringify({ format: 99 }));
  await assert.rejects(
    store.read('future'),
    (error: unknown) => error instanceof ServingIndexError && error.code === 'INDEX_FORMAT_UNKNOWN',
  );
  const broken = parts('broken');
  broken.placements[0]!.candidates.standard.push(10_000);
  await store.write(broken);
  await assert.rejects(
    store.read('broken'),
    (error: unknown) => error instanceof ServingIndexError && error.code === 'INDEX_INVALID' && /10000/.test(error.message),
  );
  const badChunk = parts('bad-chunk');
  await store.write(badChunk);
  await redis.hset(keys.indexVersion('bad-chunk'), SERVING_INDEX_FIELDS.campaignChunk(0), JSON.stringify([{ id: 1 }]));
  await assert.rejects(
    store.read('bad-chunk'),
    (error: unknown) => error instanceof ServingIndexError && error.code === 'INDEX_INVALID' && /campaigns:0/.test(error.message),
  );
});

test('a version built from an older snapshot than the current one is refused, whatever its id', async (t) => {
  const at = (version: string, asOf: string) => raceStore.write({ ...parts(version, 1), asOf });
  // Version ids sort by build start; a build that started first may have read the inventory last.
  await at('20260302T120005000Z-late', '2026-03-02T12:00:05.000Z');
  assert.equal((await raceStore.publish('20260302T120005000Z-late')).outcome, 'published');
  await at('20260302T120000000Z-early', '2026-03-02T12:00:07.000Z');
  assert.deepEqual(await raceStore.publish('20260302T120000000Z-early', { retainMs: 60_000 }), {
    outcome: 'published',
    current: '20260302T120000000Z-early',
    previous: '20260302T120005000Z-late',
    expired: null,
  });

  const messages: string[] = [];
  const subscriber = redis.duplicate();
  t.after(() => subscriber.disconnect());
  await subscriber.subscribe(raceKeys.indexAnnounceChannel);
  subscriber.on('message', (_channel, message) => messages.push(message));
  // 13:00+01:00 is 12:00Z: older, though its text sorts after the current asOf.
  await at('stale-offset', '2026-03-02T13:00:06.999+01:00');
  assert.deepEqual(await raceStore.publish('stale-offset', { retainMs: 60_000 }), {
    outcome: 'stale',
    current: '20260302T120000000Z-early',
    previous: '20260302T120005000Z-late',
    expired: 'stale-offset',
    currentAsOf: '2026-03-02T12:00:07.000Z',
    refusedAsOf: '2026-03-02T12:00:06.999Z',
  });
  assert.equal(await raceStore.currentVersion(), '20260302T120000000Z-early', 'current stays');
  assert.equal(await raceStore.previousVersion(), '20260302T120005000Z-late', 'previous stays');
  const ttl = await redis.pttl(raceKeys.indexVersion('stale-offset'));
  assert.ok(ttl > 0 && ttl <= 60_000, `the refused version expires within the retain time (pttl ${ttl})`);
  assert.equal(await redis.ttl(raceKeys.indexVersion('20260302T120005000Z-late')), -1, 'the previous version does not expire');

  // Re-publishing the previous version (older) is refused too, and it is kept as previous.
  const refusedPrevious = await raceStore.publish('20260302T120005000Z-late', { retainMs: 60_000 });
  assert.equal(refusedPrevious.outcome, 'stale');
  assert.equal(refusedPrevious.expired, null);
  assert.equal(await redis.ttl(raceKeys.indexVersion('20260302T120005000Z-late')), -1, 'the previous version is not expired by a refusal');

  // An equal asOf publishes (same inventory); a later one in another offset too.
  await at('same-asof', '2026-03-02T12:00:07.000Z');
  assert.equal((await raceStore.publish('same-asof')).outcome, 'published');
  await at('newer-offset', '2026-03-02T07:00:08.000-05:00');
  assert.equal((await raceStore.publish('newer-offset', { retainMs: 60_000 })).outcome, 'published');
  assert.equal(await raceStore.currentVersion(), 'newer-offset');

  // Announcements arrive in the order they were published: once the last one is in, a refused
  // version announced earlier would be in too.
  await waitFor(() => messages.includes('newer-offset'), 'the announcement of newer-offset', { timeoutMs: 5_000, intervalMs: 10 });
  assert.deepEqual(messages, ['same-asof', 'newer-offset'], 'a refused version is never announced');
});

test('a current version whose asOf cannot be read does not block a complete new version', async () => {
  const isolated = new RedisKeys(`${raceKeys.prefix}unreadable:`);
  const isolatedStore = new ServingIndexStore(redis, isolated);
  await redis.hset(
    isolated.indexVersion('odd'),
    SERVING_INDEX_FIELDS.meta,
    JSON.stringify({ format: 1, version: 'odd', asOf: 'yesterday' }),
  );
  assert.equal((await isolatedStore.publish('odd')).outcome, 'published');
  await isolatedStore.write({ ...parts('fine', 1), asOf: '2020-01-01T00:00:00Z' });
  assert.equal((await isolatedStore.publish('fine')).outcome, 'published');
});

test('rollback makes the previous version current again and announces it; running it again undoes it', async () => {
  const rollbackKeys = new RedisKeys(`${raceKeys.prefix}rollback:`);
  const rollbackStore = new ServingIndexStore(redis, rollbackKeys);
  assert.deepEqual(await rollbackStore.rollback(), { outcome: 'none', current: null, previous: null }, 'nothing to roll back to');
  await rollbackStore.write({ ...parts('good', 1), asOf: '2026-03-02T11:00:00.000Z' });
  await rollbackStore.publish('good');
  assert.equal((await rollbackStore.rollback()).outcome, 'none', 'one version has no previous');
  await rollbackStore.write({ ...parts('bad', 1), asOf: '2026-03-02T12:00:00.000Z' });
  await rollbackStore.publish('bad');

  const subscriber = redis.duplicate();
  try {
    const announced: string[] = [];
    subscriber.on('message', (_channel: string, version: string) => announced.push(version));
    await subscriber.subscribe(rollbackKeys.indexAnnounceChannel);
    assert.deepEqual(await rollbackStore.rollback(), { outcome: 'rolled-back', current: 'good', previous: 'bad' });
    assert.equal(await rollbackStore.currentVersion(), 'good');
    assert.equal(await rollbackStore.previousVersion(), 'bad');
    assert.equal(await redis.ttl(rollbackKeys.indexVersion('bad')), -1, 'the version rolled back from stays, to roll forward');
    assert.deepEqual(await rollbackStore.rollback(), { outcome: 'rolled-back', current: 'bad', previous: 'good' });
    await waitFor(() => announced.length >= 2, 'both rollbacks announced', { timeoutMs: 5_000, intervalMs: 10 });
    assert.deepEqual(announced, ['good', 'bad']);
  } finally {
    subscriber.disconnect();
  }
  await redis.del(rollbackKeys.indexVersion('good'));
  assert.deepEqual(
    await rollbackStore.rollback(),
    { outcome: 'gone', current: 'bad', previous: 'good' },
    'an expired previous version cannot come back',
  );
  assert.equal(await rollbackStore.currentVersion(), 'bad');
});
