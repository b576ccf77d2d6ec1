import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS } from '@ads/ads-client';
import { isServiceError } from '@ads/ads-client/service';
import { assertDataApiTokenPolicy } from '@ads/test-kit';
import { loadConfig } from './config';

test('production refuses a known, short or weak DATA_API_TOKEN and accepts a random one', () => {
  assertDataApiTokenPolicy(loadConfig, (error) => isServiceError(error) && error.code === 'CONFIG_INVALID', KNOWN_PLACEHOLDER_SECRETS);
});

test('the days to warm come from TIMESERIES_DAYS, at most 90', () => {
  const base = { DATA_API_URLS: 'http://a.test/rpc', DATA_API_TOKEN: 'svc' };
  assert.equal(loadConfig({ ...base, TIMESERIES_DAYS: '3' }).days, 3);
  assert.throws(
    () => loadConfig({ ...base, TIMESERIES_DAYS: '91' }),
    (error: unknown) => isServiceError(error) && /TIMESERIES_DAYS/.test(error.message),
  );
});
