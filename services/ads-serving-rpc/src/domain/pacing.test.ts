import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localDay } from '@ads/ads-client';
import { pacingVerdict, totalSpentMicros, type CampaignBudget } from './pacing';

const day = { startMs: Date.parse('2026-03-02T00:00:00Z'), endMs: Date.parse('2026-03-03T00:00:00Z') };
const noon = Date.parse('2026-03-02T12:00:00Z');
const budget = (overrides: Partial<CampaignBudget>): CampaignBudget => ({
  totalBudgetMicros: 10 ** 12,
  dailyBudgetMicros: null,
  spendsNothing: false,
  pacing: 'even',
  flightStartMs: Date.parse('2026-03-01T00:00:00Z'),
  flightEndMs: Date.parse('2026-03-12T00:00:00Z'),
  hours: [],
  timeZone: 'UTC',
  ...overrides,
});

test('nothing serves once the total or the daily budget is spent, whatever the pacing', () => {
  for (const pacing of ['even', 'asap'] as const) {
    assert.equal(
      pacingVerdict(budget({ pacing, totalBudgetMicros: 1_000 }), { totalSpentMicros: 1_000, todaySpentMicros: 0 }, day, noon),
      'total-budget-spent',
    );
    assert.equal(
      pacingVerdict(budget({ pacing, dailyBudgetMicros: 500 }), { totalSpentMicros: 500, todaySpentMicros: 500 }, day, noon),
      'daily-budget-spent',
    );
  }
});

test('asap spends until the budget is gone', () => {
  const asap = budget({ pacing: 'asap', dailyBudgetMicros: 1_000_000 });
  assert.equal(
    pacingVerdict(asap, { totalSpentMicros: 999_999, todaySpentMicros: 999_999 }, day, Date.parse('2026-03-02T01:00:00Z')),
    'open',
  );
});

test("even pacing holds today's spend to the pro-rated daily budget plus one hour's lead", () => {
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
  assert.equal(
    pacingVerdict(even, { totalSpentMicros: spentBeforeToday + 550_000, todaySpentMicros: 550_000 }, day, noon),
    'ahead-of-even-pace',
  );
});

test('a campaign that spends nothing (bid 0) is never held back by its budgets', () => {
  const house = budget({ spendsNothing: true, totalBudgetMicros: 0, dailyBudgetMicros: 0 });
  assert.equal(pacingVerdict(house, { totalSpentMicros: 0, todaySpentMicros: 0 }, day, noon), 'open');
  assert.equal(
    pacingVerdict(budget({ totalBudgetMicros: 0 }), { totalSpentMicros: 0, todaySpentMicros: 0 }, day, noon),
    'total-budget-spent',
  );
});

/** The verdict for `todaySpentMicros` spent today (and nothing before today). */
const verdictAt = (campaign: CampaignBudget, todaySpentMicros: number, iso: string, today = day) =>
  pacingVerdict(campaign, { totalSpentMicros: todaySpentMicros, todaySpentMicros }, today, Date.parse(iso));

test('even pacing of a day-parted campaign pro-rates the day over its active hours, not the whole day', () => {
  const nineToFive = budget({ dailyBudgetMicros: 2_400_000, hours: [9, 10, 11, 12, 13, 14, 15, 16] });
  // At 09:00:01 only the lead (1/24 of the day's budget, 100,000) may be spent, not 10/24 of it.
  assert.equal(verdictAt(nineToFive, 99_000, '2026-03-02T09:00:01Z'), 'open');
  assert.equal(verdictAt(nineToFive, 150_000, '2026-03-02T09:00:01Z'), 'ahead-of-even-pace');
  // Half way through the window (13:00): half the budget plus the lead.
  assert.equal(verdictAt(nineToFive, 1_299_999, '2026-03-02T13:00:00Z'), 'open');
  assert.equal(verdictAt(nineToFive, 1_300_000, '2026-03-02T13:00:00Z'), 'ahead-of-even-pace');
  // By the end of the window the whole budget may be spent, not 18/24 of it.
  assert.equal(verdictAt(nineToFive, 2_300_000, '2026-03-02T16:59:59Z'), 'open');
});

