import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS } from '@ads/ads-client';
import { ServiceError } from '@ads/ads-client/service';
import { loadConfig } from './config';

test('production refuses a placeholder DATA_API_TOKEN, accepts a random one; other environments take any token', () => {
  const production = { NODE_ENV: 'production', DATA_API_URLS: 'http://a.test/rpc' } as const;
  for (const weak of [KNOWN_PLACEHOLDER_SECRETS[0]!, 'svc']) {
    assert.throws(
      () => loadConfig({ ...production, DATA_API_TOKEN: weak }),
      (error: unknown) => error instanceof ServiceError && error.code === 'CONFIG_INVALID' && /DATA_API_TOKEN/.test(error.message),
    );
  }
  const strong = randomBytes(48).toString('base64');
  assert.equal(loadConfig({ ...production, DATA_API_TOKEN: strong }).dataApiToken, strong);
  assert.equal(loadConfig({ DATA_API_URLS: 'http://a.test/rpc', DATA_API_TOKEN: 'svc', TIMESERIES_DAYS: '3' }).days, 3);
});
