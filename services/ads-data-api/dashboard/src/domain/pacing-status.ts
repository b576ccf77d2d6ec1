// What the campaign page says about pacing: today's spend against the day's target. Serving
// enforces pacing; this only explains it to a person, with the same notion of an even pace
// (the day's budget spread over the hours of the campaign's local day).

export type PacingState = 'no-daily-budget' | 'not-serving' | 'budget-spent' | 'ahead' | 'on-track' | 'behind';

export interface PacingInput {
  status: string;
  pacing: 'even' | 'asap';
  /** Cents; null means no daily limit. */
  dailyBudget: number | null;
  todaySpentMicros: number;
  day: { startMs: number; endMs: number };
  nowMs: number;
}

export interface PacingStatus {
  state: PacingState;
  /** The whole day's target, micros (the daily budget). */
  dailyTargetMicros: number | null;
  /** Where an even pace would be by now, micros. */
  expectedByNowMicros: number | null;
  /** today's spend / daily target, 0..n (1 = the daily budget is spent). */
  spentShare: number | null;
  /** Share of the local day that has passed, 0..1. */
  dayElapsedShare: number;
  summary: string;
}

/** Spend within this share of the even line counts as on track. */
export const ON_TRACK_TOLERANCE = 0.15;

const MICROS_PER_CENT = 10_000;

export function pacingStatus(input: PacingInput): PacingStatus {
  const dayElapsedShare = Math.min(1, Math.max(0, (input.nowMs - input.day.startMs) / (input.day.endMs - input.day.startMs)));
  const base = { dayElapsedShare };
  if (input.dailyBudget === null || input.dailyBudget <= 0) {
    return {
      ...base,
      state: 'no-daily-budget',
      dailyTargetMicros: null,
      expectedByNowMicros: null,
      spentShare: null,
      summary: 'No daily budget: spend is limited by the total budget only.',
    };
  }
  const dailyTargetMicros = input.dailyBudget * MICROS_PER_CENT;
  const spentShare = input.todaySpentMicros / dailyTargetMicros;
  const expectedByNowMicros = input.pacing === 'asap' ? dailyTargetMicros : Math.round(dailyTargetMicros * dayElapsedShare);
  const result = { ...base, dailyTargetMicros, expectedByNowMicros, spentShare };
  const percent = `${Math.round(spentShare * 100)}% of the daily budget spent`;
  if (input.todaySpentMicros >= dailyTargetMicros) {
    return { ...result, state: 'budget-spent', summary: `Daily budget reached (${percent}); serving resumes tomorrow.` };
  }
  if (input.status !== 'active') {
    return { ...result, state: 'not-serving', summary: `The campaign is ${input.status}: ${percent} today.` };
  }
  if (input.pacing === 'asap') {
    return { ...result, state: 'on-track', summary: `As fast as possible: ${percent} so far today.` };
  }
  const elapsedPercent = Math.round(dayElapsedShare * 100);
  const lower = expectedByNowMicros * (1 - ON_TRACK_TOLERANCE);
  const upper = expectedByNowMicros * (1 + ON_TRACK_TOLERANCE);
  if (input.todaySpentMicros > upper && input.todaySpentMicros - expectedByNowMicros > MICROS_PER_CENT) {
    return { ...result, state: 'ahead', summary: `Ahead of an even pace: ${percent} with ${elapsedPercent}% of the day gone.` };
  }
  if (input.todaySpentMicros < lower && expectedByNowMicros - input.todaySpentMicros > MICROS_PER_CENT) {
    return { ...result, state: 'behind', summary: `Behind an even pace: ${percent} with ${elapsedPercent}% of the day gone.` };
  }
  return { ...result, state: 'on-track', summary: `On track: ${percent} with ${elapsedPercent}% of the day gone.` };
}
