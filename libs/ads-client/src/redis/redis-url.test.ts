import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactRedisUrl, redisUrlSetting } from './redis-url.js';

test('REDIS_URL: good URLs pass and the default is local Redis', () => {
  assert.equal(redisUrlSetting.parse(undefined), 'redis://127.0.0.1:6379');
  for (const url of ['redis://127.0.0.1:6379', 'rediss://user:p%40ss@cache.internal:6380/2', 'redis://[::1]:6379', 'redis://redis']) {
    assert.equal(redisUrlSetting.parse(url), url);
  }
});

test('REDIS_URL: what ioredis would crash on is refused with the reason', () => {
  const cases: [string, RegExp][] = [
    ['localhost:6379', /redis:\/\//],
    ['http://127.0.0.1:6379', /redis:\/\/ or rediss:\/\//],
    ['redis://127.0.0.1:99999', /does not parse/],
    ['redis://:%zz@127.0.0.1:6379', /percent-escape/],
    ['redis://127.0.0.1:6379/cache', /database "cache"/],
  ];
  for (const [url, reason] of cases) {
    const parsed = redisUrlSetting.safeParse(url);
    assert.equal(parsed.success, false, url);
    assert.match(parsed.error.issues[0]!.message, reason, url);
  }
});

test('a Redis URL is shown without its password', () => {
  assert.equal(redactRedisUrl('redis://:s3cret@127.0.0.1:6379'), 'redis://:***@127.0.0.1:6379');
  assert.equal(redactRedisUrl('rediss://app:s3cret@cache:6380/1'), 'rediss://app:***@cache:6380/1');
  assert.equal(redactRedisUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
  assert.ok(!redactRedisUrl('not a url s3cret').includes('s3cret'));
});
