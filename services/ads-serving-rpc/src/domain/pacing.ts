import { localHourAt } from './zone-clock';

/** A campaign's budget as pacing needs it, in micros, and when it may spend it. */
export interface CampaignBudget {
  totalBudgetMicros: number;
  /** Null: no daily limit. */
  dailyBudgetMicros: number | null;
  /** Bid of 0 (house ads, typically): the campaign spends nothing, so budgets cannot run out. */
  spendsNothing: boolean;
  pacing: 'even' | 'asap';
  flightStartMs: number;
  flightEndMs: number;
  /** Day-parting hours (0-23) in `timeZone`; empty: all day. */
  hours: readonly number[];
  timeZone: string;
}

/** What the campaign has spent: in total (database plus real time) and today in its time zone. */
export interface CampaignSpend {
  totalSpentMicros: number;
  todaySpentMicros: number;
}

export type PacingVerdict = 'open' | 'total-budget-spent' | 'daily-budget-spent' | 'ahead-of-even-pace';

/**
 * The campaign's total spend for the budget stop, from the index (`spentMicros`, the database's
 * rolled-up total, and `liveSpendBaselineMicros`, the live counter cache-warming read with it)
 * and the live counter `campaignLiveSpend` now.
 */
export function totalSpentMicros(campaign: { spentMicros: number; liveSpendBaselineMicros: number }, liveMicros: number): number {
  // The live counter is the lifetime total of the spend serving counted: the event script bumps
  // it with no expiry in the same step that appends the event to the stream, and the roll-up
  // puts only those events into hourly_stat. So the database never holds more than the
  // counter, and spend counted but not rolled up yet is live - spentMicros. Adding only
  // live - baseline forgot that part at every rebuild (unboundedly while the roll-up stalls).
  // When they agree (the roll-up caught up) both terms are equal and nothing counts twice. The
  // second term is the floor when Redis lost the counter: then the database holds more than the
  // counter, and what the counter gained since the snapshot is spend on top of it.
  return Math.max(liveMicros, campaign.spentMicros + Math.max(0, liveMicros - campaign.liveSpendBaselineMicros));
}

/**
 * Even pacing lets a campaign run a little ahead of the straight line through the part of its
 * day it may serve in, so that it starts at once and absorbs bursts: one hour's share of a whole
 * day, and the same share of a shorter window (20 minutes of a day-parted 09:00-17:00).
 */
export const EVEN_PACING_LEAD = 1 / 24;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * Whether a campaign may take another impression now. asap: until the daily or total budget
 * is spent. even: today's spend must also stay under the day's target pro-rated to the part of
 * today's active time already past (plus `EVEN_PACING_LEAD`). Today's active time is the part of
 * the local day inside the flight and the day-parting hours (local hours, so daylight-saving
 * days count their 23 or 25 hours). The day's target is the daily budget, or without one the
 * remaining total shared out by active time between today and the rest of the flight.
 */
export function pacingVerdict(
  budget: CampaignBudget,
  spend: CampaignSpend,
  day: { startMs: number; endMs: number },
  nowMs: number,
): PacingVerdict {
  if (budget.spendsNothing) return 'open';
  if (spend.totalSpentMicros >= budget.totalBudgetMicros) return 'total-budget-spent';
  if (budget.dailyBudgetMicros !== null && spend.todaySpentMicros >= budget.dailyBudgetMicros) return 'daily-budget-spent';
  if (budget.pacing === 'asap') return 'open';
  return spend.todaySpentMicros >= evenPlanMicros(budget, spend, day, nowMs) ? 'ahead-of-even-pace' : 'open';
}

/** The most a campaign may have spent by now: today (null: no limit) and in total, in micros. */
export interface SpendLimits {
  todayMicros: number | null;
  totalMicros: number;
}

/**
 * The limits a spend lease or a charge is checked against, atomically in Redis: the total
 * budget, and today the daily budget (asap) or the even plan pro-rated to now (which never
 * exceeds the daily budget). Later in the day the plan only grows, so spend that fitted when an
 * ad was decided still fits when its beacon arrives.
 */
export function spendLimits(
  budget: CampaignBudget,
  spend: CampaignSpend,
  day: { startMs: number; endMs: number },
  nowMs: number,
): SpendLimits {
  const todayMicros = budget.pacing === 'even' ? Math.floor(evenPlanMicros(budget, spend, day, nowMs)) : budget.dailyBudgetMicros;
  return { todayMicros, totalMicros: budget.totalBudgetMicros };
}

/** Even pacing's plan for today's spend by now: the day's target pro-rated to active time past, plus the lead. */
function evenPlanMicros(budget: CampaignBudget, spend: CampaignSpend, day: { startMs: number; endMs: number }, nowMs: number): number {
  measureActiveTime(budget, day, nowMs, today);
  const target = dailyTarget(budget, spend, day, today.totalMs);
  const past = today.totalMs > 0 ? today.pastMs / today.totalMs : 1;
  return target * Math.min(1, past + EVEN_PACING_LEAD);
}

