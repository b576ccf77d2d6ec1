import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pacingFactor } from './pacing-factor';
import type { PacingInput } from './pacing-factor';

const HOUR = 3_600_000;
const dayStart = Date.parse('2026-03-10T00:00:00Z');
const bounds = { min: 0.5, max: 2, damping: 0.05 };
// Noon: half of a 100.00 daily budget (10,000 cents = 100,000,000 micros) should be spent.
const base: PacingInput = {
  pacing: 'even',
  dailyBudgetMinor: 10_000,
  totalBudgetMinor: 0,
  spentBeforeTodayMicros: 0,
  todaySpendMicros: 50_000_000,
  flightStartMs: dayStart - 10 * 24 * HOUR,
  flightEndMs: dayStart + 10 * 24 * HOUR,
  dayStartMs: dayStart,
  dayEndMs: dayStart + 24 * HOUR,
  nowMs: dayStart + 12 * HOUR,
};

test('on plan the factor is 1', () => {
  const outcome = pacingFactor(base, bounds);
  assert.equal(outcome.reason, 'paced');
  assert.ok(Math.abs(outcome.factor - 1) < 1e-9);
  assert.equal(outcome.expectedByNowMicros, 50_000_000);
});

test('behind plan speeds up, ahead of plan slows down, both clamped', () => {
  const behind = pacingFactor({ ...base, todaySpendMicros: 30_000_000 }, bounds).factor;
  const ahead = pacingFactor({ ...base, todaySpendMicros: 70_000_000 }, bounds).factor;
  assert.ok(behind > 1 && behind < 2, `behind: ${behind}`);
  assert.ok(ahead < 1 && ahead > 0.5, `ahead: ${ahead}`);
  assert.equal(pacingFactor({ ...base, todaySpendMicros: 0 }, bounds).factor, 2);
  assert.equal(pacingFactor({ ...base, todaySpendMicros: 99_000_000 }, { ...bounds, min: 0.6 }).factor, 0.6);
});

test('a spent daily budget gets the minimum', () => {
  const outcome = pacingFactor({ ...base, todaySpendMicros: 100_000_000 }, bounds);
  assert.deepEqual([outcome.factor, outcome.reason], [0.5, 'budget-spent']);
});

test('a lifetime budget is spread over the flight time left', () => {
  // 1,000.00 left over 10 days from today's start: 100.00 today, like the daily budget above.
  const lifetime = pacingFactor(
    { ...base, dailyBudgetMinor: null, totalBudgetMinor: 200_000, spentBeforeTodayMicros: 1_000_000_000 },
    bounds,
  );
  assert.equal(lifetime.plannedTodayMicros, 100_000_000);
  assert.ok(Math.abs(lifetime.factor - 1) < 1e-9);
  // The smaller of the daily budget and the lifetime share is the plan.
  const both = pacingFactor({ ...base, dailyBudgetMinor: 5_000, totalBudgetMinor: 200_000, spentBeforeTodayMicros: 1_000_000_000 }, bounds);
  assert.equal(both.plannedTodayMicros, 50_000_000);
});

test('asap, unbudgeted and out-of-flight campaigns are left at 1', () => {
  assert.deepEqual(pacingFactor({ ...base, pacing: 'asap', todaySpendMicros: 0 }, bounds).reason, 'asap');
  assert.equal(pacingFactor({ ...base, pacing: 'asap', todaySpendMicros: 0 }, bounds).factor, 1);
  assert.equal(pacingFactor({ ...base, dailyBudgetMinor: null }, bounds).reason, 'no-budget');
  const ended = pacingFactor({ ...base, flightEndMs: dayStart + 6 * HOUR }, bounds);
  assert.deepEqual([ended.factor, ended.reason], [1, 'outside-flight']);
});

test('the first minutes of a day do not swing to a bound', () => {
  const early = pacingFactor({ ...base, nowMs: dayStart + 5 * 60_000, todaySpendMicros: 0 }, bounds).factor;
  assert.ok(early < 1.2, `early factor ${early}`);
});
