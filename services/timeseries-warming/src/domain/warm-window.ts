const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The span one warm covers: whole UTC days back to `from`, up to the end of the current hour. */
export interface WarmWindow {
  fromMs: number;
  toMs: number;
  days: number;
  /** Starts of the UTC days in the window, oldest first (one hourly query each). */
  dayStartsMs: number[];
}

/**
 * The last `days` UTC days, today included: from midnight UTC `days − 1` days ago to the end
 * of the current hour, so that the hour in progress is warm too (it fills up run after run).
 */
export function warmWindow(nowMs: number, days: number): WarmWindow {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const fromMs = today - (days - 1) * DAY_MS;
  const toMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const dayStartsMs: number[] = [];
  for (let day = fromMs; day < toMs; day += DAY_MS) dayStartsMs.push(day);
  return { fromMs, toMs, days, dayStartsMs };
}

/** Seconds a warmed key lives: the window plus a day, so an idle warmer's series fade away. */
export function seriesTtlSeconds(days: number): number {
  return (days + 1) * 86_400;
}