test('hours apart from each other add up to one window, and the same hour twice counts once', () => {
  const split = budget({ dailyBudgetMicros: 2_400_000, hours: [16, 9, 10, 15, 9] });
  // 09-11 and 15-17: at 15:00 two of the four hours are past.
  assert.equal(verdictAt(split, 1_299_999, '2026-03-02T15:00:00Z'), 'open');
  assert.equal(verdictAt(split, 1_300_000, '2026-03-02T15:00:00Z'), 'ahead-of-even-pace');
  // Between the two parts nothing more opens up.
  assert.equal(verdictAt(split, 1_300_000, '2026-03-02T13:00:00Z'), 'ahead-of-even-pace');
});

test("active hours are hours of the campaign's time zone, daylight-saving days included", () => {
  const nineToFive = { dailyBudgetMicros: 2_400_000, hours: [9, 10, 11, 12, 13, 14, 15, 16], timeZone: 'America/New_York' };
  const inNewYork = (iso: string) => localDay(Date.parse(iso), 'America/New_York');
  // 2 March 2026 (UTC-5): 09:00-17:00 is 14:00-22:00 UTC; half way at 18:00 UTC.
  assert.equal(verdictAt(budget(nineToFive), 1_299_999, '2026-03-02T18:00:00Z', inNewYork('2026-03-02T18:00:00Z')), 'open');
  assert.equal(verdictAt(budget(nineToFive), 1_300_000, '2026-03-02T18:00:00Z', inNewYork('2026-03-02T18:00:00Z')), 'ahead-of-even-pace');
  // 8 March 2026 has 23 hours (02:00 does not exist): 09:00-17:00 EDT is 13:00-21:00 UTC; half way at 17:00 UTC.
  const springForward = inNewYork('2026-03-08T17:00:00Z');
  assert.equal(springForward.endMs - springForward.startMs, 23 * 3_600_000);
  assert.equal(verdictAt(budget(nineToFive), 1_299_999, '2026-03-08T17:00:00Z', springForward), 'open');
  assert.equal(verdictAt(budget(nineToFive), 1_300_000, '2026-03-08T17:00:00Z', springForward), 'ahead-of-even-pace');
  // 1 November 2026 has 25 hours: 01:00-02:00 comes twice (05:00-07:00 UTC), and a campaign of that hour has two hours.
  const fallBack = inNewYork('2026-11-01T06:00:00Z');
  const oneAm = budget({
    dailyBudgetMicros: 2_400_000,
    hours: [1],
    timeZone: 'America/New_York',
    flightEndMs: Date.parse('2026-12-01T00:00:00Z'),
  });
  assert.equal(verdictAt(oneAm, 1_299_999, '2026-11-01T06:00:00Z', fallBack), 'open');
  assert.equal(verdictAt(oneAm, 1_300_000, '2026-11-01T06:00:00Z', fallBack), 'ahead-of-even-pace');
});

