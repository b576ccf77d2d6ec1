/** A campaign's budget as pacing needs it, in micros. */
export interface CampaignBudget {
  totalBudgetMicros: number;
  /** Null: no daily limit. */
  dailyBudgetMicros: number | null;
  /** Bid of 0 (house ads, typically): the campaign spends nothing, so budgets cannot run out. */
  spendsNothing: boolean;
  pacing: 'even' | 'asap';
  flightEndMs: number;
}

/** What the campaign has spent: in total (database plus real time) and today in its time zone. */
export interface CampaignSpend {
  totalSpentMicros: number;
  todaySpentMicros: number;
}

export type PacingVerdict = 'open' | 'total-budget-spent' | 'daily-budget-spent' | 'ahead-of-even-pace';

/**
 * Even pacing lets a campaign run a little ahead of the straight line through its day, so that
 * it starts at midnight and absorbs bursts: one hour's share of the day.
 */
export const EVEN_PACING_LEAD = 1 / 24;

const DAY_MS = 86_400_000;

/**
 * Whether a campaign may take another impression now. asap: until the daily or total budget
 * is spent. even: today's spend must also stay under the day's target pro-rated to the time of
 * day (plus `EVEN_PACING_LEAD`); the day's target is the daily budget, or without one the
 * remaining total spread over the remaining days of the flight.
 */
export function pacingVerdict(budget: CampaignBudget, spend: CampaignSpend, day: { startMs: number; endMs: number }, nowMs: number): PacingVerdict {
  if (budget.spendsNothing) return 'open';
  if (spend.totalSpentMicros >= budget.totalBudgetMicros) return 'total-budget-spent';
  if (budget.dailyBudgetMicros !== null && spend.todaySpentMicros >= budget.dailyBudgetMicros) return 'daily-budget-spent';
  if (budget.pacing === 'asap') return 'open';
  const target = dailyTarget(budget, spend, day);
  const elapsed = Math.min(1, Math.max(0, (nowMs - day.startMs) / (day.endMs - day.startMs)) + EVEN_PACING_LEAD);
  return spend.todaySpentMicros >= target * elapsed ? 'ahead-of-even-pace' : 'open';
}

function dailyTarget(budget: CampaignBudget, spend: CampaignSpend, day: { startMs: number; endMs: number }): number {
  if (budget.dailyBudgetMicros !== null) return budget.dailyBudgetMicros;
  const leftAtStartOfDay = budget.totalBudgetMicros - (spend.totalSpentMicros - spend.todaySpentMicros);
  const daysLeft = Math.max(1, Math.ceil((budget.flightEndMs - day.startMs) / DAY_MS));
  return leftAtStartOfDay / daysLeft;
}
