// Two scheduler instances register the same cron schedule; a worker runs the jobs. Every
// scheduled run must fire exactly once: no second job for the same instant, none lost.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { RedisKeys } from '@ads/ads-client';
import { Queue } from 'bullmq';
import { waitFor } from '@ads/test-kit';
import type { RunningProcess } from './support/processes';
import { connectTestRedis, deleteKeys, startImportScheduler, startImportWorker, uniquePrefix } from './support/import-stack';

const prefix = uniquePrefix('import-scheduler');
const keys = new RedisKeys(prefix);
const redis = connectTestRedis();
const processes: RunningProcess[] = [];

after(async () => {
  await Promise.all(processes.map((child) => child.stop()));
  await deleteKeys(redis, prefix);
  await redis.quit();
});

test('two scheduler instances: each scheduled run fires once', { timeout: 120_000 }, async () => {
  // Every second, and both schedulers re-assert the schedule every second too, racing each other.
  // The opportunity roll-up shares the queue: off, so that every job here is the events roll-up.
  const schedule = { ROLLUP_CRON: '* * * * * *', OPPORTUNITY_ROLLUP_CRON: '', SCHEDULER_REFRESH_CRON: '* * * * * *' };
  const worker = await startImportWorker(prefix, schedule);
  processes.push(worker.process);
  const [first, second] = await Promise.all([
    startImportScheduler(prefix, schedule, 'scheduler-1'),
    startImportScheduler(prefix, schedule, 'scheduler-2'),
  ]);
  processes.push(first, second);

  const queue = new Queue('rollup', { connection: redis, prefix: keys.queuePrefix });
  try {
    // The worker's port serves the queue dashboard and a health probe.
    const health = await fetch(`${worker.url}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(((await health.json()) as { status: string }).status, 'ok');
    const dashboard = await fetch(`${worker.url}/queues`);
    assert.equal(dashboard.status, 200);
    assert.match(await dashboard.text(), /<html/i);
    const listed = (await (await fetch(`${worker.url}/queues/api/queues`)).json()) as { queues: { name: string }[] };
    assert.deepEqual(listed.queues.map((entry) => entry.name).sort(), ['feed-import', 'platform-commands', 'rollup']);

    const windowStart = Date.now();
    // The window lasts until the schedulers have fired 5 runs (the next, not yet due, waits in
    // 'delayed'); lost runs would stretch it and fail the count per second below.
    const fired = async () =>
      Object.values(await queue.getJobCounts('completed', 'failed', 'active', 'wait')).reduce((sum, count) => sum + count, 0);
    await waitFor(async () => (await fired()) >= 5, 'five scheduled runs', { timeoutMs: 30_000 });
    await Promise.all([first.stop(), second.stop()]);
    await queue.removeJobScheduler('rollup');
    const windowEnd = Date.now();
    // Let the last fired runs finish.
    await waitFor(
      async () => Object.values(await queue.getJobCounts('active', 'wait', 'prioritized')).every((count) => count === 0),
      'the last fired runs to finish',
      { timeoutMs: 10_000 },
    );

    const jobs = await queue.getJobs(['completed', 'failed', 'active', 'wait', 'delayed'], 0, -1);
    const firedAt = jobs.map((job) => {
      const match = /^repeat:rollup:(\d+)$/.exec(job.id ?? '');
      assert.ok(match, `scheduler job id ${job.id}`);
      return Number(match[1]);
    });
    firedAt.sort((a, b) => a - b);
    assert.equal(new Set(firedAt).size, firedAt.length, `no instant fired twice: ${firedAt.join(', ')}`);
    for (const at of firedAt) assert.equal(at % 1_000, 0, 'runs are on whole seconds');
    for (let index = 1; index < firedAt.length; index += 1)
      assert.ok(firedAt[index]! - firedAt[index - 1]! >= 1_000, 'at most one run per second');
    const seconds = Math.floor((windowEnd - windowStart) / 1_000);
    assert.ok(firedAt.length >= seconds - 2, `about one run per second of the window: ${firedAt.length} runs in ${seconds} s`);
    assert.ok(firedAt.length <= seconds + 3, `not more than one run per second: ${firedAt.length} runs in ${seconds} s`);
    const failed = jobs.filter(
      (job) => job.failedReason !== undefined && job.failedReason !== null && job.finishedOn !== undefined && job.returnvalue === null,
    );
    assert.deepEqual(
      failed.map((job) => job.failedReason),
      [],
      'the roll-up of an empty stream succeeds',
    );
  } finally {
    await queue.close();
  }
});
