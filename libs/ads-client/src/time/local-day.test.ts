import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dayBucket } from '../redis/redis-keys.js';
import { localDay, utcHoursOfLocalDay } from './local-day.js';

const HOUR = 3_600_000;

test('a UTC day is 24 whole hours', () => {
  const day = localDay(Date.parse('2026-03-01T15:20:00Z'));
  assert.equal(day.day, '20260301');
  assert.equal(new Date(day.startMs).toISOString(), '2026-03-01T00:00:00.000Z');
  assert.equal(day.endMs - day.startMs, 24 * HOUR);
  assert.equal(utcHoursOfLocalDay(day).length, 24);
  assert.equal(utcHoursOfLocalDay(day, Date.parse('2026-03-01T15:20:00Z')).length, 16);
});

test('days around daylight-saving changes are 23 and 25 hours long', () => {
  const spring = localDay(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Paris');
  assert.equal(new Date(spring.startMs).toISOString(), '2026-03-28T23:00:00.000Z');
  assert.equal(spring.endMs - spring.startMs, 23 * HOUR);
  const autumn = localDay(Date.parse('2026-10-25T12:00:00Z'), 'Europe/Paris');
  assert.equal(new Date(autumn.startMs).toISOString(), '2026-10-24T22:00:00.000Z');
  assert.equal(autumn.endMs - autumn.startMs, 25 * HOUR);
  // Just after midnight on the spring day, before the change.
  assert.equal(localDay(Date.parse('2026-03-28T23:30:00Z'), 'Europe/Paris').startMs, spring.startMs);
});

test('a half-hour zone leaves out the UTC hour that straddles local midnight', () => {
  const day = localDay(Date.parse('2026-03-01T12:00:00Z'), 'Asia/Kolkata');
  assert.equal(day.day, '20260301');
  assert.equal(new Date(day.startMs).toISOString(), '2026-02-28T18:30:00.000Z');
  const hours = utcHoursOfLocalDay(day);
  assert.equal(hours.length, 23);
  assert.equal(new Date(hours[0]!).toISOString(), '2026-02-28T19:00:00.000Z');
});

test('the day key agrees with dayBucket in every kind of zone', () => {
  for (const zone of ['UTC', 'Europe/Paris', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
    for (let at = Date.parse('2026-03-27T00:00:00Z'); at < Date.parse('2026-04-01T00:00:00Z'); at += 3_600_000 * 7 + 123_457) {
      const day = localDay(at, zone);
      assert.equal(day.day, dayBucket(at, zone), `${zone} ${new Date(at).toISOString()}`);
      assert.ok(day.startMs <= at && at < day.endMs);
      assert.equal(dayBucket(day.startMs, zone), day.day);
      assert.notEqual(dayBucket(day.startMs - 1, zone), day.day);
    }
  }
});