test('a flight that starts or ends during the day is paced over the part of the day it runs', () => {
  // Starts at 18:00: at 18:00:01 only the lead is open, not 19/24 of the budget; half way at 21:00.
  const lateStart = budget({ dailyBudgetMicros: 2_400_000, flightStartMs: Date.parse('2026-03-02T18:00:00Z') });
  assert.equal(verdictAt(lateStart, 150_000, '2026-03-02T18:00:01Z'), 'ahead-of-even-pace');
  assert.equal(verdictAt(lateStart, 1_299_999, '2026-03-02T21:00:00Z'), 'open');
  assert.equal(verdictAt(lateStart, 1_300_000, '2026-03-02T21:00:00Z'), 'ahead-of-even-pace');
  // Ends at noon: at 11:00, 11/12 of the budget plus the lead (2,300,000), not 12/24 of it.
  const earlyEnd = budget({ dailyBudgetMicros: 2_400_000, flightEndMs: Date.parse('2026-03-02T12:00:00Z') });
  assert.equal(verdictAt(earlyEnd, 2_299_999, '2026-03-02T11:00:00Z'), 'open');
  assert.equal(verdictAt(earlyEnd, 2_300_000, '2026-03-02T11:00:00Z'), 'ahead-of-even-pace');
  // With hours: 09-17 and a flight starting at 13:00 leave four hours; half way at 15:00.
  const both = budget({
    dailyBudgetMicros: 2_400_000,
    hours: [9, 10, 11, 12, 13, 14, 15, 16],
    flightStartMs: Date.parse('2026-03-02T13:00:00Z'),
  });
  assert.equal(verdictAt(both, 1_299_999, '2026-03-02T15:00:00Z'), 'open');
  assert.equal(verdictAt(both, 1_300_000, '2026-03-02T15:00:00Z'), 'ahead-of-even-pace');
});

test('without a daily budget, a part day of the flight gets its part of the remaining total', () => {
  // Noon on 2 March to noon on 4 March: 48 hours, 12 of them on 2 March, so 3,000,000 of 12,000,000.
  const flight = {
    totalBudgetMicros: 12_000_000,
    flightStartMs: Date.parse('2026-03-02T12:00:00Z'),
    flightEndMs: Date.parse('2026-03-04T12:00:00Z'),
  };
  // At 18:00 half of that plus the lead (1,625,000).
  assert.equal(verdictAt(budget(flight), 1_624_999, '2026-03-02T18:00:00Z'), 'open');
  assert.equal(verdictAt(budget(flight), 1_625_000, '2026-03-02T18:00:00Z'), 'ahead-of-even-pace');
  // On the last (half) day everything left is the day's target: 6,000,000 left, half way at 06:00.
  const lastDay = { startMs: Date.parse('2026-03-04T00:00:00Z'), endMs: Date.parse('2026-03-05T00:00:00Z') };
  const spentBefore = 6_000_000;
  const at6 = Date.parse('2026-03-04T06:00:00Z');
  assert.equal(
    pacingVerdict(budget(flight), { totalSpentMicros: spentBefore + 3_249_999, todaySpentMicros: 3_249_999 }, lastDay, at6),
    'open',
  );
  assert.equal(
    pacingVerdict(budget(flight), { totalSpentMicros: spentBefore + 3_250_000, todaySpentMicros: 3_250_000 }, lastDay, at6),
    'ahead-of-even-pace',
  );
  // Day-parted 09-17 over whole days: 10 days of 8 hours, 1,000,000 a day as before.
  const dayParted = budget({ totalBudgetMicros: 10_000_000, hours: [9, 10, 11, 12, 13, 14, 15, 16], flightStartMs: day.startMs });
  assert.equal(verdictAt(dayParted, 541_666, '2026-03-02T13:00:00Z'), 'open');
  assert.equal(verdictAt(dayParted, 541_667, '2026-03-02T13:00:00Z'), 'ahead-of-even-pace');
});

test('total spend is at least the lifetime live counter, and the spend since the snapshot when Redis lost the counter', () => {
  const dollars = 1_000_000;
  // The roll-up is behind: the database holds $60 of the $90 the counter holds.
  assert.equal(totalSpentMicros({ spentMicros: 60 * dollars, liveSpendBaselineMicros: 90 * dollars }, 90 * dollars), 90 * dollars);
  // The roll-up caught up: the database holds the counter's $90; $5 since.
  assert.equal(totalSpentMicros({ spentMicros: 90 * dollars, liveSpendBaselineMicros: 90 * dollars }, 95 * dollars), 95 * dollars);
  // Redis lost the counter before the snapshot: $60 in the database, $10 counted since.
  assert.equal(totalSpentMicros({ spentMicros: 60 * dollars, liveSpendBaselineMicros: 0 }, 10 * dollars), 70 * dollars);
});
