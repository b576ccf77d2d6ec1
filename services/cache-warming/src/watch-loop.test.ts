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
    rebuild: async () => {
      calls += 1;
      if (calls === 1) throw new Error('data API down');
    },
  });
  loop.start();
  await sleep(20);
  loop.notify();
  await sleep(60);
  await loop.stop();
  assert.equal(calls, 2);
});
