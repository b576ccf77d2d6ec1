import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS } from '@ads/ads-client';
import { assertDataApiTokenPolicy } from '@ads/test-kit';
import { loadConfig } from './config';
import { CacheWarmingError } from './errors';

test('the environment is parsed into one config object', () => {
  const config = loadConfig({ DATA_API_URLS: 'http://a.test/rpc, http://b.test/rpc', DATA_API_TOKEN: 'svc', REDIS_KEY_PREFIX: 't:' });
  assert.deepEqual(config.dataApiUrls, ['http://a.test/rpc', 'http://b.test/rpc']);
  assert.equal(config.redisKeyPrefix, 't:');
  assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
});

test('bad variables are named', () => {
  try {
    loadConfig({ DATA_API_URLS: 'ftp://x', REDIS_URL: 'http://nope' });
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(error instanceof CacheWarmingError);
    assert.equal(error.code, 'CONFIG_INVALID');
    for (const name of ['DATA_API_URLS', 'DATA_API_TOKEN', 'REDIS_URL']) assert.match(error.message, new RegExp(name));
  }
});

test('production refuses a known, short or weak DATA_API_TOKEN and accepts a random one', () => {
  assertDataApiTokenPolicy(loadConfig, (error) => error instanceof CacheWarmingError && error.code === 'CONFIG_INVALID', KNOWN_PLACEHOLDER_SECRETS);
});
