import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audienceMatches, compileAudienceTargeting } from './audience-targeting';
import { dayPartingAllows } from './day-parting';
import { frequencyCapAllows, impressionsInWindow } from './frequency-cap';
import { flightIsLive } from './flight';
import { ZoneClock } from './zone-clock';

test('country, device and keyword targeting; an unknown country matches only untargeted campaigns', () => {
  const targeted = compileAudienceTargeting({ countries: ['US', 'CA'], devices: ['mobile'], keywords: ['Running', 'shoes'] });
  assert.ok(audienceMatches(targeted, { country: 'US', device: 'mobile', keywords: ['shoes', 'sale'] }));
  assert.ok(!audienceMatches(targeted, { country: 'FR', device: 'mobile', keywords: ['shoes'] }), 'wrong country');
  assert.ok(!audienceMatches(targeted, { country: 'US', device: 'desktop', keywords: ['shoes'] }), 'wrong device');
  assert.ok(!audienceMatches(targeted, { country: 'US', device: 'mobile', keywords: ['hats'] }), 'no shared keyword');
  assert.ok(audienceMatches(targeted, { country: 'CA', device: 'mobile', keywords: ['running'] }), 'keywords compare lower-cased');
  assert.ok(!audienceMatches(targeted, { country: undefined, device: 'mobile', keywords: ['shoes'] }), 'unknown country');
  const open = compileAudienceTargeting({ countries: [], devices: [], keywords: [] });
  assert.ok(audienceMatches(open, { country: undefined, device: undefined, keywords: [] }));
});

test("day-parting is evaluated in the campaign's time zone, across daylight saving", () => {
  const clock = new ZoneClock();
  const nineToFive = [9, 10, 11, 12, 13, 14, 15, 16];
  // 14:30 UTC is 09:30 in New York in winter (UTC-5) and 10:30 in summer (UTC-4).
  assert.ok(dayPartingAllows(nineToFive, [], clock.at('America/New_York', Date.parse('2026-03-02T14:30:00Z'))));
  assert.ok(!dayPartingAllows(nineToFive, [], clock.at('America/New_York', Date.parse('2026-03-02T13:30:00Z'))), '08:30 local');
  assert.ok(dayPartingAllows(nineToFive, [], clock.at('America/New_York', Date.parse('2026-07-01T13:30:00Z'))), '09:30 EDT');
  assert.ok(!dayPartingAllows(nineToFive, [], clock.at('UTC', Date.parse('2026-07-01T08:30:00Z'))));
  // Monday 2 March 2026 at 23:30 UTC is already Tuesday in Tokyo.
  const tokyo = clock.at('Asia/Tokyo', Date.parse('2026-03-02T23:30:00Z'));
  assert.equal(tokyo.weekday, 2);
  assert.equal(tokyo.day, '20260303');
  assert.ok(dayPartingAllows([], [2], tokyo));
  assert.ok(!dayPartingAllows([], [1], tokyo));
});

test('the zone clock recomputes at the next local hour', () => {
  const clock = new ZoneClock();
  assert.equal(clock.at('Asia/Kolkata', Date.parse('2026-03-02T03:29:59Z')).hour, 8);
  assert.equal(clock.at('Asia/Kolkata', Date.parse('2026-03-02T03:30:00Z')).hour, 9, 'UTC+5:30 changes hour at :30 UTC');
});

test('flights and frequency caps over a sliding window', () => {
  assert.ok(flightIsLive(1_000, 2_000, 1_000));
  assert.ok(!flightIsLive(1_000, 2_000, 2_000));
  const now = 1_000_000;
  const times = [now - 3_600_001, now - 3_000_000, now - 10];
  assert.equal(impressionsInWindow(times, 3_600_000, now), 2);
  assert.ok(!frequencyCapAllows({ count: 2, windowMs: 3_600_000 }, 2));
  assert.ok(frequencyCapAllows({ count: 3, windowMs: 3_600_000 }, 2));
  assert.ok(frequencyCapAllows(null, 1000));
});
