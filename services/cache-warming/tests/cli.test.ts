// The cache-warming command as a process: a usage error exits 2 and a configuration error 3,
// naming the problem; an unreachable data API or Redis exits 4 and leaves the current index
// version alone; a rollback with nothing to go back to exits 5 (refused); with
// --json every failure is also one `{ ok: false, code, message }` line on stdout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RedisKeys, ServingIndexStore } from '@ads/ads-client';
import { EXIT_CODES } from '@ads/ads-client/service';
import { type CommandResult, freePort, runTsCommand, useTestRedis } from '@ads/test-kit';

const packageDir = new URL('..', import.meta.url).pathname;
const { redis, prefix } = useTestRedis();
const keys = new RedisKeys(prefix);

/** Runs the command with only this environment (and PATH): what it reads is what the test gives. */
function run(args: string[], env: Record<string, string>): Promise<CommandResult> {
  return runTsCommand({
    cwd: packageDir,
    args: ['src/main.ts', ...args],
    env: { NODE_ENV: 'test', REDIS_KEY_PREFIX: prefix, ...env },
    cleanEnv: true,
  });
}

test('a bad flag and a bad environment exit 2 and 3 and name the problem', async () => {
  const flag = await run(['run', '--page-size', '0'], { DATA_API_TOKEN: 'x' });
  assert.equal(flag.code, EXIT_CODES.usage);
  assert.match(flag.stderr, /--page-size must be a whole number from 1 to 2000/);
  const unknown = await run(['run', '--colour'], { DATA_API_TOKEN: 'x' });
  assert.equal(unknown.code, EXIT_CODES.usage);
  assert.match(unknown.stderr, /unknown option '--colour'/);
  const environment = await run(['run'], { DATA_API_URLS: 'not a url' });
  assert.equal(environment.code, EXIT_CODES.config);
  assert.match(environment.stderr, /DATA_API_URLS/);
  assert.match(environment.stderr, /DATA_API_TOKEN/);
});

test('an unreachable data API exits 4 and leaves the current index version untouched', async () => {
  await redis.set(keys.indexCurrent, 'v-before');
  const port = await freePort();
  const result = await run(['run', '--json'], {
    DATA_API_URLS: `http://127.0.0.1:${port}/rpc`,
    DATA_API_TOKEN: 'svc',
    DATA_API_TIMEOUT_MS: '2000',
  });
  assert.equal(result.code, EXIT_CODES.dataApiUnavailable, result.stderr);
  assert.match(result.stderr, /DATA_API_UNAVAILABLE/);
  assert.equal(result.stdout.split('\n').filter(Boolean).length, 1, `one line on stdout: ${result.stdout}`);
  const failure = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(failure).sort(), ['code', 'message', 'ok']);
  assert.equal(failure.ok, false);
  assert.equal(failure.code, 'DATA_API_UNAVAILABLE');
  assert.match(failure.message, /inventory\.snapshot/);
  assert.equal(await redis.get(keys.indexCurrent), 'v-before');
  assert.deepEqual(await redis.keys(keys.indexVersion('*')), [], 'no version was written');
});

test('an unreachable Redis exits 4', async () => {
  const port = await freePort();
  const result = await run(['run'], { DATA_API_TOKEN: 'svc', REDIS_URL: `redis://:a-redis-password@127.0.0.1:${port}` });
  assert.equal(result.code, EXIT_CODES.redisUnavailable, result.stderr);
  assert.match(result.stderr, /REDIS_UNAVAILABLE/);
  assert.match(result.stderr, /redis:\/\/:\*\*\*@127\.0\.0\.1/, 'the URL is named, its password masked');
  assert.ok(!`${result.stdout}${result.stderr}`.includes('a-redis-password'), 'the password is never printed');
});

