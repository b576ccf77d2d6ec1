import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildReportSeries, clickThroughRate, reportWindowOf } from './report-window';

const limits = { hour: 744, day: 366 };
const now = new Date('2026-06-15T12:34:00Z');
const hour = 3_600_000;

describe('report windows', () => {
  it('aligns from down and to up to whole buckets', () => {
    const result = reportWindowOf({ from: '2026-06-15T01:30:00Z', to: '2026-06-15T03:10:00Z', granularity: 'hour' }, now, limits);
    assert.ok('window' in result);
    assert.equal(new Date(result.window.fromMs).toISOString(), '2026-06-15T01:00:00.000Z');
    assert.equal(new Date(result.window.toMs).toISOString(), '2026-06-15T04:00:00.000Z');
  });

  it('defaults to the last 24 hours or 30 days, ending with the current bucket', () => {
    const byHour = reportWindowOf({ granularity: 'hour' }, now, limits);
    assert.ok('window' in byHour);
    assert.equal(new Date(byHour.window.toMs).toISOString(), '2026-06-15T13:00:00.000Z');
    assert.equal((byHour.window.toMs - byHour.window.fromMs) / hour, 24);
    const byDay = reportWindowOf({ granularity: 'day' }, now, limits);
    assert.ok('window' in byDay);
    assert.equal(new Date(byDay.window.toMs).toISOString(), '2026-06-16T00:00:00.000Z');
  });

  it('refuses empty and over-long windows, naming the field', () => {
    const empty = reportWindowOf({ from: '2026-06-15T05:00:00Z', to: '2026-06-15T05:00:00Z', granularity: 'hour' }, now, limits);
    assert.deepEqual('violations' in empty && empty.violations.map((violation) => violation.field), ['to']);
    const long = reportWindowOf({ from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z', granularity: 'hour' }, now, limits);
    assert.deepEqual('violations' in long && long.violations.map((violation) => violation.field), ['from']);
  });
});

describe('report series', () => {
  it('fills every bucket, sums totals, computes CTRs', () => {
    const fromMs = Date.parse('2026-06-15T00:00:00Z');
    const values = new Map([[fromMs + hour, { impressions: 200, viewableImpressions: 150, clicks: 5, spendMicros: 500_000 }]]);
    const series = buildReportSeries({ granularity: 'hour', fromMs, toMs: fromMs + 3 * hour, bucketMs: hour }, values);
    assert.deepEqual(
      series.points.map((point) => point.impressions),
      [0, 200, 0],
    );
    assert.equal(series.points[1]?.ctr, 0.025);
    assert.equal(series.points[1]?.bucket, '2026-06-15T01:00:00.000Z');
    assert.deepEqual(series.totals, { impressions: 200, viewableImpressions: 150, clicks: 5, spendMicros: 500_000, ctr: 0.025 });
  });

  it('has a CTR of 0 without impressions', () => {
    assert.equal(clickThroughRate({ impressions: 0, clicks: 3 }), 0);
  });
});
