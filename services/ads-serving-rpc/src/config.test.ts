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

test('a previous tracking secret is read, and refused without a current one or equal to it', () => {
  const current = 'the-current-tracking-secret-0123456789';
  const previous = 'the-previous-tracking-secret-012345678';
  assert.equal(loadConfig({ TRACKING_SECRET: current, TRACKING_SECRET_PREVIOUS: previous }).previousTrackingSecret, previous);
  assert.equal(loadConfig({ TRACKING_SECRET: current }).previousTrackingSecret, undefined);
  assert.equal(loadConfig({ TRACKING_SECRET: current, TRACKING_SECRET_PREVIOUS: '' }).previousTrackingSecret, undefined);
  const refused = [{ TRACKING_SECRET_PREVIOUS: previous }, { TRACKING_SECRET: current, TRACKING_SECRET_PREVIOUS: current }, { TRACKING_SECRET: current, TRACKING_SECRET_PREVIOUS: 'short' }];
  for (const environment of refused) {
    assert.throws(
      () => loadConfig(environment),
      (error: unknown) => error instanceof ServingError && error.code === 'CONFIG_INVALID' && /TRACKING_SECRET_PREVIOUS/.test(error.message),
    );
  }
});
