// Workers killed (SIGKILL) at random moments of a drain, three times over; a last worker claims
// whatever the dead ones left pending. The database must hold every event exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRng } from '@ads/ads-client';
import {
  appendTrackingEvents,
  databaseTotals,
  expectedTotals,
  generateTrackingEvents,
  pendingRollupEntries,
  sortedTotals,
  useRollupHarness,
} from './support/import-stack';

const HOUR = 3_600_000;
const FIRST_HOUR = Date.UTC(2025, 2, 9, 0);
const rollup = useRollupHarness('import-rollup-random-kill');

test('workers killed at random points of a drain: every event counted exactly once', { timeout: 240_000 }, async () => {
  const seed = Number(process.env.ROLLUP_KILL_SEED ?? Date.now() % 100_000);
  const random = seededRng(seed);
  const { stack } = rollup;
  const ads = stack.ads.slice(0, 40);
  const events = generateTrackingEvents(ads, 30_000, { firstHour: FIRST_HOUR, hours: 6, seed });
  await appendTrackingEvents(stack.redis, stack.keys, events);
  const settings = { ROLLUP_CRON: '', ROLLUP_BATCH_SIZE: '400', ROLLUP_CONSUMERS: '2', ROLLUP_CLAIM_MIN_IDLE_MS: '500', LOG_LEVEL: 'info' };

  const kills: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    const worker = await rollup.startWorker(settings, `victim-${round}`);
    await rollup.queue.add('rollup', {}, { attempts: 1 });
    await worker.process.waitForOutput('job started', `victim ${round} to start the roll-up job`, 60_000);
    const delay = Math.floor(random() * 800);
    kills.push(delay);
    // A time wait on purpose: the kill lands at a random moment of the drain, not at an event.
    await new Promise((done) => setTimeout(done, delay));
    await worker.process.kill();
  }

  await rollup.startWorker({ ...settings, LOG_LEVEL: 'warn' }, 'survivor');
  await rollup.runJob(180_000);
  assert.deepEqual(await pendingRollupEntries(stack.redis, stack.keys), [], 'nothing left pending');
  const totals = await databaseTotals(
    stack.client,
    ads.map((ad) => ad.adId),
    FIRST_HOUR,
    FIRST_HOUR + 6 * HOUR,
  );
  assert.deepEqual(sortedTotals(totals), sortedTotals(expectedTotals(events)), `seed ${seed}, kills after ${kills.join(', ')} ms`);
});
