// Every service on a real Redis Cluster: three redis-server masters (`--cluster-enabled yes`,
// joined by `redis-cli --cluster create`) in a temporary folder, reached by the services as
// REDIS_URL=redis+cluster://… . cache-warming publishes the index, serving decides and counts
// beacons once (replays refused, frequency cap and budget counters in the {rt} slot), the
// roll-up puts the events into PostgreSQL exactly once with a worker killed mid-batch, and the
// scheduler's repeatable jobs fire. No command of theirs may span slots (CROSSSLOT fails them).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ServingIndexStore, beaconUrl, decodeTrackingEvent, hourBucket, type ServingIndex } from '@ads/ads-client';
import { startRedisCluster, waitFor, type RedisCluster } from '@ads/test-kit';
import type { RunningProcess } from './support/processes';
import { beacon, decide, requestServedBy, runCacheWarming, startServing, type RunningServing } from './support/serving-stack';

const HOUR = 3_600_000;
// A fixed past window the seed does not touch.
const FIRST_HOUR = Date.UTC(2025, 0, 15, 8);

let cluster: RedisCluster;
// The import helpers read REDIS_URL when loaded: they are loaded once the cluster runs.
let helpers: typeof import('./support/import-stack');
let rollup: Awaited<ReturnType<(typeof import('./support/import-stack'))['startRollupHarness']>>;
let serving: RunningServing | undefined;
let scheduler: RunningProcess | undefined;

before(async () => {
  cluster = await startRedisCluster(3);
  process.env.REDIS_URL = cluster.url;
  helpers = await import('./support/import-stack');
  rollup = await helpers.startRollupHarness('redis-cluster');
});

after(async () => {
  await Promise.all([serving?.stop(), scheduler?.stop()]);
  await rollup?.stop();
  await cluster?.stop();
});

test('the test cluster has three masters; index, real-time, time-series and score keys are four slot groups', async () => {
  const { redis, keys } = rollup.stack;
  assert.ok('nodes' in redis, 'the helpers opened a Cluster client');
  assert.equal(redis.nodes('master').length, 3);
  const slotOf = async (key: string) => Number(await redis.call('CLUSTER', 'KEYSLOT', key));
  const slots = new Set(await Promise.all([keys.indexCurrent, keys.eventsStream, keys.timeSeriesMeta, keys.scoresCurrent].map(slotOf)));
  assert.equal(slots.size, 4, 'index, real-time, time-series and score keys are four slot groups');
});

test('roll-up on the cluster: a worker killed between ingest and XACK, every event counted once', { timeout: 120_000 }, async () => {
  const { stack } = rollup;
  const ads = stack.ads.slice(0, 12);
  const events = helpers.generateTrackingEvents(ads, 1_200, { firstHour: FIRST_HOUR, hours: 3, seed: 11 });
  await helpers.appendTrackingEvents(stack.redis, stack.keys, events);
  const settings = { ROLLUP_CRON: '', ROLLUP_BATCH_SIZE: '400', ROLLUP_CONSUMERS: '1', ROLLUP_CLAIM_MIN_IDLE_MS: '1000' };

  const doomed = await rollup.startWorker({ ...settings, ROLLUP_PAUSE_AFTER_INGEST_MS: '600000' }, 'cluster-doomed-worker');
  await rollup.queue.add('rollup', {}, { attempts: 1 });
  await doomed.process.waitForOutput('pausing before XACK', 'the doomed worker to pause between ingest and XACK', 60_000);
  await doomed.process.kill();
  assert.equal((await helpers.pendingRollupEntries(stack.redis, stack.keys)).length, 400, 'one batch left pending on the dead consumer');

  await rollup.startWorker(settings, 'cluster-survivor-worker');
  const result = await rollup.runJob<{ claimedBatches: number; alreadyApplied: number }>();
  assert.equal(result.claimedBatches, 1, 'the dead consumer’s batch was claimed');
  assert.ok(result.alreadyApplied >= 1, 'and the API recognised it as applied');
  const adIds = ads.map((ad) => ad.adId);
  assert.deepEqual(
    helpers.sortedTotals(await helpers.databaseTotals(stack.client, adIds, FIRST_HOUR, FIRST_HOUR + 3 * HOUR)),
    helpers.sortedTotals(helpers.expectedTotals(events)),
  );
  assert.deepEqual(await helpers.pendingRollupEntries(stack.redis, stack.keys), [], 'nothing left pending');
});

