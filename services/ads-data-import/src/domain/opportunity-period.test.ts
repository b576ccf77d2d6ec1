import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPPORTUNITY_SETTLE_MS } from '@ads/ads-client';
import {
  isOpportunityPeriodSettled,
  opportunityHourChunks,
  opportunitySampleThreshold,
  parseOpportunityPeriod,
} from './opportunity-period';

test('pending members read as hours and days; anything else is not a period', () => {
  const hour = parseOpportunityPeriod('h:2026120423');
  assert.deepEqual(hour, {
    kind: 'hour',
    member: 'h:2026120423',
    bucket: '2026120423',
    start: Date.UTC(2026, 11, 4, 23),
    end: Date.UTC(2026, 11, 5, 0),
    hour: '2026-12-04T23:00:00.000Z',
  });
  const day = parseOpportunityPeriod('d:20261231');
  assert.equal(day?.kind, 'day');
  assert.equal(day?.kind === 'day' ? day.day : undefined, '2026-12-31');
  assert.equal(day?.end, Date.UTC(2027, 0, 1));
  assert.deepEqual(day?.kind === 'day' ? [day.hourBuckets[0], day.hourBuckets[23], day.hourBuckets.length] : [], [
    '2026123100',
    '2026123123',
    24,
  ]);
  for (const member of ['h:20261204', 'd:2026120423', 'h:2026120424', 'd:20260230', 'x:20261204', 'h:2026-12-04', '']) {
    assert.equal(parseOpportunityPeriod(member), undefined, member);
  }
});

test('a period settles once it closed OPPORTUNITY_SETTLE_MS ago', () => {
  const hour = parseOpportunityPeriod('h:2026120410')!;
  assert.equal(isOpportunityPeriodSettled(hour, hour.end + OPPORTUNITY_SETTLE_MS - 1), false);
  assert.equal(isOpportunityPeriodSettled(hour, hour.end + OPPORTUNITY_SETTLE_MS), true);
});

test('the sample threshold: 1 when the sample holds every request, else its highest priority', () => {
  assert.equal(opportunitySampleThreshold(120, 120, 0.93), 1);
  assert.equal(opportunitySampleThreshold(2_000, 50_000, 0.04), 0.04);
  assert.equal(opportunitySampleThreshold(3, 10, 0), Number.MIN_VALUE);
  assert.equal(opportunitySampleThreshold(0, 0, undefined), 1);
});

test('an hour is sent in calls of at most 10,000 placements', () => {
  const entries = Array.from({ length: 25_001 }, (_, index) => index);
  assert.deepEqual(
    opportunityHourChunks(entries).map((chunk) => chunk.length),
    [10_000, 10_000, 5_001],
  );
  assert.deepEqual(opportunityHourChunks([]), []);
});
