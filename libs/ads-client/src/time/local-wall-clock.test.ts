import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localWallClock } from './local-wall-clock.js';

test('reads the date, time of day and weekday of a zone, midnight as hour 0', () => {
  // 2026-11-29T23:30:15Z is Sunday evening in UTC and already Monday in Paris.
  const instant = Date.parse('2026-11-29T23:30:15.250Z');
  assert.deepEqual(localWallClock(instant, 'UTC'), { date: '2026-11-29', hour: 23, minute: 30, second: 15, weekday: 0 });
  assert.deepEqual(localWallClock(instant, 'Europe/Paris'), { date: '2026-11-30', hour: 0, minute: 30, second: 15, weekday: 1 });
  assert.deepEqual(localWallClock(instant, 'America/New_York'), { date: '2026-11-29', hour: 18, minute: 30, second: 15, weekday: 0 });
});

test('follows daylight saving and half-hour offsets', () => {
  // Paris leaves summer time at 01:00Z on 2026-10-25: 02:59 CEST, then 02:00 CET.
  assert.equal(localWallClock(Date.parse('2026-10-25T00:59:00Z'), 'Europe/Paris').hour, 2);
  assert.equal(localWallClock(Date.parse('2026-10-25T01:00:00Z'), 'Europe/Paris').hour, 2);
  assert.equal(localWallClock(Date.parse('2026-10-25T02:00:00Z'), 'Europe/Paris').hour, 3);
  const kolkata = localWallClock(Date.parse('2026-03-01T18:29:00Z'), 'Asia/Kolkata');
  assert.deepEqual([kolkata.date, kolkata.hour, kolkata.minute, kolkata.weekday], ['2026-03-01', 23, 59, 0]);
});
