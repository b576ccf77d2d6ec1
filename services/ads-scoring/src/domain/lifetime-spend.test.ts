import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitLifetimeSpend } from './lifetime-spend';
import { pacingFactor } from './pacing-factor';

const HOUR = 3_600_000;
const dayStart = Date.parse('2026-03-10T00:00:00Z');
const bounds = { min: 0.5, max: 2, damping: 0.05 };
// A lifetime-only even campaign: 2,000.00 over 20 days, 1,000.00 spent before today, so 100.00
// planned today; at 22:00 it has spent exactly 22/24 of that.
const beforeToday = 1_000_000_000;
const todayOnPlan = (100_000_000 * 22) / 24;

function factorAt22(sources: { counterMicros: number; seriesMicros: number }) {
  const split = splitLifetimeSpend({ spentMicros: beforeToday + todayOnPlan, ...sources });
  return pacingFactor(
    {
      pacing: 'even',
      dailyBudgetMinor: null,
      totalBudgetMinor: 200_000,
      ...split,
      flightStartMs: dayStart - 10 * 24 * HOUR,
      flightEndMs: dayStart + 10 * 24 * HOUR,
      dayStartMs: dayStart,
      dayEndMs: dayStart + 24 * HOUR,
      nowMs: dayStart + 22 * HOUR,
    },
    bounds,
  );
}

test('with timeseries-warming down, today is not counted again as spend before today', () => {
  const outcome = factorAt22({ counterMicros: todayOnPlan, seriesMicros: 0 });
  assert.equal(outcome.reason, 'paced');
  assert.equal(outcome.plannedTodayMicros, 100_000_000);
  assert.ok(Math.abs(outcome.factor - 1) < 1e-9, `${outcome.factor}`);
});

test('with the warmed series behind (last warm at 10:00), the campaign is still on plan', () => {
  const outcome = factorAt22({ counterMicros: todayOnPlan, seriesMicros: (100_000_000 * 10) / 24 });
  assert.ok(Math.abs(outcome.factor - 1) < 1e-9, `${outcome.factor}`);
});

test('with a current series and counter the split adds up to the lifetime spend', () => {
  const split = splitLifetimeSpend({ spentMicros: 1_500, counterMicros: 400, seriesMicros: 380 });
  assert.deepEqual(split, { spentBeforeTodayMicros: 1_100, todaySpendMicros: 400 });
  // Neither source of today (no serving, no warm): the lifetime spend is all before today.
  assert.deepEqual(splitLifetimeSpend({ spentMicros: 1_500, counterMicros: 0, seriesMicros: 0 }), {
    spentBeforeTodayMicros: 1_500,
    todaySpendMicros: 0,
  });
  // A counter ahead of a lagging database never makes the spend before today negative.
  assert.deepEqual(splitLifetimeSpend({ spentMicros: 300, counterMicros: 400, seriesMicros: 0 }), {
    spentBeforeTodayMicros: 0,
    todaySpendMicros: 400,
  });
});
