import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eCpmMicros, spendPerEvent } from './pricing.js';

test('a CPM bid is its own eCPM, in micros', () => {
  // 250 cents per thousand = 2.50 per thousand = 2,500,000 micros.
  assert.equal(eCpmMicros('CPM', 250, 0.9), 2_500_000);
});

test('a CPC bid earns pCTR × 1000 × bid per thousand impressions', () => {
  // 50 cents per click at 2% CTR: 20 clicks per thousand = 10.00 = 10,000,000 micros.
  assert.equal(eCpmMicros('CPC', 50, 0.02), 10_000_000);
  assert.equal(eCpmMicros('CPC', 50, 0), 0);
});

test('a CPM impression spends a thousandth of the bid, a CPC click the whole bid', () => {
  assert.deepEqual(spendPerEvent('CPM', 250), { impressionMicros: 2_500, clickMicros: 0 });
  assert.deepEqual(spendPerEvent('CPC', 50), { impressionMicros: 0, clickMicros: 500_000 });
});
