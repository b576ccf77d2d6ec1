import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS } from '@ads/ads-client';
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
  const base = { NODE_ENV: 'production', DATA_API_URLS: 'http://a.test/rpc' } as const;
  for (const token of [...KNOWN_PLACEHOLDER_SECRETS, 'svc', 'x'.repeat(50)]) {
    assert.throws(
      () => loadConfig({ ...base, DATA_API_TOKEN: token }),
      (error: unknown) => error instanceof CacheWarmingError && error.code === 'CONFIG_INVALID' && /DATA_API_TOKEN: .*openssl rand -base64 48/.test(error.message),
      token,
    );
  }
  const token = `ads_${randomBytes(32).toString('base64url')}`;
  assert.equal(loadConfig({ ...base, DATA_API_TOKEN: token }).dataApiToken, token);
  assert.equal(loadConfig({ ...base, DATA_API_TOKEN: randomBytes(48).toString('base64') }).dataApiUrls.length, 1);
});
