import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS } from '@ads/ads-client';
import { ServiceError, isServiceError } from '@ads/ads-client/service';
import { assertDataApiTokenPolicy } from '@ads/test-kit';
import { loadConfig, loadRedisConfig } from './config';

test('the environment is parsed into one config object', () => {
  const config = loadConfig({ DATA_API_URLS: 'http://a.test/rpc, http://b.test/rpc', DATA_API_TOKEN: 'svc', REDIS_KEY_PREFIX: 't:' });
  assert.deepEqual(config.dataApiUrls, ['http://a.test/rpc', 'http://b.test/rpc']);
  assert.equal(config.redisKeyPrefix, 't:');
  assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
  assert.deepEqual(loadConfig({ DATA_API_TOKEN: 'svc' }).dataApiUrls, ['http://127.0.0.1:4000/rpc'], 'a local data API by default');
  assert.deepEqual(loadRedisConfig({ REDIS_KEY_PREFIX: 'r:' }), {
    redisUrl: 'redis://127.0.0.1:6379',
    redisKeyPrefix: 'r:',
    logLevel: 'warn',
  });
});

test('bad variables are named, all at once', () => {
  assert.throws(
    () => loadConfig({ DATA_API_URLS: 'ftp://x', REDIS_URL: 'http://nope' }),
    (error: unknown) =>
      error instanceof ServiceError &&
      error.code === 'CONFIG_INVALID' &&
      ['DATA_API_URLS', 'DATA_API_TOKEN', 'REDIS_URL'].every((name) => error.message.includes(name)),
  );
});

test('production refuses a known, short or weak DATA_API_TOKEN and accepts a random one', () => {
  assertDataApiTokenPolicy(loadConfig, (error) => isServiceError(error) && error.code === 'CONFIG_INVALID', KNOWN_PLACEHOLDER_SECRETS);
});

test('a one-off run logs warnings only; a watcher logs at info unless told', () => {
  const config = loadConfig({ DATA_API_TOKEN: 'svc' });
  assert.deepEqual([config.logLevel, config.watchLogLevel], ['warn', 'info']);
  const told = loadConfig({ DATA_API_TOKEN: 'svc', LOG_LEVEL: 'debug' });
  assert.deepEqual([told.logLevel, told.watchLogLevel], ['debug', 'debug']);
});
