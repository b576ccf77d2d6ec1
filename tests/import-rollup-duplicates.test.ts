// Duplicate delivery: two live workers whose batches stay unacknowledged long enough to be
// claimed by the other one, so batches are ingested twice. Every event still counts once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RunningProcess } from './support/processes';
import { type ImportStack, appendTrackingEvents, databaseTotals, expectedTotals, generateTrackingEvents, sortedTotals, startImportStack, startImportWorker } from './support/import-stack';

const HOUR = 3_600_000;
const FIRST_HOUR = Date.UTC(2025, 1, 3, 20);
let stack: ImportStack;
let queue: Queue;
let queueEvents: QueueEvents;
let eventsConnection: Redis;
const processes: RunningProcess[] = [];

before(async () => {
  stack = await startImportStack('import-rollup-duplicates');
  queue = new Queue('rollup', { connection: stack.redis, prefix: stack.keys.queuePrefix });
  eventsConnection = stack.redis.duplicate();
  queueEvents = new QueueEvents('rollup', { connection: eventsConnection, prefix: stack.keys.queuePrefix });
  await queueEvents.waitUntilReady();
});

after(async () => {
  await Promise.all(processes.map((child) => child.stop()));
  await queueEvents?.close();
  await eventsConnection?.quit();
  await queue?.close();
  await stack?.stop();
});

test('batches delivered twice (claimed from a slow live worker) are counted once', { timeout: 180_000 }, async () => {
  const ads = stack.ads.slice(0, 20);
  const events = generateTrackingEvents(ads, 3_000, { firstHour: FIRST_HOUR, hours: 4, seed: 2 });
  // The same event appended twice, as a retried XADD would: counted once within a batch.
  await appendTrackingEvents(stack.redis, stack.keys, [...events.slice(0, 10), ...events.slice(0, 10), ...events.slice(10)]);

  // Each batch waits 1.5 s between its ingest and its XACK; the other worker claims any batch idle 300 ms.
  const settings = { ROLLUP_CRON: '', ROLLUP_BATCH_SIZE: '500', ROLLUP_CONSUMERS: '1', ROLLUP_CLAIM_MIN_IDLE_MS: '300', ROLLUP_PAUSE_AFTER_INGEST_MS: '1500' };
  const workers = await Promise.all([
    startImportWorker(stack.prefix, stack.environment(settings), 'worker-a'),
    startImportWorker(stack.prefix, stack.environment(settings), 'worker-b'),
  ]);
  processes.push(...workers.map((worker) => worker.process));
  const jobs = await Promise.all([queue.add('rollup', {}, { attempts: 1 }), queue.add('rollup', {}, { attempts: 1 })]);
  const results = (await Promise.all(jobs.map((job) => job.waitUntilFinished(queueEvents, 150_000)))) as { alreadyApplied: number; claimedBatches: number; duplicates: number }[];

  const redelivered = results.reduce((sum, result) => sum + result.alreadyApplied, 0);
  assert.ok(redelivered > 0, `some batch was delivered twice (results: ${JSON.stringify(results)})`);
  assert.equal(results.reduce((sum, result) => sum + result.duplicates, 0) >= 10, true, 'the repeated events were dropped');
  const totals = await databaseTotals(stack.client, ads.map((ad) => ad.adId), FIRST_HOUR, FIRST_HOUR + 4 * HOUR);
  assert.deepEqual(sortedTotals(totals), sortedTotals(expectedTotals(events)));
});
