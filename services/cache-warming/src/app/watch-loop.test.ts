import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { WatchLoop } from './watch-loop';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a burst of notices causes one rebuild after the debounce; rebuilds never overlap', async () => {
  const reasons: string[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const loop = new WatchLoop({
    debounceMs: 50,
    maxWaitMs: 1_000,
    intervalMs: 60_000,
    logger,
    rebuild: async (reason) => {
      concurrent += 1;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      reasons.push(reason);
      await sleep(30);
      concurrent -= 1;
    },
  });
  loop.start();
  for (let notice = 0; notice < 5; notice += 1) {
    loop.notify();
    await sleep(5);
  }
  await sleep(200);
  await loop.stop();
  assert.deepEqual(reasons, ['start', 'inventory changed']);
  assert.equal(maxConcurrent, 1);
});

test('a failing rebuild is logged and the loop goes on', async () => {
  let calls = 0;
  const loop = new WatchLoop({
    debounceMs: 10,
    maxWaitMs: 100,
    intervalMs: 60_000,
    logger,
    rebuild: () => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('data API down')) : Promise.resolve();
    },
  });
  loop.start();
  await sleep(20);
  loop.notify();
  await sleep(60);
  await loop.stop();
  assert.equal(calls, 2);
});

test('a failed rebuild is retried with a doubling backoff until one succeeds, then waits for notices', async () => {
  const startedAt: number[] = [];
  const reasons: string[] = [];
  const loop = new WatchLoop({
    debounceMs: 10,
    maxWaitMs: 100,
    // Neither a notice nor the interval comes: only the retries can rebuild.
    intervalMs: 60_000,
    retryMinMs: 40,
    retryMaxMs: 160,
    logger,
    rebuild: (reason) => {
      startedAt.push(Date.now());
      reasons.push(reason);
      return startedAt.length <= 4 ? Promise.reject(new Error('data API down')) : Promise.resolve();
    },
  });
  loop.start();
  // Failures at 0, ~40, ~120 (40+80), ~280 (+160); success at ~440 (+160, the cap).
  for (let wait = 0; wait < 100 && startedAt.length < 5; wait += 1) await sleep(20);
  await sleep(400);
  await loop.stop();
  assert.equal(startedAt.length, 5, `retried until the first success, then no more (${reasons.join(', ')})`);
  assert.equal(reasons[0], 'start');
  assert.match(reasons[1]!, /^retry 1 /);
  const gaps = startedAt.slice(1).map((at, index) => at - startedAt[index]!);
  // Timers fire late, never early: each gap is at least the backoff, and the cap holds.
  for (const [index, least] of [40, 80, 160, 160].entries()) assert.ok(gaps[index]! >= least - 2, `gap ${index} is ${gaps[index]} ms, at least ${least}`);
  assert.ok(gaps[3]! < 320, `the backoff is capped (gap ${gaps[3]} ms)`);
});

test('a notice during the backoff rebuilds at once (debounced) and stands for the pending retry', async () => {
  let calls = 0;
  const reasons: string[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const loop = new WatchLoop({
    debounceMs: 10,
    maxWaitMs: 100,
    intervalMs: 60_000,
    retryMinMs: 300,
    retryMaxMs: 300,
    logger,
    rebuild: async (reason) => {
      concurrent += 1;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      calls += 1;
      reasons.push(reason);
      await sleep(10);
      concurrent -= 1;
      if (calls === 1) throw new Error('data API down');
    },
  });
  loop.start();
  await sleep(50);
  loop.notify();
  // The retry was due at ~300 ms; the notice's rebuild succeeded at ~60 ms and cancelled it.
  await sleep(450);
  await loop.stop();
  assert.deepEqual(reasons, ['start', 'inventory changed'], 'no retry runs after the notice rebuilt successfully');
  assert.equal(maxConcurrent, 1);
});