test('a REDIS_URL that cannot be opened is a configuration error (exit 3), not a crash', async () => {
  for (const url of ['redis://127.0.0.1:99999', 'redis://:%zz@127.0.0.1:6379']) {
    const result = await run(['run'], { DATA_API_TOKEN: 'svc', REDIS_URL: url });
    assert.equal(result.code, EXIT_CODES.config, result.stderr);
    assert.match(result.stderr, /REDIS_URL/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('with --json, Redis, configuration and usage failures print one JSON line on stdout', async () => {
  const port = await freePort();
  const redisDown = await run(['run', '--json'], { DATA_API_TOKEN: 'svc', REDIS_URL: `redis://:a-redis-password@127.0.0.1:${port}` });
  assert.equal(redisDown.code, EXIT_CODES.redisUnavailable, redisDown.stderr);
  assert.match(redisDown.stderr, /REDIS_UNAVAILABLE/, 'stderr keeps its message');
  const redisFailure = JSON.parse(redisDown.stdout);
  assert.equal(redisFailure.ok, false);
  assert.equal(redisFailure.code, 'REDIS_UNAVAILABLE');
  assert.ok(!redisDown.stdout.includes('a-redis-password'), 'the password is never printed');

  const environment = await run(['run', '--json'], { DATA_API_URLS: 'not a url' });
  assert.equal(environment.code, EXIT_CODES.config);
  assert.match(environment.stderr, /DATA_API_URLS/);
  assert.deepEqual({ ...JSON.parse(environment.stdout), message: undefined }, { ok: false, code: 'CONFIG_INVALID', message: undefined });

  const flag = await run(['run', '--json', '--page-size', '0'], { DATA_API_TOKEN: 'x' });
  assert.equal(flag.code, EXIT_CODES.usage);
  assert.match(flag.stderr, /--page-size must be a whole number from 1 to 2000/);
  const usage = JSON.parse(flag.stdout);
  assert.equal(usage.code, 'CLI_USAGE');
  assert.match(usage.message, /--page-size/);

  const plain = await run(['run'], { DATA_API_TOKEN: 'svc', REDIS_URL: `redis://127.0.0.1:${port}` });
  assert.equal(plain.code, EXIT_CODES.redisUnavailable);
  assert.equal(plain.stdout, '', 'without --json stdout stays empty on failure');
});

test('rollback makes the previous version current again (exit 0), and says when there is none (exit 5)', async () => {
  const rollbackPrefix = `${prefix}rollback:`;
  const rollbackKeys = new RedisKeys(rollbackPrefix);
  const store = new ServingIndexStore(redis, rollbackKeys);
  const env = { REDIS_KEY_PREFIX: rollbackPrefix };
  const none = await run(['rollback', '--json'], env);
  assert.equal(none.code, EXIT_CODES.refused, none.stderr);
  assert.match(none.stderr, /NO_PREVIOUS_VERSION/);
  assert.equal(JSON.parse(none.stdout).code, 'NO_PREVIOUS_VERSION');

  for (const [version, asOf] of [
    ['v-good', '2026-03-02T11:00:00Z'],
    ['v-bad', '2026-03-02T12:00:00Z'],
  ] as const) {
    await store.write({ version, builtAt: asOf, asOf, placements: [], featureSwitches: [], campaigns: [] });
    await store.publish(version);
  }
  // No DATA_API_TOKEN: a rollback needs Redis only.
  const back = await run(['rollback'], env);
  assert.equal(back.code, 0, back.stderr);
  assert.match(back.stdout, /rolled back: index version v-good is current again \(v-bad kept as previous/);
  assert.equal(await redis.get(rollbackKeys.indexCurrent), 'v-good');
  const forward = await run(['rollback', '--json'], env);
  assert.equal(forward.code, 0, forward.stderr);
  assert.deepEqual(JSON.parse(forward.stdout), { ok: true, outcome: 'rolled-back', current: 'v-bad', previous: 'v-good' });
  assert.equal(await redis.get(rollbackKeys.indexCurrent), 'v-bad');
});
