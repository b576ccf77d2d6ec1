import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS } from '@ads/ads-client';
import { loadConfig } from './config';
import { WarmingError } from './errors';

test('production refuses a known, short or weak DATA_API_TOKEN and accepts a random one', () => {
  const base = { NODE_ENV: 'production', DATA_API_URLS: 'http://a.test/rpc' } as const;
  for (const token of [...KNOWN_PLACEHOLDER_SECRETS, 'svc', 'x'.repeat(50)]) {
    assert.throws(
      () => loadConfig({ ...base, DATA_API_TOKEN: token }),
      (error: unknown) => error instanceof WarmingError && error.code === 'CONFIG_INVALID' && /DATA_API_TOKEN: .*openssl rand -base64 48/.test(error.message),
      token,
    );
  }
  const token = `ads_${randomBytes(32).toString('base64url')}`;
  assert.equal(loadConfig({ ...base, DATA_API_TOKEN: token }).dataApiToken, token);
  // Outside production any token starts (the data API decides whether it is a key).
  assert.equal(loadConfig({ DATA_API_URLS: 'http://a.test/rpc', DATA_API_TOKEN: 'svc' }).dataApiToken, 'svc');
});
