import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS } from '@ads/ads-client';
import { DEV_TRACKING_SECRET, loadConfig } from './config';
import { ServiceError } from '@ads/ads-client/service';

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
    (error: unknown) => error instanceof ServiceError && error.code === 'CONFIG_INVALID' && /TRACKING_SECRET/.test(error.message),
  );
  assert.throws(
    () => loadConfig({ PORT: 'eighty', EXPLORATION_RATE: '2', TRACKING_SECRET: 'short' }),
    (error: unknown) =>
      error instanceof ServiceError && ['PORT', 'EXPLORATION_RATE', 'TRACKING_SECRET'].every((name) => error.message.includes(name)),
  );
});

test('a previous tracking secret is read, and refused without a current one or equal to it', () => {
  const current = 'the-current-tracking-secret-0123456789';
  const previous = 'the-previous-tracking-secret-012345678';
  assert.equal(loadConfig({ TRACKING_SECRET: current, TRACKING_SECRET_PREVIOUS: previous }).previousTrackingSecret, previous);
  assert.equal(loadConfig({ TRACKING_SECRET: current }).previousTrackingSecret, undefined);
  assert.equal(loadConfig({ TRACKING_SECRET: current, TRACKING_SECRET_PREVIOUS: '' }).previousTrackingSecret, undefined);
  const refused = [
    { TRACKING_SECRET_PREVIOUS: previous },
    { TRACKING_SECRET: current, TRACKING_SECRET_PREVIOUS: current },
    { TRACKING_SECRET: current, TRACKING_SECRET_PREVIOUS: 'short' },
  ];
  for (const environment of refused) {
    assert.throws(
      () => loadConfig(environment),
      (error: unknown) =>
        error instanceof ServiceError && error.code === 'CONFIG_INVALID' && /TRACKING_SECRET_PREVIOUS/.test(error.message),
    );
  }
});

test('production refuses every known, short or weak tracking secret and metrics token, and accepts random 48-byte ones', () => {
  const strong = () => randomBytes(48).toString('base64');
  const weak = [
    ...KNOWN_PLACEHOLDER_SECRETS,
    DEV_TRACKING_SECRET,
    'replace-with-a-long-random-string',
    'x'.repeat(40),
    randomBytes(20).toString('base64'),
    'ab'.repeat(40),
  ];
  for (const value of weak) {
    for (const name of ['TRACKING_SECRET', 'TRACKING_SECRET_PREVIOUS', 'METRICS_TOKEN'] as const) {
      const environment = { NODE_ENV: 'production', TRACKING_SECRET: strong(), [name]: value };
      assert.throws(
        () => loadConfig(environment),
        (error: unknown) =>
          error instanceof ServiceError &&
          error.code === 'CONFIG_INVALID' &&
          error.message.includes(`${name}: `) &&
          error.message.includes('openssl rand -base64 48'),
        `${name}=${value} is refused`,
      );
    }
  }
  const current = strong();
  const previous = strong();
  const token = strong();
  const config = loadConfig({ NODE_ENV: 'production', TRACKING_SECRET: current, TRACKING_SECRET_PREVIOUS: previous, METRICS_TOKEN: token });
  assert.deepEqual([config.trackingSecret, config.previousTrackingSecret, config.metricsToken], [current, previous, token]);
  // Outside production the same weak values still start a developer's process.
  assert.equal(loadConfig({ NODE_ENV: 'development', TRACKING_SECRET: 'x'.repeat(40), METRICS_TOKEN: 'dev' }).metricsToken, 'dev');
});

test('METRICS_TOKEN and METRICS_PORT: empty is none; the port must differ from PORT; the token must fit a header', () => {
  const none = loadConfig({ METRICS_TOKEN: '', METRICS_PORT: '' });
  assert.deepEqual([none.metricsToken, none.metricsPort], [undefined, undefined]);
  assert.equal(loadConfig({ METRICS_PORT: '9464' }).metricsPort, 9464);
  for (const environment of [{ PORT: '4101', METRICS_PORT: '4101' }, { METRICS_PORT: 'ninety' }, { METRICS_TOKEN: 'two words' }]) {
    assert.throws(
      () => loadConfig(environment),
      (error: unknown) => error instanceof ServiceError && error.code === 'CONFIG_INVALID' && /METRICS_(PORT|TOKEN)/.test(error.message),
    );
  }
});

test('SERVING_WORKERS: the cores by default (1 under NODE_ENV=test), empty is the default, at least 1', () => {
  assert.equal(loadConfig({ NODE_ENV: 'development' }).workers, availableParallelism());
  assert.equal(loadConfig({ NODE_ENV: 'development', SERVING_WORKERS: '' }).workers, availableParallelism());
  assert.equal(loadConfig({ NODE_ENV: 'test' }).workers, 1);
  assert.equal(loadConfig({ NODE_ENV: 'test', SERVING_WORKERS: '3' }).workers, 3);
  for (const workers of ['0', 'two', '1.5']) {
    assert.throws(
      () => loadConfig({ SERVING_WORKERS: workers }),
      (error: unknown) => error instanceof ServiceError && error.code === 'CONFIG_INVALID' && error.message.includes('SERVING_WORKERS'),
      workers,
    );
  }
});

test('forecasting settings: recording on, k 2,000, flush 5 s and replay off by default; bad values are named', () => {
  const config = loadConfig({});
  assert.deepEqual(
    [config.forecastRecording, config.forecastSampleSize, config.forecastFlushMs, config.forecastReplay],
    [true, 2_000, 5_000, false],
  );
  const set = loadConfig({ FORECAST_RECORDING: 'false', FORECAST_SAMPLE_SIZE: '20000', FORECAST_FLUSH_MS: '100', FORECAST_REPLAY: 'true' });
  assert.deepEqual([set.forecastRecording, set.forecastSampleSize, set.forecastFlushMs, set.forecastReplay], [false, 20_000, 100, true]);
  assert.throws(
    () => loadConfig({ FORECAST_RECORDING: 'yes', FORECAST_SAMPLE_SIZE: '20001', FORECAST_FLUSH_MS: '99', FORECAST_REPLAY: '1' }),
    (error: unknown) =>
      error instanceof ServiceError &&
      ['FORECAST_RECORDING', 'FORECAST_SAMPLE_SIZE', 'FORECAST_FLUSH_MS', 'FORECAST_REPLAY'].every((name) => error.message.includes(name)),
  );
  assert.throws(() => loadConfig({ FORECAST_SAMPLE_SIZE: '0' }), /FORECAST_SAMPLE_SIZE/);
});

test('production refuses the forecast replay clock, naming FORECAST_REPLAY', () => {
  const secret = 'x'.repeat(8) + 'Qm3v9LpZr7TfYw2KcN5hJd8Gs4Ab6Ue1';
  assert.throws(
    () => loadConfig({ NODE_ENV: 'production', TRACKING_SECRET: secret, FORECAST_REPLAY: 'true' }),
    (error: Error) => error.message.includes('FORECAST_REPLAY') && error.message.includes('production'),
  );
  assert.equal(loadConfig({ FORECAST_REPLAY: 'true' }).forecastReplay, true, 'outside production the replay clock may be on');
});
