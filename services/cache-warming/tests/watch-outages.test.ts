// `run --watch` as a daemon rides out outages: started while Redis is down, it retries until
// Redis answers and then publishes; started while the data API is down, it retries the failed
// build with a backoff (the data API sends no notices while down) instead of waiting for the
// next --interval; a subscription dropped by the server is renewed and followed by a rebuild.
// A one-off `run` still fails fast (tests/cli.test.ts).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { RedisKeys } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { freePort, jsonLines, startCacheWarming, startPrivateRedis, type CacheWarmingProcess } from './support/processes';
import { snapshotServer, type SnapshotServer } from './support/snapshot-server';

const prefix = `test:${randomUUID()}:`;
const keys = new RedisKeys(prefix);
const sharedRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(sharedRedisUrl, { maxRetriesPerRequest: 2 });
const cleanups: (() => Promise<unknown>)[] = [];

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  const found = await redis.keys(`${prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

async function startedDataApi(): Promise<SnapshotServer> {
  const dataApi = snapshotServer(await freePort());
  await dataApi.start();
  cleanups.push(() => dataApi.stop());
  return dataApi;
}

function watcher(env: Record<string, string>): CacheWarmingProcess {
  // A long interval: only the retries (or Redis coming back) can make the build happen soon.
  const running = startCacheWarming(['run', '--watch', '--json', '--interval', '3600'], {
    DATA_API_TOKEN: 'svc',
    DATA_API_TIMEOUT_MS: '2000',
    REDIS_KEY_PREFIX: prefix,
    ...env,
  });
  cleanups.push(() => running.stop(10_000));
  return running;
}

const published = (stdout: string) => jsonLines(stdout).filter((line) => line.outcome === 'published');

test('a watcher started while Redis is down keeps retrying, then publishes once Redis is up', async () => {
  const dataApi = await startedDataApi();
  const redisPort = await freePort();
  const running = watcher({ DATA_API_URLS: dataApi.rpcUrl, REDIS_URL: `redis://127.0.0.1:${redisPort}`, LOG_LEVEL: 'debug' });
  await running.waitForOutput(
    (_stdout, stderr) => stderr.includes('Redis unavailable; the watcher keeps retrying'),
    'the watcher to log that it waits for Redis',
  );
  // It used to exit 4 at once, as a one-off command gives up after its 3rd reconnection: a 4th
  // attempt shows the watcher is still retrying.
  await running.waitForOutput((_stdout, stderr) => /"attempts":4\b/.test(stderr), 'a 4th attempt to reach Redis');
  assert.equal(running.child.exitCode, null, `the watcher is still running:\n${running.stderr()}`);
  assert.equal(running.stdout(), '', 'no build was attempted without Redis');

  const privateRedis = await startPrivateRedis(redisPort);
  cleanups.push(() => privateRedis.stop());
  await running.waitForOutput((stdout) => published(stdout).length === 1, 'a published version once Redis is up', 30_000);
  assert.match(running.stderr(), /connected to Redis/);
  const reader = new Redis(privateRedis.url, { maxRetriesPerRequest: 1 });
  cleanups.push(() => Promise.resolve(reader.disconnect()));
  assert.equal(await reader.get(keys.indexCurrent), published(running.stdout())[0]!.version);
  assert.equal(await running.stop(10_000), 0, 'SIGTERM ends the watcher cleanly');
});

test('a watcher stopped while still waiting for Redis exits 0 at once', async () => {
  const running = watcher({
    DATA_API_URLS: `http://127.0.0.1:${await freePort()}/rpc`,
    REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    LOG_LEVEL: 'info',
  });
  await running.waitForOutput((_stdout, stderr) => stderr.includes('Redis unavailable'), 'the watcher to wait for Redis');
  assert.equal(await running.stop(2_000), 0);
});

test('a watcher started while the data API is down retries the build with a backoff until it answers', async () => {
  const dataApiPort = await freePort();
  const dataApi = snapshotServer(dataApiPort);
  cleanups.push(() => dataApi.stop());
  await redis.set(keys.indexCurrent, 'v-before');
  // At info the watcher says when it leaves its retries (tests otherwise log at warn).
  const running = watcher({ DATA_API_URLS: dataApi.rpcUrl, REDIS_URL: sharedRedisUrl, LOG_LEVEL: 'info' });
  // The first build fails, and so does the retry 1 s later (no notice, no interval).
  await running.waitForOutput((_stdout, stderr) => stderr.split('rebuild failed').length - 1 >= 2, 'a retried build', 30_000);
  const failures = jsonLines(running.stdout()).filter((line) => line.ok === false);
  assert.ok(failures.length >= 2, 'each failed build prints its --json line');
  assert.deepEqual(new Set(failures.map((line) => line.code)), new Set(['DATA_API_UNAVAILABLE']));
  assert.equal(await redis.get(keys.indexCurrent), 'v-before', 'failed builds leave the current version');

  await dataApi.start();
  const upAt = Date.now();
  // Retries come after 1, 2, 4, 8 ... s (30 s at most); the interval is an hour away.
  await running.waitForOutput((stdout) => published(stdout).length === 1, 'a published version once the data API answers', 30_000);
  assert.ok(Date.now() - upAt < 20_000, `published ${Date.now() - upAt} ms after the data API came up`);
  assert.equal(await redis.get(keys.indexCurrent), published(running.stdout())[0]!.version);
  // Back to notices and the interval, as the loop says; that no retry follows a success is shown
  // to the millisecond on a mocked clock (src/app/watch-loop.test.ts), not by waiting here.
  await running.waitForOutput(
    (_stdout, stderr) => stderr.includes('rebuild succeeded after failures; back to notices and the interval'),
    'the watcher to leave its retries',
  );
  assert.equal(published(running.stdout()).length, 1);
  assert.equal(await running.stop(10_000), 0);
});

test('a watcher whose subscription drops rebuilds once it is back: a notice sent meanwhile is lost', async () => {
  const dataApi = await startedDataApi();
  const privateRedis = await startPrivateRedis(await freePort());
  cleanups.push(() => privateRedis.stop());
  const running = watcher({ DATA_API_URLS: dataApi.rpcUrl, REDIS_URL: privateRedis.url, LOG_LEVEL: 'info' });
  await running.waitForOutput((stdout) => published(stdout).length === 1, 'the first published version', 30_000);
  const admin = new Redis(privateRedis.url, { maxRetriesPerRequest: 1 });
  cleanups.push(() => Promise.resolve(admin.disconnect()));
  // The server drops the subscriber (as a failover or a proxy would); nothing else changes.
  const clients = (await admin.call('CLIENT', 'LIST')) as string;
  const subscriber = clients.split('\n').find((line) => line.includes('name=cache-warming-subscriber'));
  assert.ok(subscriber !== undefined, `the subscriber is connected:\n${clients}`);
  await admin.call('CLIENT', 'KILL', 'ID', /\bid=(\d+)/.exec(subscriber)![1]!);
  // No notice and an interval an hour away: only the reconnection can cause this build.
  await running.waitForOutput((stdout) => published(stdout).length === 2, 'a rebuild after the subscription is back', 30_000);
  assert.match(running.stderr(), /redis connection lost/);
  assert.match(running.stderr(), /subscription back; rebuilding in case a notice was missed/);
  assert.equal(await running.stop(10_000), 0);
});
