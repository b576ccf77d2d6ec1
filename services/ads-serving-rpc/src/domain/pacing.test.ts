import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pacingVerdict, type CampaignBudget } from './pacing';

const day = { startMs: Date.parse('2026-03-02T00:00:00Z'), endMs: Date.parse('2026-03-03T00:00:00Z') };
const noon = Date.parse('2026-03-02T12:00:00Z');
const budget = (overrides: Partial<CampaignBudget>): CampaignBudget => ({
  totalBudgetMicros: 10 ** 12,
  dailyBudgetMicros: null,
  spendsNothing: false,
  pacing: 'even',
  flightEndMs: Date.parse('2026-03-12T00:00:00Z'),
  ...overrides,
});

test('nothing serves once the total or the daily budget is spent, whatever the pacing', () => {
  for (const pacing of ['even', 'asap'] as const) {
    assert.equal(pacingVerdict(budget({ pacing, totalBudgetMicros: 1_000 }), { totalSpentMicros: 1_000, todaySpentMicros: 0 }, day, noon), 'total-budget-spent');
    assert.equal(pacingVerdict(budget({ pacing, dailyBudgetMicros: 500 }), { totalSpentMicros: 500, todaySpentMicros: 500 }, day, noon), 'daily-budget-spent');
  }
});

test('asap spends until the budget is gone', () => {
  const asap = budget({ pacing: 'asap', dailyBudgetMicros: 1_000_000 });
  assert.equal(pacingVerdict(asap, { totalSpentMicros: 999_999, todaySpentMicros: 999_999 }, day, Date.parse('2026-03-02T01:00:00Z')), 'open');
});

test('even pacing holds today\'s spend to the pro-rated daily budget plus one hour\'s lead', () => {
  const even = budget({ dailyBudgetMicros: 2_400_000 });
  // At noon, half the day (1,200,000) plus one hour (100,000) may be spent.
  assert.equal(pacingVerdict(even, { totalSpentMicros: 1_299_999, todaySpentMicros: 1_299_999 }, day, noon), 'open');
  assert.equal(pacingVerdict(even, { totalSpentMicros: 1_300_000, todaySpentMicros: 1_300_000 }, day, noon), 'ahead-of-even-pace');
  // Just after midnight the lead lets it start.
  assert.equal(pacingVerdict(even, { totalSpentMicros: 0, todaySpentMicros: 0 }, day, day.startMs), 'open');
});

test('even pacing without a daily budget spreads the remaining total over the remaining flight days', () => {
  // 10 days left including today, 10,000,000 left at the start of today: 1,000,000 today.
  const even = budget({ totalBudgetMicros: 12_000_000 });
  const spentBeforeToday = 2_000_000;
  assert.equal(pacingVerdict(even, { totalSpentMicros: spentBeforeToday + 540_000, todaySpentMicros: 540_000 }, day, noon), 'open');
  assert.equal(pacingVerdict(even, { totalSpentMicros: spentBeforeToday + 550_000, todaySpentMicros: 550_000 }, day, noon), 'ahead-of-even-pace');
});

test('a campaign that spends nothing (bid 0) is never held back by its budgets', () => {
  const house = budget({ spendsNothing: true, totalBudgetMicros: 0, dailyBudgetMicros: 0 });
  assert.equal(pacingVerdict(house, { totalSpentMicros: 0, todaySpentMicros: 0 }, day, noon), 'open');
  assert.equal(pacingVerdict(budget({ totalBudgetMicros: 0 }), { totalSpentMicros: 0, todaySpentMicros: 0 }, day, noon), 'total-budget-spent');
});
