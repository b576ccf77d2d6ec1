import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS } from '@ads/ads-client';
import { EXIT_CODES, ServiceError } from '@ads/ads-client/service';
import { loadConfig } from './config';

const isConfigError = (pattern: RegExp) => (error: unknown) =>
  error instanceof ServiceError && error.code === 'CONFIG_INVALID' && error.exitCode === EXIT_CODES.usage && pattern.test(error.message);

test('production refuses a known, short or weak DATA_API_TOKEN and accepts a random one', () => {
  const base = { NODE_ENV: 'production', DATA_API_URLS: 'http://a.test/rpc' } as const;
  for (const token of [...KNOWN_PLACEHOLDER_SECRETS, 'svc', 'x'.repeat(50)]) {
    assert.throws(() => loadConfig({ ...base, DATA_API_TOKEN: token }), isConfigError(/DATA_API_TOKEN: .*openssl rand -base64 48/), token);
  }
  const token = `ads_${randomBytes(32).toString('base64url')}`;
  assert.equal(loadConfig({ ...base, DATA_API_TOKEN: token }).dataApiToken, token);
  // Outside production any token starts (the data API decides whether it is a key).
  assert.equal(loadConfig({ DATA_API_URLS: 'http://a.test/rpc', DATA_API_TOKEN: 'svc' }).dataApiToken, 'svc');
});

test('a pacing bound out of range is named, and a command logs warnings only unless told', () => {
  const base = { DATA_API_URLS: 'http://a.test/rpc', DATA_API_TOKEN: 'svc' };
  assert.throws(() => loadConfig({ ...base, PACING_MIN_FACTOR: '0.9', PACING_MAX_FACTOR: '0.5' }), isConfigError(/PACING_MAX_FACTOR/));
  assert.equal(loadConfig(base).logLevel, 'warn');
  assert.equal(loadConfig({ ...base, LOG_LEVEL: 'debug' }).logLevel, 'debug');
});
