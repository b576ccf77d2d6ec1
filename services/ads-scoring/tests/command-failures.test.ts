// The command's failure paths, run as a real process: bad flags and environment, and an
// unreachable ads-data-api, which must fail loudly and leave the current scores in place; a
// data API that answers but fails on its side (a proxy's HTML 503 page, a JSON-RPC INTERNAL
// error when its database is down) is an outage to retry (exit 4, unavailable), not a refusal (exit 5).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RedisKeys } from '@ads/ads-client';
import { EXIT_CODES } from '@ads/ads-client/service';
import { commandTestBed, DATA_API_SIDE_FAILURES, startStandIn } from '@ads/test-kit';

const { runCommand, redis, prefix, environment } = commandTestBed(new URL('..', import.meta.url));
const keys = new RedisKeys(prefix);

test('an unreachable data API ends the run with exit code 4 and keeps the current version', async () => {
  await redis.set(keys.scoresCurrent, 'v-kept');
  await redis.hset(keys.scoresVersion('v-kept'), 'ad-1', '{"pCtr":0.01,"eCpmMicros":1,"pacingFactor":1}');
  const result = await runCommand(['run', '--json'], await environment());
  assert.equal(result.code, EXIT_CODES.dataApiUnavailable, result.stderr);
  assert.match(result.stderr, /DATA_API_UNAVAILABLE/);
  assert.equal(JSON.parse(result.stdout).code, 'DATA_API_UNAVAILABLE', 'with --json the failure is one JSON line');
  assert.equal(await redis.get(keys.scoresCurrent), 'v-kept');
  assert.equal(await redis.get(keys.scoresPrevious), null);
  assert.deepEqual(await redis.keys(keys.scoresVersion('*')), [keys.scoresVersion('v-kept')]);
});

test('bad flags are refused with exit code 2, naming the flag', async () => {
  const top = await runCommand(['run', '--top', '0'], await environment());
  assert.equal(top.code, EXIT_CODES.usage, top.stderr);
  assert.match(top.stderr, /--top/);
  const unknown = await runCommand(['run', '--dryrun'], await environment());
  assert.equal(unknown.code, EXIT_CODES.usage, unknown.stderr);
  assert.match(unknown.stderr, /--dryrun/);
});

test('a bad environment variable is named, with exit code 3', async () => {
  const env = await environment();
  const token = await runCommand(['run'], { ...env, DATA_API_TOKEN: '' });
  assert.equal(token.code, EXIT_CODES.config);
  assert.match(token.stderr, /CONFIG_INVALID.*DATA_API_TOKEN/);
  const pacing = await runCommand(['run'], { ...env, PACING_MIN_FACTOR: '0.9', PACING_MAX_FACTOR: '0.5' });
  assert.equal(pacing.code, EXIT_CODES.config);
  assert.match(pacing.stderr, /PACING_MAX_FACTOR/);
});

for (const [failure, handler] of DATA_API_SIDE_FAILURES) {
  test(`a data API failing on its side (${failure}) ends the run with exit code 4, naming it`, async () => {
    await redis.set(keys.scoresCurrent, 'v-kept');
    const dataApi = await startStandIn(handler);
    try {
      const result = await runCommand(['run', '--json'], { ...(await environment()), DATA_API_URLS: dataApi.url });
      assert.equal(result.code, EXIT_CODES.dataApiUnavailable, result.stderr);
      assert.match(result.stderr, /DATA_API_UNAVAILABLE: ads-data-api \(http:\/\/127\.0\.0\.1:\d+\/rpc\)/);
      assert.deepEqual(Object.keys(JSON.parse(result.stdout)), ['ok', 'code', 'message']);
    } finally {
      await dataApi.close();
    }
    assert.equal(await redis.get(keys.scoresCurrent), 'v-kept');
  });
}
