/** A frequency cap: at most `count` impressions per user key in any window of `windowMs`. */
export interface FrequencyCapRule {
  count: number;
  windowMs: number;
}

/** How many of a user's impression times fall in the sliding window ending now. */
export function impressionsInWindow(impressionTimes: readonly number[], windowMs: number, nowMs: number): number {
  const since = nowMs - windowMs;
  let count = 0;
  for (const at of impressionTimes) if (at > since) count += 1;
  return count;
}

/** Whether one more impression stays within the cap. */
export function frequencyCapAllows(cap: FrequencyCapRule | null, impressions: number): boolean {
  return cap === null || impressions < cap.count;
}