test('warm, decide and beacons on the cluster: counted once, replays refused, cap and budget counted', { timeout: 120_000 }, async () => {
  const { stack } = rollup;
  const { redis, keys } = stack;
  const run = await runCacheWarming({
    dataApiUrls: [stack.dataApiRpcUrl],
    serviceKey: stack.serviceKey,
    redisKeyPrefix: stack.prefix,
    redisUrl: cluster.url,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.summary?.outcome, 'published', run.stdout);
  const version = run.summary.version;
  assert.equal(await redis.get(keys.indexCurrent), version);
  const index: ServingIndex = await new ServingIndexStore(redis, keys).read(version);

  serving = await startServing({ redisKeyPrefix: stack.prefix, redisUrl: cluster.url });
  assert.equal(((await (await fetch(`${serving.url}/readyz`)).json()) as { version: string }).version, version);
  const { params } = requestServedBy(index);
  const placementKey = (params.placements as { placementKey: string }[])[0]!.placementKey;
  const decidedAt = Date.now();
  const decision = await decide(serving.rpcUrl, { ...params, placements: [{ divName: 'slot', placementKey, count: 1 }] });
  const ad = decision.decisions.slot![0]!;

  assert.deepEqual(await beacon(beaconUrl(ad.trackingUrl, 'impression')), { status: 204, event: 'counted', location: null });
  assert.deepEqual(
    await beacon(beaconUrl(ad.trackingUrl, 'impression')),
    { status: 409, event: 'duplicate', location: null },
    'a replay is refused',
  );
  assert.equal((await beacon(beaconUrl(ad.trackingUrl, 'click'))).event, 'counted');
  assert.equal((await beacon(beaconUrl(ad.trackingUrl, 'click'))).event, 'duplicate', 'a second click is not counted');

  const counters: Record<string, number> = {};
  for (const hour of new Set([hourBucket(decidedAt), hourBucket(Date.now())])) {
    for (const [field, value] of Object.entries(await redis.hgetall(keys.adHourCounters(ad.adId, hour))))
      counters[field] = (counters[field] ?? 0) + Number(value);
  }
  assert.equal(counters.impressions, 1);
  assert.equal(counters.clicks, 1);
  const counted = (await redis.xrange(keys.eventsStream, '-', '+'))
    .map(([, fields]) => decodeTrackingEvent(fields))
    .flatMap((entry) => (entry.ok && entry.event.decisionId === decision.decisionId ? [entry.event] : []));
  assert.deepEqual(counted.map((event) => event.type).sort(), ['click', 'impression'], 'each event once in the stream');
  const spent = counted.reduce((sum, event) => sum + event.spendMicros, 0);
  assert.equal(Number((await redis.get(keys.campaignLiveSpend(ad.campaignId))) ?? 0), spent, 'the budget counter holds the charges');
  const capped = index.campaigns.find((campaign) => campaign.id === ad.campaignId)!.frequencyCap !== null;
  assert.equal(
    await redis.zcard(keys.frequencyCap(decision.userKey, ad.campaignId)),
    capped ? 1 : 0,
    'the cap window holds the impression',
  );
});

test('the scheduler fires the roll-up on the cluster: BullMQ repeatable jobs under the braced prefix', { timeout: 90_000 }, async () => {
  const { stack } = rollup;
  scheduler = await helpers.startImportScheduler(stack.prefix, stack.environment({ ROLLUP_CRON: '* * * * * *' }), 'cluster-scheduler');
  const fired = async () =>
    (await rollup.queue.getJobs(['completed'], 0, -1)).filter((job) => /^repeat:rollup:\d+$/.test(job.id ?? '')).length;
  await waitFor(async () => (await fired()) >= 2, 'two scheduled roll-ups to complete', { timeoutMs: 60_000 });
  await scheduler.stop();
  await rollup.queue.removeJobScheduler('rollup');
  const ids = (await rollup.queue.getJobs(['completed', 'failed'], 0, -1)).map((job) => job.id);
  assert.equal(new Set(ids).size, ids.length, 'no run twice');
  assert.deepEqual(await rollup.queue.getJobs(['failed'], 0, -1), [], 'no scheduled run failed');
});
