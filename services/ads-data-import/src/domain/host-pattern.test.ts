import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalHost, hostMatches, isLoopbackHost, isUnspecifiedHost, parseHostPattern } from './host-pattern';

test('host patterns: a name, a name and port, IPv6 with or without brackets, spelt as URLs spell them', () => {
  assert.deepEqual(parseHostPattern('Feeds.Example.com'), { host: 'feeds.example.com' });
  assert.deepEqual(parseHostPattern('feeds.example.com.:8443'), { host: 'feeds.example.com', port: 8443 });
  assert.deepEqual(parseHostPattern('127.0.0.1:4000'), { host: '127.0.0.1', port: 4000 });
  assert.deepEqual(parseHostPattern('0x7f.1'), { host: '127.0.0.1' });
  assert.deepEqual(parseHostPattern('::1'), { host: '::1' });
  assert.deepEqual(parseHostPattern('[0:0::1]:80'), { host: '::1', port: 80 });
  for (const bad of ['http://feeds.example.com', 'user@host', 'host:0', 'host:70000', 'host:', 'a b', '']) {
    assert.ok('problem' in parseHostPattern(bad), bad);
  }
});

test('a pattern without a port matches every port; with one, that port only', () => {
  const patterns = [{ host: 'feeds.example.com' }, { host: '127.0.0.1', port: 4000 }];
  assert.ok(hostMatches(patterns, 'feeds.example.com', 443));
  assert.ok(hostMatches(patterns, 'feeds.example.com', 8080));
  assert.ok(hostMatches(patterns, '127.0.0.1', 4000));
  assert.ok(!hostMatches(patterns, '127.0.0.1', 4001));
  assert.ok(!hostMatches(patterns, 'localhost', 4000), 'names are compared, not what they resolve to');
  assert.ok(!hostMatches(patterns, 'evil.feeds.example.com', 443));
});

test('canonical hosts and listening addresses', () => {
  assert.equal(canonicalHost('[::FFFF:127.0.0.1]'), '::ffff:7f00:1');
  assert.equal(canonicalHost('bad host'), undefined);
  for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) assert.ok(isLoopbackHost(host), host);
  for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com']) assert.ok(!isLoopbackHost(host), host);
  assert.ok(isUnspecifiedHost('0.0.0.0') && isUnspecifiedHost('::') && !isUnspecifiedHost('127.0.0.1'));
});
