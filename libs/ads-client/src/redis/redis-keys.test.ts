import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RedisKeys, dayBucket, hourBucket } from './redis-keys.js';

test('keys carry the prefix and stay distinct', () => {
  const keys = new RedisKeys('t1:');
  const names = [
    keys.indexCurrent,
    keys.indexVersion('v1'),
    keys.eventsStream,
    keys.frequencyCap('u', 'c'),
    keys.adHourCounters('a', '2026010100'),
  ];
  assert.ok(names.every((name) => name.startsWith('t1:')));
  assert.equal(new Set(names).size, names.length);
});

test('hour and day buckets', () => {
  const at = Date.parse('2026-03-01T23:30:00Z');
  assert.equal(hourBucket(at), '2026030123');
  assert.equal(dayBucket(at), '20260301');
  assert.equal(dayBucket(at, 'Europe/Paris'), '20260302');
  assert.equal(dayBucket(at, 'America/New_York'), '20260301');
});
