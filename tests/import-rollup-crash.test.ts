// The roll-up counts every event exactly once when its worker process is killed between a
// confirmed stats.ingest and the XACK, and the batch left pending on the dead consumer is
// claimed by a live worker. Real Redis, PostgreSQL, ads-data-api and worker processes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RedisKeys } from '@ads/ads-client';
import {
  appendTrackingEvents,
  databaseTotals,
  deleteKeys,
  expectedTotals,
  generateTrackingEvents,
  openRollupQueue,
  pendingRollupEntries,
  sortedTotals,
  startImportWorker,
  uniquePrefix,
  useRollupHarness,
} from './support/import-stack';

const HOUR = 3_600_000;
// A fixed past window the seed does not touch.
const FIRST_HOUR = Date.UTC(2025, 0, 15, 8);
const rollup = useRollupHarness('import-rollup-crash');

test('a worker killed between ingest and XACK: the batch is claimed, redone and counted once', { timeout: 180_000 }, async () => {
  const { stack } = rollup;
  const ads = stack.ads.slice(0, 12);
  const events = generateTrackingEvents(ads, 2_400, { firstHour: FIRST_HOUR, hours: 3, seed: 1 });
  await appendTrackingEvents(stack.redis, stack.keys, events);
  const settings = { ROLLUP_CRON: '', ROLLUP_BATCH_SIZE: '500', ROLLUP_CONSUMERS: '1', ROLLUP_CLAIM_MIN_IDLE_MS: '1000' };

  // The first worker pauses after its first confirmed ingest; it dies there.
  const doomed = await rollup.startWorker({ ...settings, ROLLUP_PAUSE_AFTER_INGEST_MS: '600000' }, 'doomed-worker');
  await rollup.queue.add('rollup', {}, { attempts: 1 });
  await doomed.process.waitForOutput('pausing before XACK', 'the doomed worker to pause between ingest and XACK', 60_000);
  await doomed.process.kill();

  // Its batch is in the database but still pending in Redis: redelivery must not count it again.
  assert.equal(
    (await pendingRollupEntries(stack.redis, stack.keys)).length,
    500,
    'one batch of 500 entries left pending on the dead consumer',
  );
  const halfway = await databaseTotals(
    stack.client,
    ads.map((ad) => ad.adId),
    FIRST_HOUR,
    FIRST_HOUR + 3 * HOUR,
  );
  const halfwayEvents = [...halfway.values()].reduce(
    (sum, totals) => sum + totals.impressions + totals.viewableImpressions + totals.clicks,
    0,
  );
  assert.equal(halfwayEvents, 500, 'the first batch was applied before the kill');

  await rollup.startWorker(settings, 'survivor-worker');
  const result = await rollup.runJob<{ claimedBatches: number; alreadyApplied: number; events: number }>();
  assert.equal(result.claimedBatches, 1, 'the dead consumer’s batch was claimed');
  assert.ok(result.alreadyApplied >= 1, 'and the API recognised it as applied');

  assert.deepEqual(
    sortedTotals(
      await databaseTotals(
        stack.client,
        ads.map((ad) => ad.adId),
        FIRST_HOUR,
        FIRST_HOUR + 3 * HOUR,
      ),
    ),
    sortedTotals(expectedTotals(events)),
  );
  assert.deepEqual(await pendingRollupEntries(stack.redis, stack.keys), [], 'nothing left pending');
});

test('SIGTERM mid-batch: the batch in hand is finished and acknowledged, then the worker exits', { timeout: 180_000 }, async () => {
  // A prefix of its own: the first test's stalled job must not reach this test's workers.
  const { stack } = rollup;
  const prefix = uniquePrefix('import-rollup-sigterm');
  const keys = new RedisKeys(prefix);
  const own = await openRollupQueue(stack.redis, keys);
  try {
    const ads = stack.ads.slice(20, 30);
    const firstHour = FIRST_HOUR + 24 * HOUR;
    const events = generateTrackingEvents(ads, 1_500, { firstHour, hours: 2, seed: 3 });
    await appendTrackingEvents(stack.redis, keys, events);
    const settings = {
      REDIS_KEY_PREFIX: prefix,
      ROLLUP_CRON: '',
      ROLLUP_BATCH_SIZE: '500',
      ROLLUP_CONSUMERS: '1',
      ROLLUP_CLAIM_MIN_IDLE_MS: '60000',
    };

    const stopping = await startImportWorker(
      prefix,
      stack.environment({ ...settings, ROLLUP_PAUSE_AFTER_INGEST_MS: '2000' }),
      'stopping-worker',
    );
    rollup.processes.push(stopping.process);
    const job = await own.queue.add('rollup', {}, { attempts: 1 });
    await stopping.process.waitForOutput('pausing before XACK', 'the stopping worker to pause between ingest and XACK', 60_000);
    stopping.process.child.kill('SIGTERM');
    const result = (await job.waitUntilFinished(own.queueEvents, 60_000)) as { stoppedBy: string; batches: number; events: number };
    assert.equal(await stopping.process.exited, 0, 'the worker exits cleanly');
    assert.equal(result.stoppedBy, 'shutdown');
    assert.equal(result.batches, 1, 'it finished the batch in hand and took no other');
    assert.deepEqual(await pendingRollupEntries(stack.redis, keys), [], 'the batch in hand was acknowledged');

    const next = await startImportWorker(prefix, stack.environment(settings), 'next-worker');
    rollup.processes.push(next.process);
    await own.runJob();
    assert.deepEqual(
      sortedTotals(
        await databaseTotals(
          stack.client,
          ads.map((ad) => ad.adId),
          firstHour,
          firstHour + 2 * HOUR,
        ),
      ),
      sortedTotals(expectedTotals(events)),
    );
  } finally {
    await own.close();
    await deleteKeys(stack.redis, prefix);
  }
});
