// Duplicate delivery: two live workers whose batches stay unacknowledged long enough to be
// claimed by the other one, so batches are ingested twice. Every event still counts once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  appendTrackingEvents,
  databaseTotals,
  expectedTotals,
  generateTrackingEvents,
  sortedTotals,
  useRollupHarness,
} from './support/import-stack';

const HOUR = 3_600_000;
const FIRST_HOUR = Date.UTC(2025, 1, 3, 20);
const rollup = useRollupHarness('import-rollup-duplicates');

test('batches delivered twice (claimed from a slow live worker) are counted once', { timeout: 180_000 }, async () => {
  const { stack } = rollup;
  const ads = stack.ads.slice(0, 20);
  const events = generateTrackingEvents(ads, 3_000, { firstHour: FIRST_HOUR, hours: 4, seed: 2 });
  // The same event appended twice, as a retried XADD would: counted once within a batch.
  await appendTrackingEvents(stack.redis, stack.keys, [...events.slice(0, 10), ...events.slice(0, 10), ...events.slice(10)]);

  // Batches wait between their ingest and their XACK (1.5 s on one worker, 0.6 s on the other);
  // a worker claims any batch idle 300 ms. Different pauses keep the two workers out of
  // lockstep, where each would find the other's batch just acknowledged and claim nothing.
  const settings = { ROLLUP_CRON: '', ROLLUP_BATCH_SIZE: '500', ROLLUP_CONSUMERS: '1', ROLLUP_CLAIM_MIN_IDLE_MS: '300' };
  await Promise.all([
    rollup.startWorker({ ...settings, ROLLUP_PAUSE_AFTER_INGEST_MS: '1500' }, 'worker-a'),
    rollup.startWorker({ ...settings, ROLLUP_PAUSE_AFTER_INGEST_MS: '600' }, 'worker-b'),
  ]);
  const results = await Promise.all(
    [0, 1].map(() => rollup.runJob<{ alreadyApplied: number; claimedBatches: number; duplicates: number }>(150_000)),
  );

  const redelivered = results.reduce((sum, result) => sum + result.alreadyApplied, 0);
  assert.ok(redelivered > 0, `some batch was delivered twice (results: ${JSON.stringify(results)})`);
  assert.equal(results.reduce((sum, result) => sum + result.duplicates, 0) >= 10, true, 'the repeated events were dropped');
  const totals = await databaseTotals(
    stack.client,
    ads.map((ad) => ad.adId),
    FIRST_HOUR,
    FIRST_HOUR + 4 * HOUR,
  );
  assert.deepEqual(sortedTotals(totals), sortedTotals(expectedTotals(events)));
});
