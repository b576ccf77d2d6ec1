// Graceful shutdown of the worker: SIGTERM returns a job that cannot finish within the grace
// period to the queue (not failed, no attempt used up), and another worker then finishes it.
// The platform command is a stand-in service written to a temporary SERVICES_DIR.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { RedisKeys } from '@ads/ads-client';
import { Queue } from 'bullmq';
import { waitFor } from '@ads/test-kit';
import { type RunningProcess, repoRoot, startTsProcess } from './support/processes';
import {
  IMPORT_SERVICE_DIR,
  connectTestRedis,
  deleteKeys,
  importEnvironment,
  startImportWorker,
  uniquePrefix,
} from './support/import-stack';

const prefix = uniquePrefix('import-shutdown');
const keys = new RedisKeys(prefix);
const redis = connectTestRedis();
// Inside the repository, so that `node --import tsx` finds tsx in its node_modules.
const servicesDir = mkdtempSync(join(repoRoot, 'tests', '.services-'));
const processes: RunningProcess[] = [];

after(async () => {
  await Promise.all(processes.map((child) => child.stop()));
  await deleteKeys(redis, prefix);
  await redis.quit();
  rmSync(servicesDir, { recursive: true, force: true });
});

async function waitForState(queue: Queue, jobId: string, states: string[], timeoutMs = 60_000): Promise<string> {
  let state = 'unknown';
  await waitFor(async () => states.includes((state = await queue.getJobState(jobId))), `job ${jobId} to be ${states.join(' or ')}`, {
    timeoutMs,
    intervalMs: 100,
  });
  return state;
}

test('SIGTERM returns the job in hand to the queue; the next worker finishes it', { timeout: 120_000 }, async () => {
  mkdirSync(join(servicesDir, 'cache-warming', 'src'), { recursive: true });
  // A warm of 4 seconds, longer than the grace period; it stops when asked to.
  writeFileSync(
    join(servicesDir, 'cache-warming', 'src', 'main.ts'),
    `const started = Date.now();\nprocess.on('SIGTERM', () => { console.log('asked to stop'); process.exit(0); });\nconst timer = setInterval(() => { if (Date.now() - started > 4000) { clearInterval(timer); console.log('warm done'); } }, 50);\n`,
  );
  const settings = { SERVICES_DIR: servicesDir, SHUTDOWN_GRACE_MS: '1000', ROLLUP_CRON: '' };
  const queue = new Queue('platform-commands', { connection: redis, prefix: keys.queuePrefix });
  try {
    const first = await startImportWorker(prefix, settings, 'worker-1');
    processes.push(first.process);
    const job = await queue.add('cache-warming', { args: [] }, { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } });
    await waitForState(queue, job.id!, ['active']);

    first.process.child.kill('SIGTERM');
    assert.equal(await first.process.exited, 0, `the worker exits cleanly:\n${first.process.output()}`);
    const returned = (await queue.getJob(job.id!))!;
    assert.equal(await returned.getState(), 'waiting', 'the job is back in the queue');
    assert.equal(returned.attemptsMade, 0, 'returning it used up no attempt');
    assert.equal(returned.failedReason ?? undefined, undefined);

    const second = await startImportWorker(prefix, settings, 'worker-2');
    processes.push(second.process);
    assert.equal(await waitForState(queue, job.id!, ['completed', 'failed'], 60_000), 'completed');
  } finally {
    await queue.close();
  }
});

test('a worker whose dashboard port is taken exits at start, before it takes a job', { timeout: 60_000 }, async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '0.0.0.0', resolve));
  const port = (taken.address() as AddressInfo).port;
  // A prefix of its own: the first test's worker may still be running.
  const ownPrefix = uniquePrefix('import-port-taken');
  const queue = new Queue('rollup', { connection: redis, prefix: new RedisKeys(ownPrefix).queuePrefix });
  try {
    const job = await queue.add('rollup', {});
    const child = startTsProcess(
      'import-worker-port-taken',
      IMPORT_SERVICE_DIR,
      'src/main.ts',
      ['worker'],
      importEnvironment(ownPrefix, { WORKER_PORT: String(port) }),
    );
    processes.push(child);
    const code = await new Promise<number | null>((resolve) => child.child.once('exit', (exitCode) => resolve(exitCode)));
    assert.notEqual(code, 0, child.output());
    assert.match(child.output(), /PORT_UNAVAILABLE: cannot listen on WORKER_HOST \S+ WORKER_PORT \d+: .*EADDRINUSE/);
    assert.equal(await queue.getJobState(job.id!), 'waiting', 'no job was taken');
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    await deleteKeys(redis, ownPrefix);
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
});
