import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { KNOWN_PLACEHOLDER_SECRETS } from '@ads/ads-client';
import { loadConfig } from './config';
import { ConfigError } from './errors';

test('defaults fit a local stack', () => {
  const settings = loadConfig({}, 42);
  assert.equal(settings.redisKeyPrefix, 'ads:');
  assert.deepEqual(settings.dataApi.urls, ['http://127.0.0.1:4000/rpc']);
  assert.equal(settings.workerPort, 4300);
  assert.equal(settings.schedules.rollup, '* * * * *');
  assert.equal(settings.schedules.cacheWarming, undefined);
  assert.match(settings.rollup.consumerNamePrefix, /:42$/);
});

test('lists are parsed: data API URLs and feed sources (plain or JSON)', () => {
  const settings = loadConfig({
    DATA_API_URLS: 'http://a:4000/rpc/, http://b:4000/rpc',
    FEED_SOURCES: '[{"source":"https://x.example/feed?a=1,2","format":"csv"}, "/feeds/b.json"]',
  });
  assert.deepEqual(settings.dataApi.urls, ['http://a:4000/rpc', 'http://b:4000/rpc']);
  assert.deepEqual(settings.schedules.feedSources, [
    { source: 'https://x.example/feed?a=1,2', format: 'csv' },
    { source: '/feeds/b.json' },
  ]);
});

test('every bad variable is named', () => {
  assert.throws(
    () => loadConfig({ ROLLUP_CRON: 'every minute', DATA_API_URLS: 'ftp://x', ROLLUP_BATCH_SIZE: '0', FEED_SOURCES: '[1]' }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, 'CONFIG_INVALID');
      for (const name of ['ROLLUP_CRON', 'DATA_API_URLS', 'ROLLUP_BATCH_SIZE', 'FEED_SOURCES'])
        assert.match(error.message, new RegExp(name));
      return true;
    },
  );
});

test('cron expressions with seconds are accepted; an empty one switches a schedule off', () => {
  const settings = loadConfig({ ROLLUP_CRON: '* * * * * *', FEED_IMPORT_CRON: ' ' });
  assert.equal(settings.schedules.rollup, '* * * * * *');
  assert.equal(settings.schedules.feedImport, undefined);
});

test('a misspelt schedule time zone and a short dashboard password are configuration errors', () => {
  assert.throws(
    () => loadConfig({ SCHEDULE_TIME_ZONE: 'Europe/Pari', DASHBOARD_PASSWORD: 'short' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      /SCHEDULE_TIME_ZONE: must be an IANA time zone/.test(error.message) &&
      /DASHBOARD_PASSWORD/.test(error.message),
  );
  assert.equal(loadConfig({ SCHEDULE_TIME_ZONE: 'Europe/Paris' }).schedules.timeZone, 'Europe/Paris');
  assert.equal(loadConfig({ DASHBOARD_PASSWORD: '' }).dashboardPassword, undefined);
  assert.equal(loadConfig({ DASHBOARD_PASSWORD: 'a-long-dashboard-password' }).dashboardPassword, 'a-long-dashboard-password');
});

test('production refuses a known, short or weak DATA_API_TOKEN or DASHBOARD_PASSWORD and accepts random ones', () => {
  for (const name of ['DATA_API_TOKEN', 'DASHBOARD_PASSWORD'] as const) {
    for (const value of [...KNOWN_PLACEHOLDER_SECRETS, 'a-twelve-char-password', 'x'.repeat(50)]) {
      assert.throws(
        () => loadConfig({ NODE_ENV: 'production', [name]: value }, 42),
        (error: unknown) =>
          error instanceof ConfigError && error.message.includes(`${name}: `) && error.message.includes('openssl rand -base64 48'),
        `${name}=${value}`,
      );
    }
  }
  const token = `ads_${randomBytes(32).toString('base64url')}`;
  const password = randomBytes(48).toString('base64');
  const settings = loadConfig({ NODE_ENV: 'production', DATA_API_TOKEN: token, DASHBOARD_PASSWORD: password }, 42);
  assert.deepEqual([settings.dataApi.token, settings.dashboardPassword], [token, password]);
});

test('the worker listens on loopback by default; feed and dashboard host lists are parsed, a bad entry named', () => {
  const defaults = loadConfig({}, 42);
  assert.equal(defaults.workerHost, '127.0.0.1');
  assert.deepEqual(
    [defaults.feed.allowedHosts, defaults.feed.localDir, defaults.feed.maxRedirects, defaults.dashboardPublicHosts],
    [[], undefined, 5, []],
  );
  const settings = loadConfig(
    {
      FEED_ALLOWED_HOSTS: 'Feeds.Partner.example, 127.0.0.1:8080,[::1]',
      FEED_LOCAL_DIR: 'examples',
      FEED_MAX_REDIRECTS: '2',
      DASHBOARD_PUBLIC_HOST: 'queues.example.com',
      WORKER_HOST: '0.0.0.0',
    },
    42,
  );
  assert.deepEqual(settings.feed.allowedHosts, [{ host: 'feeds.partner.example' }, { host: '127.0.0.1', port: 8080 }, { host: '::1' }]);
  assert.ok(settings.feed.localDir?.startsWith('/') && settings.feed.localDir.endsWith('/examples'), 'FEED_LOCAL_DIR is made absolute');
  assert.equal(settings.feed.maxRedirects, 2);
  assert.deepEqual(settings.dashboardPublicHosts, [{ host: 'queues.example.com' }]);
  assert.equal(loadConfig({ FEED_LOCAL_DIR: ' ' }, 42).feed.localDir, undefined, 'empty means none');
  for (const [name, value] of [
    ['FEED_ALLOWED_HOSTS', 'http://feeds.example.com/'],
    ['DASHBOARD_PUBLIC_HOST', 'host:99999'],
    ['WORKER_HOST', 'not a host'],
    ['FEED_MAX_REDIRECTS', '50'],
  ] as const) {
    assert.throws(
      () => loadConfig({ [name]: value }, 42),
      (error: unknown) => error instanceof ConfigError && error.message.includes(`${name}: `),
      `${name}=${value}`,
    );
  }
});
