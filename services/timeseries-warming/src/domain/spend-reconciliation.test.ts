import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconcileDaySpend } from './spend-reconciliation';

const HOUR = 3_600_000;
const day = Date.parse('2026-03-10T00:00:00Z');
const now = day + 10 * HOUR + 5 * 60_000; // 10:05
const settle = 15 * 60_000;
// Hours 00:00 to 10:00; 09:00 ended 5 minutes ago, so 09:00 and 10:00 are unsettled.
const hours = (database: number, live: number | null) =>
  Array.from({ length: 11 }, (_, index) => ({
    startMs: day + index * HOUR,
    databaseMicros: database,
    liveMicros: index >= 9 ? live : null,
  }));

test('a counter below the database total of settled hours is raised to it', () => {
  const outcome = reconcileDaySpend(hours(100, null), 500, now, settle);
  assert.equal(outcome.floorMicros, 1100);
  assert.equal(outcome.raiseByMicros, 600);
});

test('unsettled hours count what serving counted when the database has less', () => {
  // Settled 9 × 100, then 09:00 and 10:00 with live 300 each against the database's 100.
  const outcome = reconcileDaySpend(hours(100, 300), 0, now, settle);
  assert.equal(outcome.floorMicros, 900 + 600);
  assert.equal(outcome.raiseByMicros, 1500);
});

test('a counter above the floor is never lowered', () => {
  const outcome = reconcileDaySpend(hours(100, 150), 5_000, now, settle);
  assert.equal(outcome.raiseByMicros, 0);
});

test('settled hours trust the database even where serving counted more', () => {
  const settledOnly = hours(100, null)
    .slice(0, 9)
    .map((hour) => ({ ...hour, liveMicros: 1_000 }));
  assert.equal(reconcileDaySpend(settledOnly, 0, now, settle).floorMicros, 900);
});
