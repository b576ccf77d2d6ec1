// Workers killed (SIGKILL) at random moments of a drain, three times over; a last worker claims
// whatever the dead ones left pending. The database must hold every event exactly once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventsStreamStore, seededRng } from '@ads/ads-client';
import type { Queue, QueueEvents } from 'bullmq';
import type { RunningProcess } from './support/processes';
import {
  type ImportStack,
  appendTrackingEvents,
  databaseTotals,
  expectedTotals,
  generateTrackingEvents,
  sortedTotals,
  startRollupHarness,
  type RollupHarness,
  startImportWorker,
  waitForOutput,
} from './support/import-stack';

const HOUR = 3_600_000;
const FIRST_HOUR = Date.UTC(2025, 2, 9, 0);
let harness: RollupHarness;
let stack: ImportStack;
let queue: Queue;
let queueEvents: QueueEvents;
let processes: RunningProcess[];

before(async () => {
  harness = await startRollupHarness('import-rollup-random-kill');
  ({ stack, queue, queueEvents, processes } = harness);
});

after(async () => {
  await harness?.stop();
});

test('workers killed at random points of a drain: every event counted exactly once', { timeout: 240_000 }, async () => {
  const seed = Number(process.env.ROLLUP_KILL_SEED ?? Date.now() % 100_000);
  const random = seededRng(seed);
  const ads = stack.ads.slice(0, 40);
  const events = generateTrackingEvents(ads, 30_000, { firstHour: FIRST_HOUR, hours: 6, seed });
  await appendTrackingEvents(stack.redis, stack.keys, events);
  const settings = { ROLLUP_CRON: '', ROLLUP_BATCH_SIZE: '400', ROLLUP_CONSUMERS: '2', ROLLUP_CLAIM_MIN_IDLE_MS: '500', LOG_LEVEL: 'info' };

  const kills: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    const worker = await startImportWorker(stack.prefix, stack.environment(settings), `victim-${round}`);
    processes.push(worker.process);
    await queue.add('rollup', {}, { attempts: 1 });
    await waitForOutput(worker.process, 'job started', 60_000);
    const delay = Math.floor(random() * 800);
    kills.push(delay);
    await new Promise((done) => setTimeout(done, delay));
    await worker.process.kill();
  }

  const survivor = await startImportWorker(stack.prefix, stack.environment({ ...settings, LOG_LEVEL: 'warn' }), 'survivor');
  processes.push(survivor.process);
  const job = await queue.add('rollup', {}, { attempts: 1 });
  await job.waitUntilFinished(queueEvents, 180_000);
  assert.equal(await new EventsStreamStore(stack.redis, stack.keys).pendingCount(), 0, 'nothing left pending');
  const totals = await databaseTotals(stack.client, ads.map((ad) => ad.adId), FIRST_HOUR, FIRST_HOUR + 6 * HOUR);
  assert.deepEqual(sortedTotals(totals), sortedTotals(expectedTotals(events)), `seed ${seed}, kills after ${kills.join(', ')} ms`);
});
