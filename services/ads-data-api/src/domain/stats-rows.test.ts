import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DataApiError } from '../errors';
import { clickThroughRate, findStatsRowProblems, mergePlacementStatsRows, mergeStatsRows } from './stats-rows';

const ad = (n: number) => `0190a000-0000-7000-8000-00000000000${n}`;
const row = (adId: string, hour: string, impressions: number) => ({
  adId,
  hour,
  impressions,
  viewableImpressions: 1,
  clicks: 1,
  spendMicros: 10,
});

describe('mergeStatsRows', () => {
  it('sums rows of the same ad and hour, however the hour is written, and orders by ad then hour', () => {
    const columns = mergeStatsRows([
      row(ad(2), '2026-01-01T01:00:00Z', 1),
      row(ad(1), '2026-01-01T02:00:00.000Z', 2),
      row(ad(1).toUpperCase(), '2026-01-01T03:00:00+01:00', 3),
      row(ad(1), '2026-01-01T01:00:00Z', 4),
    ]);
    assert.deepEqual(columns.adIds, [ad(1), ad(1), ad(2)]);
    assert.deepEqual(
      columns.hours.map((hour) => hour.toISOString()),
      ['2026-01-01T01:00:00.000Z', '2026-01-01T02:00:00.000Z', '2026-01-01T01:00:00.000Z'],
    );
    assert.deepEqual(columns.impressions, [4, 5, 1]);
    assert.deepEqual(columns.clicks, [1, 2, 1]);
    assert.deepEqual(columns.spendMicros, ['10', '20', '10']);
  });

  it('refuses spend that adds up beyond 2^53', () => {
    const big = { ...row(ad(1), '2026-01-01T01:00:00Z', 1), spendMicros: Number.MAX_SAFE_INTEGER };
    assert.throws(
      () => mergeStatsRows([big, big]),
      (error: unknown) => error instanceof DataApiError && error.code === 'STATS_ROW_INVALID',
    );
  });
});

describe('findStatsRowProblems', () => {
  it('names the row and field of ids that are not UUIDs and of counters beyond an integer column', () => {
    const problems = findStatsRowProblems([row(ad(1), '2026-01-01T01:00:00Z', 1), row('nope', '2026-01-01T01:00:00Z', 2 ** 31)]);
    assert.deepEqual(
      problems.map((problem) => problem.path),
      [
        ['rows', 1, 'adId'],
        ['rows', 1, 'impressions'],
      ],
    );
  });
});

describe('clickThroughRate', () => {
  it('is clicks over impressions, 0 without impressions', () => {
    assert.equal(clickThroughRate(5, 100), 0.05);
    assert.equal(clickThroughRate(3, 0), 0);
  });
});

describe('mergePlacementStatsRows', () => {
  it('sums rows per placement key, ad and hour, and leaves out rows without a key a placement can have', () => {
    const at = (placementKey: string | undefined, adId: string, impressions: number) => ({
      ...row(adId, '2026-01-01T01:00:00Z', impressions),
      ...(placementKey === undefined ? {} : { placementKey }),
    });
    const columns = mergePlacementStatsRows([
      at('home.top', ad(2), 1),
      at('article.side', ad(1), 2),
      at('home.top', ad(2).toUpperCase(), 3),
      at(undefined, ad(1), 4),
      at('Not A Key,{}', ad(1), 5),
    ]);
    assert.deepEqual(columns.placementKeys, ['article.side', 'home.top']);
    assert.deepEqual(columns.adIds, [ad(1), ad(2)]);
    assert.deepEqual(columns.impressions, [2, 4]);
    assert.deepEqual(columns.spendMicros, ['10', '20']);
  });
});
