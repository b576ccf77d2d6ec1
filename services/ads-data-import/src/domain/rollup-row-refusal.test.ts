import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrackingEvent } from '@ads/ads-client';
import type { HourlyAdStats } from './rollup-aggregation';
import { entryIdsOfRows, eventsOfRow, rowRefusalsOf } from './rollup-row-refusal';

const hour = '2026-03-01T10:00:00.000Z';
const row = (adId: string, overrides: Partial<HourlyAdStats> = {}): HourlyAdStats => ({
  adId,
  hour,
  impressions: 2,
  viewableImpressions: 1,
  clicks: 1,
  spendMicros: 3_000,
  ...overrides,
});
const rows = [row('ad-a'), row('ad-b'), row('ad-b', { hour: '2026-03-01T11:00:00.000Z' }), row('ad-c')];
const issue = (path: (string | number)[], message = 'refused') => ({ path, message, code: 'custom' });

test('issues naming rows split into unknown ads and rows refused for their own values', () => {
  const refusals = rowRefusalsOf(
    [
      issue(['rows', 1, 'adId'], 'no ad has id ad-b'),
      issue(['rows', 3, 'hour'], 'Invalid ISO datetime'),
      issue(['rows', 3, 'spendMicros'], 'Too big'),
    ],
    rows,
  );
  assert.deepEqual(refusals, {
    unknownAdIds: new Set(['ad-b']),
    refusedRows: new Map([[3, ['hour: Invalid ISO datetime', 'spendMicros: Too big']]]),
  });
});

test('an issue about the batch, the whole row list or an unknown field refuses nothing row by row', () => {
  for (const issues of [
    [issue(['batchId'])],
    [issue(['rows'], 'a counter would exceed 2147483647 for one ad and hour')],
    [issue(['rows', 0, 'hour']), issue(['rows'])],
    [issue(['rows', 9, 'hour'])],
    [issue(['rows', '0', 'hour'])],
    [issue(['rows', 0, 'campaignId'])],
    [issue(['rows', 0])],
    [],
  ]) {
    assert.equal(rowRefusalsOf(issues, rows), undefined, JSON.stringify(issues));
  }
});

test('the entries of rows are those of the same ad and UTC hour', () => {
  const event = (adId: string, at: number) => ({ adId, at }) as TrackingEvent;
  const events = [
    event('ad-b', Date.parse(hour) + 59 * 60_000),
    event('ad-b', Date.parse(hour) + 3_600_000),
    event('ad-a', Date.parse(hour)),
    event('ad-b', Date.parse(hour)),
  ];
  const entryIds = ['1-0', '2-0', '3-0', '4-0'];
  assert.deepEqual(entryIdsOfRows(entryIds, events, [rows[1]!]), ['1-0', '4-0']);
  assert.deepEqual(entryIdsOfRows(entryIds, events, [rows[0]!, rows[2]!]), ['2-0', '3-0']);
  assert.equal(eventsOfRow(rows[0]!), 4);
});

test('the entries of a row with a placement are those served on that placement', () => {
  const event = (adId: string, placementKey: string) => ({ adId, placementKey, at: Date.parse(hour) }) as TrackingEvent;
  const events = [event('ad-b', 'home.top'), event('ad-b', 'article.side'), event('ad-b', 'home.top')];
  const row = { ...rows[1]!, placementKey: 'home.top' };
  assert.deepEqual(entryIdsOfRows(['1-0', '2-0', '3-0'], events, [row]), ['1-0', '3-0']);
});
