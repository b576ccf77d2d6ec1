import { localWallClock } from './local-wall-clock.js';

const HOUR_MS = 3_600_000;

/** The local `YYYYMMDD` (as `dayBucket`) and the wall-clock ms since local midnight. */
function wallClock(epochMs: number, timeZone: string): { day: string; sinceMidnightMs: number } {
  const local = localWallClock(epochMs, timeZone);
  const sinceMidnightMs = ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 + (((epochMs % 1000) + 1000) % 1000);
  return { day: local.date.replaceAll('-', ''), sinceMidnightMs };
}

function startOfLocalDay(epochMs: number, timeZone: string): number {
  const { day, sinceMidnightMs } = wallClock(epochMs, timeZone);
  let start = epochMs - sinceMidnightMs;
  // A daylight-saving change between midnight and `epochMs` moves the first guess by an hour.
  for (let step = 0; step < 3; step += 1) {
    if (wallClock(start, timeZone).day !== day) start += HOUR_MS;
    else if (wallClock(start - 1, timeZone).day === day) start -= HOUR_MS;
    else break;
  }
  return start;
}

/**
 * The local day of a time zone that contains `epochMs`: its `YYYYMMDD` bucket (the same as
 * `dayBucket`) and its bounds in epoch ms, [start, end). A day is 23 to 25 hours long.
 */
export function localDay(epochMs: number, timeZone = 'UTC'): { day: string; startMs: number; endMs: number } {
  const startMs = startOfLocalDay(epochMs, timeZone);
  // Every local day is 23 to 25 hours long, so 26 hours after its start lies in the next one.
  const endMs = startOfLocalDay(startMs + 26 * HOUR_MS, timeZone);
  return { day: wallClock(epochMs, timeZone).day, startMs, endMs };
}

/**
 * Starts (epoch ms) of the UTC hours that lie wholly inside a local day and begin before
 * `untilMs`. Hourly stats are kept per UTC hour, so in a zone with a half-hour offset the hour
 * that straddles local midnight belongs to neither day: sums over these hours are lower
 * bounds of the day's true total.
 */
export function utcHoursOfLocalDay(day: { startMs: number; endMs: number }, untilMs = Infinity): number[] {
  const hours: number[] = [];
  const first = Math.ceil(day.startMs / HOUR_MS) * HOUR_MS;
  for (let hour = first; hour + HOUR_MS <= day.endMs && hour < untilMs; hour += HOUR_MS) hours.push(hour);
  return hours;
}