function dailyTarget(budget: CampaignBudget, spend: CampaignSpend, day: { startMs: number; endMs: number }, activeTodayMs: number): number {
  if (budget.dailyBudgetMicros !== null) return budget.dailyBudgetMicros;
  const leftAtStartOfDay = budget.totalBudgetMicros - (spend.totalSpentMicros - spend.todaySpentMicros);
  const activeLaterMs = activeTimeAfter(budget, day);
  return activeLaterMs > 0 ? (leftAtStartOfDay * activeTodayMs) / (activeTodayMs + activeLaterMs) : leftAtStartOfDay;
}

interface ActiveTime {
  totalMs: number;
  /** Of `totalMs`, how much lies before now. */
  pastMs: number;
}

// Liveness refreshes run pacing for every campaign every second: one scratch result, not one
// object per campaign and refresh.
const today: ActiveTime = { totalMs: 0, pastMs: 0 };

/** Today's active time: the local day within the flight and the day-parting hours. */
function measureActiveTime(budget: CampaignBudget, day: { startMs: number; endMs: number }, nowMs: number, into: ActiveTime): void {
  into.totalMs = 0;
  into.pastMs = 0;
  const from = Math.max(day.startMs, budget.flightStartMs);
  const to = Math.min(day.endMs, budget.flightEndMs);
  if (budget.hours.length === 0) {
    addSpan(from, to, nowMs, into);
    return;
  }
  if (day.endMs - day.startMs === DAY_MS) {
    // No daylight-saving change today: local hour h starts h hours after local midnight.
    let seen = 0;
    for (const hour of budget.hours) {
      if ((seen & (1 << hour)) !== 0) continue;
      seen |= 1 << hour;
      const start = day.startMs + hour * HOUR_MS;
      addSpan(Math.max(from, start), Math.min(to, start + HOUR_MS), nowMs, into);
    }
    return;
  }
  let wanted = 0;
  for (const hour of budget.hours) wanted |= 1 << hour;
  const local = localHoursOf(budget.timeZone, day);
  for (let at = 0; at < local.hours.length; at += 1) {
    if ((wanted & (1 << local.hours[at]!)) !== 0)
      addSpan(Math.max(from, local.starts[at]!), Math.min(to, local.starts[at + 1]!), nowMs, into);
  }
}

function addSpan(startMs: number, endMs: number, nowMs: number, into: ActiveTime): void {
  if (endMs <= startMs) return;
  into.totalMs += endMs - startMs;
  into.pastMs += Math.min(endMs - startMs, Math.max(0, nowMs - startMs));
}

/**
 * Active time of the flight after today, counting every later day as an ordinary day of 24
 * hours (a daylight-saving day is off by an hour at most, and the target is worked out afresh
 * every day). Weekdays are not left out: see the README.
 */
function activeTimeAfter(budget: CampaignBudget, day: { startMs: number; endMs: number }): number {
  const laterMs = budget.flightEndMs - day.endMs;
  if (laterMs <= 0) return 0;
  if (budget.hours.length === 0) return laterMs;
  const wholeDays = Math.floor(laterMs / DAY_MS);
  const lastDayMs = laterMs - wholeDays * DAY_MS;
  let seen = 0;
  let perDay = 0;
  let lastDay = 0;
  for (const hour of budget.hours) {
    if ((seen & (1 << hour)) !== 0) continue;
    seen |= 1 << hour;
    perDay += HOUR_MS;
    lastDay += Math.min(HOUR_MS, Math.max(0, lastDayMs - hour * HOUR_MS));
  }
  return wholeDays * perDay + lastDay;
}

interface LocalHours {
  startMs: number;
  /** Local hour of each stretch of the day, in order (an hour twice on a 25-hour day). */
  hours: number[];
  /** Start of each stretch, then the day's end. */
  starts: number[];
}

// Only days with a daylight-saving change come here (two a year per zone): one day per zone.
const localHoursByZone = new Map<string, LocalHours>();

/** The local hours of a day that is not 24 hours long, walked with Intl once per zone and day. */
function localHoursOf(timeZone: string, day: { startMs: number; endMs: number }): LocalHours {
  const cached = localHoursByZone.get(timeZone);
  if (cached !== undefined && cached.startMs === day.startMs) return cached;
  const local: LocalHours = { startMs: day.startMs, hours: [], starts: [] };
  for (let at = day.startMs; at < day.endMs;) {
    const { hour, startMs } = localHourAt(timeZone, at);
    local.hours.push(hour);
    local.starts.push(at);
    // The next local hour boundary, unless a clock change comes first (it then starts a stretch
    // part way into an hour, as a half-hour change does).
    at = Math.min(day.endMs, startMs + HOUR_MS);
  }
  local.starts.push(day.endMs);
  localHoursByZone.set(timeZone, local);
  return local;
}
