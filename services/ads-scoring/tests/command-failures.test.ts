// The command's failure paths, run as a real process: bad flags and environment, and an
// unreachable ads-data-api, which must fail loudly and leave the current scores in place.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisKeys } from '@ads/ads-client';
import { closedPort, runCommand } from './support/run-command';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const keys = new RedisKeys(`test:${randomUUID()}:`);

after(async () => {
  const found = await redis.keys(`${keys.prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

async function environment(): Promise<Record<string, string>> {
  return { DATA_API_URLS: `http://127.0.0.1:${await closedPort()}/rpc`, DATA_API_TOKEN: 'unused', REDIS_KEY_PREFIX: keys.prefix, DATA_API_TIMEOUT_MS: '3000' };
}

test('an unreachable data API ends the run with exit code 3 and keeps the current version', async () => {
  await redis.set(keys.scoresCurrent, 'v-kept');
  await redis.hset(keys.scoresVersion('v-kept'), 'ad-1', '{"pCtr":0.01,"eCpmMicros":1,"pacingFactor":1}');
  const result = await runCommand(['run', '--json'], await environment());
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, /DATA_API_UNAVAILABLE/);
  assert.equal(result.stdout, '');
  assert.equal(await redis.get(keys.scoresCurrent), 'v-kept');
  assert.equal(await redis.get(keys.scoresPrevious), null);
  assert.deepEqual(await redis.keys(keys.scoresVersion('*')), [keys.scoresVersion('v-kept')]);
});

test('bad flags are refused with exit code 2, naming the flag', async () => {
  const top = await runCommand(['run', '--top', '0'], await environment());
  assert.equal(top.code, 2, top.stderr);
  assert.match(top.stderr, /--top/);
  const unknown = await runCommand(['run', '--dryrun'], await environment());
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(unknown.stderr, /--dryrun/);
});

test('a bad environment variable is named', async () => {
  const env = await environment();
  const token = await runCommand(['run'], { ...env, DATA_API_TOKEN: '' });
  assert.equal(token.code, 2);
  assert.match(token.stderr, /CONFIG_INVALID.*DATA_API_TOKEN/);
  const pacing = await runCommand(['run'], { ...env, PACING_MIN_FACTOR: '0.9', PACING_MAX_FACTOR: '0.5' });
  assert.equal(pacing.code, 2);
  assert.match(pacing.stderr, /PACING_MAX_FACTOR/);
});
