// The loop's timing runs on node:test's mocked timers and clock: every wait below is simulated
// time, so the debounce, backoff and cap are checked to the millisecond and no test sleeps.
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { pino } from 'pino';
import { WatchLoop } from './watch-loop';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function mockClock(t: TestContext): void {
  t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 0 });
}

/** Moves the mocked clock on by `ms`, one millisecond at a time, letting promise callbacks run between steps. */
async function advance(t: TestContext, ms: number): Promise<void> {
  // setImmediate is not mocked: it lets the rebuild's promise chain run (and schedule its next timer) before the clock moves.
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  for (let step = 0; step < ms; step += 1) {
    await settle();
    t.mock.timers.tick(1);
  }
  await settle();
}

test('a burst of notices causes one rebuild after the debounce; rebuilds never overlap', async (t) => {
  mockClock(t);
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
    await advance(t, 5);
  }
  // The last notice came at 20 ms, the clock is at 25: nothing before 70 ms, the rebuild at 70.
  await advance(t, 44);
  assert.deepEqual(reasons, ['start']);
  await advance(t, 1);
  assert.deepEqual(reasons, ['start', 'inventory changed']);
  await advance(t, 200);
  await loop.stop();
  assert.deepEqual(reasons, ['start', 'inventory changed']);
  assert.equal(maxConcurrent, 1);
});

test('a failing rebuild is logged and the loop goes on', async (t) => {
  mockClock(t);
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
  await advance(t, 20);
  loop.notify();
  await advance(t, 60);
  await loop.stop();
  assert.equal(calls, 2);
});

test('a failed rebuild is retried with a doubling backoff until one succeeds, then waits for notices', async (t) => {
  mockClock(t);
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
  // Failures at 0, 40, 120 (40+80), 280 (+160); success at 440 (+160, the cap); then nothing.
  await advance(t, 1_000);
  await loop.stop();
  assert.deepEqual(startedAt, [0, 40, 120, 280, 440], `retried until the first success, then no more (${reasons.join(', ')})`);
  assert.equal(reasons[0], 'start');
  assert.match(reasons[1]!, /^retry 1 /);
});

test('a notice during the backoff rebuilds at once (debounced) and stands for the pending retry', async (t) => {
  mockClock(t);
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
  await advance(t, 50);
  loop.notify();
  // The retry was due at 310 ms; the notice's rebuild succeeded at 70 ms and cancelled it.
  await advance(t, 450);
  await loop.stop();
  assert.deepEqual(reasons, ['start', 'inventory changed'], 'no retry runs after the notice rebuilt successfully');
  assert.equal(maxConcurrent, 1);
});
