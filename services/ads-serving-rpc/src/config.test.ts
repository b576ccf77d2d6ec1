import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEV_TRACKING_SECRET, loadConfig } from './config';
import { ServingError } from './errors';

test('defaults outside production, a dev tracking secret included', () => {
  const config = loadConfig({});
  assert.equal(config.port, 4100);
  assert.equal(config.trackingSecret, DEV_TRACKING_SECRET);
  assert.equal(config.redisKeyPrefix, 'ads:');
  assert.equal(loadConfig({ PUBLIC_BASE_URL: 'https://ads.example.com/' }).publicBaseUrl, 'https://ads.example.com');
});

test('production requires a tracking secret; bad variables are named', () => {
  assert.throws(
    () => loadConfig({ NODE_ENV: 'production' }),
    (error: unknown) => error instanceof ServingError && error.code === 'CONFIG_INVALID' && /TRACKING_SECRET/.test(error.message),
  );
  assert.throws(
    () => loadConfig({ PORT: 'eighty', EXPLORATION_RATE: '2', TRACKING_SECRET: 'short' }),
    (error: unknown) => error instanceof ServingError && ['PORT', 'EXPLORATION_RATE', 'TRACKING_SECRET'].every((name) => error.message.includes(name)),
  );
});
