// The date range of a report page: whole UTC days picked in two date inputs, `to` inclusive.

const DAY_MS = 86_400_000;

/** Longest range the API answers, in days, per granularity (MAX_REPORT_HOURS / MAX_REPORT_DAYS). */
const MAX_DAYS = { hour: 31, day: 366 } as const;

/** A range as the API takes it: [fromMs, toMs) on UTC day boundaries. */
export interface ReportRange {
  fromMs: number;
  toMs: number;
}

/** `YYYY-MM-DD` of the UTC day holding `epochMs`, as a date input shows it. */
export function dayInputOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * The range from two date inputs (`to` is the last day included), or a message saying what
 * is wrong with them, naming the input.
 */
export function reportRangeOf(fromDay: string, toDay: string, granularity: 'hour' | 'day'): ReportRange | { problem: string } {
  const fromMs = Date.parse(`${fromDay}T00:00:00Z`);
  const lastMs = Date.parse(`${toDay}T00:00:00Z`);
  if (Number.isNaN(fromMs)) return { problem: 'From: pick a date.' };
  if (Number.isNaN(lastMs)) return { problem: 'To: pick a date.' };
  if (lastMs < fromMs) return { problem: 'To: must be on or after From.' };
  const days = (lastMs - fromMs) / DAY_MS + 1;
  if (days > MAX_DAYS[granularity]) {
    return { problem: `From: ${days} days is too long by ${granularity}; at most ${MAX_DAYS[granularity]} days.` };
  }
  return { fromMs, toMs: lastMs + DAY_MS };
}
