import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cachedSpanOf } from './report-cache-span';

const hour = 3_600_000;
const day = 24 * hour;
const day0 = Date.parse('2026-03-10T00:00:00Z');
const hourly = { granularity: 'hour' as const, fromMs: day0, toMs: day0 + 24 * hour, bucketMs: hour };
const daily = { granularity: 'day' as const, fromMs: day0 - 2 * day, toMs: day0 + day, bucketMs: day };

describe('cachedSpanOf', () => {
  it('answers the whole window from the cache when the warm covers it and nothing changed since', () => {
    assert.deepEqual(cachedSpanOf(hourly, { warmedFromMs: day0 - day, warmedToMs: day0 + 24 * hour, changedFromMs: null }), {
      fromMs: day0,
      toMs: day0 + 24 * hour,
    });
  });

  it('stops at the hour the database changed in after the warm', () => {
    const changed = day0 + 5 * hour;
    assert.deepEqual(cachedSpanOf(hourly, { warmedFromMs: day0, warmedToMs: day0 + 24 * hour, changedFromMs: changed }), {
      fromMs: day0,
      toMs: changed,
    });
    // By day: the whole day of that hour comes from the database.
    assert.deepEqual(cachedSpanOf(daily, { warmedFromMs: day0 - 2 * day, warmedToMs: day0 + day, changedFromMs: changed }), {
      fromMs: day0 - 2 * day,
      toMs: day0,
    });
  });

  it('leaves the hours after the warm and a day the warm covers only partly to the database', () => {
    const warmedTo = day0 + 10 * hour;
    assert.deepEqual(cachedSpanOf(hourly, { warmedFromMs: day0 - day, warmedToMs: warmedTo, changedFromMs: null }), {
      fromMs: day0,
      toMs: warmedTo,
    });
    assert.deepEqual(cachedSpanOf(daily, { warmedFromMs: day0 - day, warmedToMs: warmedTo, changedFromMs: null }), {
      fromMs: day0 - day,
      toMs: day0,
    });
  });

  it('has nothing to answer when the change or the warm leaves no whole bucket', () => {
    assert.equal(cachedSpanOf(hourly, { warmedFromMs: day0, warmedToMs: day0 + 24 * hour, changedFromMs: day0 - 3 * hour }), null);
    assert.equal(cachedSpanOf(hourly, { warmedFromMs: day0, warmedToMs: day0 + 24 * hour, changedFromMs: -Infinity }), null);
    assert.equal(cachedSpanOf(hourly, { warmedFromMs: day0 + 30 * hour, warmedToMs: day0 + 40 * hour, changedFromMs: null }), null);
    assert.equal(cachedSpanOf(daily, { warmedFromMs: day0 + hour, warmedToMs: day0 + 20 * hour, changedFromMs: null }), null);
  });
});
