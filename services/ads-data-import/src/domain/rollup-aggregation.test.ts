import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrackingEvent } from '@ads/ads-client';
import { aggregateTrackingEvents } from './rollup-aggregation';

const at = Date.UTC(2026, 2, 1, 10, 15);
let counter = 0;
function event(overrides: Partial<TrackingEvent>): TrackingEvent {
  counter += 1;
  return {
    type: 'impression',
    eventId: `ev-${counter}`,
    decisionId: `dec-${counter}`,
    adId: 'ad-b',
    campaignId: 'camp-1',
    advertiserId: 'adv-1',
    placementKey: 'home.top',
    userKey: 'user-12345678',
    at,
    spendMicros: 0,
    ...overrides,
  };
}

test('events add up per ad, placement and UTC hour, by type, with spend', () => {
  const aggregate = aggregateTrackingEvents([
    event({ type: 'impression', spendMicros: 1500 }),
    event({ type: 'impression', spendMicros: 1500 }),
    event({ type: 'viewable' }),
    event({ type: 'click', spendMicros: 250_000 }),
    event({ type: 'impression', at: at + 3_600_000, spendMicros: 1500 }),
    event({ type: 'impression', adId: 'ad-a' }),
    event({ type: 'impression', placementKey: 'article.side', spendMicros: 1500 }),
  ]);
  assert.equal(aggregate.events, 7);
  assert.equal(aggregate.duplicates, 0);
  const row = (adId: string, placementKey: string, hour: string, counters: number[]) => {
    const [impressions, viewableImpressions, clicks, spendMicros] = counters;
    return { adId, placementKey, hour: `2026-03-01T${hour}:00:00.000Z`, impressions, viewableImpressions, clicks, spendMicros };
  };
  assert.deepEqual(aggregate.rows, [
    row('ad-a', 'home.top', '10', [1, 0, 0, 0]),
    row('ad-b', 'article.side', '10', [1, 0, 0, 1500]),
    row('ad-b', 'home.top', '10', [2, 1, 1, 253_000]),
    row('ad-b', 'home.top', '11', [1, 0, 0, 1500]),
  ]);
});

test('an hour boundary belongs to the new hour', () => {
  const hour = Date.UTC(2026, 2, 1, 11);
  const { rows } = aggregateTrackingEvents([event({ at: hour - 1 }), event({ at: hour })]);
  assert.deepEqual(
    rows.map((row) => row.hour),
    ['2026-03-01T10:00:00.000Z', '2026-03-01T11:00:00.000Z'],
  );
});

test('the same event twice in a batch is counted once', () => {
  const impression = event({ spendMicros: 1500 });
  const aggregate = aggregateTrackingEvents([impression, impression, { ...impression, type: 'viewable', spendMicros: 0 }]);
  assert.equal(aggregate.events, 2);
  assert.equal(aggregate.duplicates, 1);
  assert.deepEqual(
    aggregate.rows.map((row) => [row.impressions, row.viewableImpressions, row.spendMicros]),
    [[1, 1, 1500]],
  );
});

test('no events give no rows', () => {
  assert.deepEqual(aggregateTrackingEvents([]), { rows: [], events: 0, duplicates: 0 });
});
