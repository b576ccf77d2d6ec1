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

/** The part of a key Redis Cluster hashes: the first non-empty `{…}`, else the whole key. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

test('the keys one command, script or transaction touches share a hash tag (one cluster slot)', () => {
  const keys = new RedisKeys('t1:');
  const groups: Record<string, string[]> = {
    // the publish and rollback scripts
    index: [keys.indexCurrent, keys.indexPrevious, keys.indexVersion('v1'), keys.indexVersion('v2')],
    // the flip script
    scores: [keys.scoresCurrent, keys.scoresPrevious, keys.scoresVersion('v1')],
    // the event script, the cap and lease scripts, the spend MGETs
    rt: [
      keys.eventSeen('d', 'a', 'impression'),
      keys.adHourCounters('a', '2026010100'),
      keys.campaignDaySpend('c', '20260101'),
      keys.campaignDaySpend('c2', '20260101'),
      keys.campaignLiveSpend('c'),
      keys.frequencyCap('u', 'c'),
      keys.frequencyCapHolds('u', 'c'),
      keys.campaignSpendLeases('c'),
      keys.eventsStream,
    ],
    // the time-series MULTI
    ts: [
      keys.timeSeriesMeta,
      keys.timeSeriesChange('ad', 'a'),
      keys.timeSeries('ad', 'a', 'hour'),
      keys.timeSeries('campaign', 'c', 'day'),
    ],
  };
  for (const [group, names] of Object.entries(groups)) {
    assert.deepEqual(new Set(names.map(hashTag)), new Set([group]), group);
    assert.ok(names.every((name) => name.startsWith('t1:')));
  }
  // BullMQ's keys are `<queuePrefix>:<queue>:…`: a braced prefix puts a queue in one slot.
  assert.equal(hashTag(`${keys.queuePrefix}:import:wait`), 'bull');
});

test('hour and day buckets', () => {
  const at = Date.parse('2026-03-01T23:30:00Z');
  assert.equal(hourBucket(at), '2026030123');
  assert.equal(dayBucket(at), '20260301');
  assert.equal(dayBucket(at, 'Europe/Paris'), '20260302');
  assert.equal(dayBucket(at, 'America/New_York'), '20260301');
});
