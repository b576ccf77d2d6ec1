import { test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS } from '@ads/ads-client';
import { assertDataApiTokenPolicy } from '@ads/test-kit';
import { loadConfig } from './config';
import { ScoringError } from './errors';

test('production refuses a known, short or weak DATA_API_TOKEN and accepts a random one', () => {
  assertDataApiTokenPolicy(loadConfig, (error) => error instanceof ScoringError && error.code === 'CONFIG_INVALID', KNOWN_PLACEHOLDER_SECRETS);
});
