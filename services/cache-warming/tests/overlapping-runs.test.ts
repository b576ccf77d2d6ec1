// Two cache-warming runs that overlap (a --watch daemon and a cron `run`): the one that
// finishes last must not put back older inventory. The run whose snapshot is older is told
// so (outcome "stale", exit 0: serving already has newer inventory), the current and previous
// pointers stay, and its version expires.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { RedisKeys, ServingIndexStore } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { waitFor } from '@ads/test-kit';
import { freePort, jsonLines, runCacheWarming, startCacheWarming } from './support/processes';
import { snapshotServer } from './support/snapshot-server';

const prefix = `test:${randomUUID()}:`;
const keys = new RedisKeys(prefix);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
const stops: (() => Promise<unknown>)[] = [];

after(async () => {
  for (const stop of stops) await stop().catch(() => undefined);
  const found = await redis.keys(`${prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

test('the slower of two overlapping runs, holding the older snapshot, does not replace the newer index', async () => {
  const baseMs = Date.now();
  let release: () => void = () => undefined;
  const hold = new Promise<void>((resolve) => (release = resolve));
  // The first run's snapshot is read first and answered last (held until the second run is
  // done); the second's is read later.
  const dataApi = snapshotServer(await freePort(), (call) =>
    call === 0 ? { asOf: new Date(baseMs).toISOString(), hold } : { asOf: new Date(baseMs + 1_000).toISOString() },
  );
  stops.push(() => Promise.resolve(release()));
  await dataApi.start();
  stops.push(() => dataApi.stop());
  const env = {
    DATA_API_URLS: dataApi.rpcUrl,
    DATA_API_TOKEN: 'svc',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    INDEX_RETAIN_SECONDS: '120',
  };

  const slow = startCacheWarming(['run', '--json'], env);
  stops.push(() => slow.stop());
  await waitFor(() => dataApi.calls > 0, 'the slow run to ask for its snapshot', { timeoutMs: 10_000, intervalMs: 25, watch: slow });
  assert.equal(dataApi.calls, 1, 'the slow run asked for its snapshot');
  const fast = await runCacheWarming(['run', '--json'], env);
  assert.equal(fast.code, 0, fast.stderr);
  const [fastSummary] = jsonLines(fast.stdout);
  assert.equal(fastSummary?.outcome, 'published');
  assert.equal(await redis.get(keys.indexCurrent), fastSummary.version);
  release();

  assert.equal(await slow.exited, 0, `a superseded run is not a failure:\n${slow.stderr()}`);
  const slowLines = jsonLines(slow.stdout());
  assert.equal(slowLines.length, 1, slow.stdout());
  const slowSummary = slowLines[0]!;
  assert.equal(slowSummary.ok, true);
  assert.equal(slowSummary.outcome, 'stale');
  assert.deepEqual(slowSummary.supersededBy, { version: fastSummary.version, asOf: new Date(baseMs + 1_000).toISOString() });
  assert.equal(slowSummary.previous, null);
  assert.equal(slowSummary.expired, slowSummary.version);
  assert.match(slow.stderr(), /index version not published: the current version was built from a newer snapshot/);

  assert.equal(await redis.get(keys.indexCurrent), fastSummary.version, 'the newer snapshot stays current');
  assert.equal(await redis.get(keys.indexPrevious), null, 'previous is untouched');
  const ttl = await redis.pttl(keys.indexVersion(slowSummary.version as string));
  assert.ok(ttl > 0 && ttl <= 120_000, `the refused version expires within INDEX_RETAIN_SECONDS (pttl ${ttl})`);
  const index = await new ServingIndexStore(redis, keys).readCurrent();
  assert.deepEqual(
    index?.campaigns.map((campaign) => campaign.id),
    ['campaign-1'],
    'serving reads the newer inventory',
  );
});

test('without --json a stale run says what happened on stdout and still exits 0', async () => {
  const store = new ServingIndexStore(redis, keys);
  const newer = {
    version: 'newer-elsewhere',
    builtAt: new Date().toISOString(),
    asOf: new Date(Date.now() + 3_600_000).toISOString(),
    placements: [],
    featureSwitches: [],
    campaigns: [],
  };
  await store.write(newer);
  assert.equal((await store.publish(newer.version)).outcome, 'published');
  const dataApi = snapshotServer(await freePort());
  await dataApi.start();
  stops.push(() => dataApi.stop());
  const run = await runCacheWarming(['run'], {
    DATA_API_URLS: dataApi.rpcUrl,
    DATA_API_TOKEN: 'svc',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^not published: index version \S+ \(snapshot of [^)]+\) is older than the current version newer-elsewhere/);
  assert.equal(await store.currentVersion(), 'newer-elsewhere');
});
