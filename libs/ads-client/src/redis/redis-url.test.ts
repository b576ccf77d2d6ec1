import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRedisClusterUrl, redactRedisUrl, redisUrlSetting } from './redis-url.js';

test('REDIS_URL: good URLs pass and the default is local Redis', () => {
  assert.equal(redisUrlSetting.parse(undefined), 'redis://127.0.0.1:6379');
  for (const url of ['redis://127.0.0.1:6379', 'rediss://user:p%40ss@cache.internal:6380/2', 'redis://[::1]:6379', 'redis://redis']) {
    assert.equal(redisUrlSetting.parse(url), url);
  }
});

test('REDIS_URL: what ioredis would crash on is refused with the reason', () => {
  const cases: [string, RegExp][] = [
    ['localhost:6379', /redis:\/\//],
    ['http://127.0.0.1:6379', /redis:\/\/, rediss:\/\/ or redis\+cluster:\/\//],
    ['redis://127.0.0.1:99999', /does not parse/],
    ['redis://:%zz@127.0.0.1:6379', /percent-escape/],
    ['redis://127.0.0.1:6379/cache', /database "cache"/],
    ['redis+cluster://127.0.0.1:7000,127.0.0.1:99999', /node "127.0.0.1:99999"/],
    ['redis+cluster://127.0.0.1:7000,', /node ""/],
    ['redis+cluster://127.0.0.1:7000/2', /database/],
    ['redis+cluster://:%zz@127.0.0.1:7000', /percent-escape/],
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

test('REDIS_URL: a redis+cluster:// URL names the nodes of a cluster', () => {
  for (const url of ['redis+cluster://127.0.0.1:7000,127.0.0.1:7001', 'rediss+cluster://app:p%40ss@a.internal:7000,[::1]:7001/']) {
    assert.equal(redisUrlSetting.parse(url), url);
  }
  assert.deepEqual(parseRedisClusterUrl('rediss+cluster://app:p%40ss@a.internal:7000, [::1]:7001,b/'), {
    nodes: [
      { host: 'a.internal', port: 7000 },
      { host: '::1', port: 7001 },
      { host: 'b', port: 6379 },
    ],
    username: 'app',
    password: 'p@ss',
    tls: true,
  });
  assert.deepEqual(parseRedisClusterUrl('redis+cluster://127.0.0.1:7000'), { nodes: [{ host: '127.0.0.1', port: 7000 }], tls: false });
  assert.equal(parseRedisClusterUrl('redis://127.0.0.1:7000'), undefined);
  assert.equal(redactRedisUrl('redis+cluster://app:s3cret@a:7000,b:7001'), 'redis+cluster://app:***@a:7000,b:7001');
  assert.equal(redactRedisUrl('redis+cluster://a:7000,b:7001'), 'redis+cluster://a:7000,b:7001');
});
