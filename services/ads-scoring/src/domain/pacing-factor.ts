import { MICROS_PER_MINOR_UNIT } from '@ads/ads-client';

/** What the pacing factor of one campaign is computed from; money in micros, times in epoch ms. */
export interface PacingInput {
  pacing: 'even' | 'asap';
  /** Daily budget in minor units; null means no daily limit. */
  dailyBudgetMinor: number | null;
  /** Budget of the whole flight in minor units; 0 or less means no lifetime plan. */
  totalBudgetMinor: number;
  /** Lifetime spend before the current local day. */
  spentBeforeTodayMicros: number;
  /** Spend of the current local day so far (real-time counter or warmed series, the larger). */
  todaySpendMicros: number;
  flightStartMs: number;
  flightEndMs: number;
  /** Bounds of the current day in the campaign's time zone. */
  dayStartMs: number;
  dayEndMs: number;
  nowMs: number;
}

export interface PacingBounds {
  min: number;
  max: number;
  /**
   * Share of the day's plan added to both sides of the ratio, so that the first minutes of a
   * day (a few cents planned, none spent yet) do not swing the factor to a bound.
   */
  damping: number;
}

export interface PacingOutcome {
  factor: number;
  /** What the campaign should spend over the whole local day, in micros (null: no plan). */
  plannedTodayMicros: number | null;
  /** What it should have spent by now. */
  expectedByNowMicros: number | null;
  reason: 'asap' | 'no-budget' | 'outside-flight' | 'budget-spent' | 'paced';
}

/**
 * Even pacing: the day's plan is the daily budget, or the lifetime budget left spread evenly
 * over the flight time left, whichever is smaller. The factor is plan-so-far over spend (with
 * damping), clamped: a campaign behind plan gets more than 1, one ahead less than 1. ASAP
 * campaigns are not paced (budget caps in serving stop them).
 */
export function pacingFactor(input: PacingInput, bounds: PacingBounds): PacingOutcome {
  if (input.pacing === 'asap') return { factor: 1, plannedTodayMicros: null, expectedByNowMicros: null, reason: 'asap' };
  const servingStart = Math.max(input.dayStartMs, input.flightStartMs);
  const servingEnd = Math.min(input.dayEndMs, input.flightEndMs);
  if (servingEnd <= servingStart || input.nowMs >= servingEnd || input.nowMs < servingStart) {
    return { factor: 1, plannedTodayMicros: null, expectedByNowMicros: null, reason: 'outside-flight' };
  }
  let planned = Infinity;
  if (input.dailyBudgetMinor !== null) planned = input.dailyBudgetMinor * MICROS_PER_MINOR_UNIT;
  if (input.totalBudgetMinor > 0) {
    const left = Math.max(0, input.totalBudgetMinor * MICROS_PER_MINOR_UNIT - input.spentBeforeTodayMicros);
    const flightLeftMs = input.flightEndMs - servingStart;
    planned = Math.min(planned, (left * (servingEnd - servingStart)) / flightLeftMs);
  }
  if (planned === Infinity) return { factor: 1, plannedTodayMicros: null, expectedByNowMicros: null, reason: 'no-budget' };
  const elapsed = (input.nowMs - servingStart) / (servingEnd - servingStart);
  const expected = planned * elapsed;
  const outcome = { plannedTodayMicros: Math.round(planned), expectedByNowMicros: Math.round(expected) };
  if (input.todaySpendMicros >= planned) return { factor: bounds.min, ...outcome, reason: 'budget-spent' };
  const cushion = planned * bounds.damping;
  const ratio = (expected + cushion) / (Math.max(0, input.todaySpendMicros) + cushion);
  return { factor: clamp(ratio, bounds.min, bounds.max), ...outcome, reason: 'paced' };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
