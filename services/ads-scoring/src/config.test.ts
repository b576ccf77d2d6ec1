import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS } from '@ads/ads-client';
import { EXIT_CODES, isServiceError } from '@ads/ads-client/service';
import { assertDataApiTokenPolicy } from '@ads/test-kit';
import { loadConfig } from './config';

const isConfigError = (error: unknown) => isServiceError(error) && error.code === 'CONFIG_INVALID' && error.exitCode === EXIT_CODES.config;

test('production refuses a known, short or weak DATA_API_TOKEN and accepts a random one', () => {
  assertDataApiTokenPolicy(loadConfig, isConfigError, KNOWN_PLACEHOLDER_SECRETS);
});

test('a pacing bound out of range is named, and a command logs warnings only unless told', () => {
  const base = { DATA_API_URLS: 'http://a.test/rpc', DATA_API_TOKEN: 'svc' };
  assert.throws(
    () => loadConfig({ ...base, PACING_MIN_FACTOR: '0.9', PACING_MAX_FACTOR: '0.5' }),
    (error: unknown) => isConfigError(error) && /PACING_MAX_FACTOR/.test((error as Error).message),
  );
  assert.equal(loadConfig(base).logLevel, 'warn');
  assert.equal(loadConfig({ ...base, LOG_LEVEL: 'debug' }).logLevel, 'debug');
});
