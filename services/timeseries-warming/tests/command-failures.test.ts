// The command's failure paths, run as a real process: bad flags and environment, and an
// unreachable ads-data-api, which must fail loudly and leave Redis as it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RedisKeys } from '@ads/ads-client';
import { EXIT_CODES } from '@ads/ads-client/service';
import { commandTestBed, DATA_API_SIDE_FAILURES, freePort, startStandIn } from '@ads/test-kit';

const { runCommand, redis, prefix, environment } = commandTestBed(new URL('..', import.meta.url));
const keys = new RedisKeys(prefix);

test('an unreachable data API ends the run with exit code 4 and leaves the series in place', async () => {
  const seriesKey = keys.timeSeries('ad', 'a1', 'hour');
  await redis.hset(
    seriesKey,
    '2026-03-10T00:00:00.000Z',
    JSON.stringify({ impressions: 1, viewableImpressions: 1, clicks: 0, spendMicros: 10, ctr: 0 }),
  );
  await redis.set(keys.timeSeriesMeta, '{"kept":true}');
  const result = await runCommand(['run', '--days', '2'], await environment());
  assert.equal(result.code, EXIT_CODES.dataApiUnavailable, result.stderr);
  assert.match(result.stderr, /DATA_API_UNAVAILABLE/);
  assert.deepEqual(Object.keys(await redis.hgetall(seriesKey)), ['2026-03-10T00:00:00.000Z']);
  assert.equal(await redis.get(keys.timeSeriesMeta), '{"kept":true}');
});

for (const [failure, handler] of DATA_API_SIDE_FAILURES) {
  test(`a data API failing on its side (${failure}) ends the run with exit code 4, naming it`, async () => {
    const dataApi = await startStandIn(handler);
    try {
      await redis.set(keys.timeSeriesMeta, '{"kept":true}');
      const result = await runCommand(['run', '--days', '2'], { ...(await environment()), DATA_API_URLS: dataApi.url });
      assert.equal(result.code, EXIT_CODES.dataApiUnavailable, result.stderr);
      assert.match(result.stderr, /DATA_API_UNAVAILABLE: ads-data-api \(http:\/\/127\.0\.0\.1:\d+\/rpc\)/);
      assert.equal(await redis.get(keys.timeSeriesMeta), '{"kept":true}');
    } finally {
      await dataApi.close();
    }
  });
}

test('a bad --days is refused with exit code 2, naming the flag', async () => {
  for (const days of ['0', 'x', '91']) {
    const result = await runCommand(['run', '--days', days], await environment());
    assert.equal(result.code, EXIT_CODES.usage, result.stderr);
    assert.match(result.stderr, /--days/);
  }
});

test('a missing or bad environment variable is named, with exit code 3', async () => {
  const env = await environment();
  const missing = await runCommand(['run'], { ...env, DATA_API_URLS: '' });
  assert.equal(missing.code, EXIT_CODES.config);
  assert.match(missing.stderr, /CONFIG_INVALID.*DATA_API_URLS/);
  const badRedis = await runCommand(['run'], { ...env, REDIS_URL: 'localhost:6379' });
  assert.equal(badRedis.code, EXIT_CODES.config);
  assert.match(badRedis.stderr, /REDIS_URL/);
});

test('an unreachable Redis ends the run with exit code 4', async () => {
  const result = await runCommand(['run'], { ...(await environment()), REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  assert.equal(result.code, EXIT_CODES.redisUnavailable, result.stderr);
  assert.match(result.stderr, /REDIS_UNAVAILABLE/);
});
