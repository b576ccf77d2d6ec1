const HOUR_MS = 3_600_000;

function wallClock(epochMs: number, timeZone: string): { day: string; sinceMidnightMs: number } {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  for (const part of format.formatToParts(epochMs)) parts[part.type] = part.value;
  const sinceMidnightMs =
    ((Number(parts.hour) * 60 + Number(parts.minute)) * 60 + Number(parts.second)) * 1000 + (((epochMs % 1000) + 1000) % 1000);
  return { day: `${parts.year}-${parts.month}-${parts.day}`, sinceMidnightMs };
}

function startOfLocalDay(epochMs: number, timeZone: string): number {
  const { day, sinceMidnightMs } = wallClock(epochMs, timeZone);
  let start = epochMs - sinceMidnightMs;
  // A daylight-saving change between midnight and epochMs moves the first guess by an hour.
  for (let step = 0; step < 3; step += 1) {
    if (wallClock(start, timeZone).day !== day) start += HOUR_MS;
    else if (wallClock(start - 1, timeZone).day === day) start -= HOUR_MS;
    else break;
  }
  return start;
}

/**
 * The day of a campaign's time zone that contains `epochMs`, as `YYYY-MM-DD` with its bounds
 * [startMs, endMs) in epoch ms: daily budgets are read in that zone. Falls back to UTC for a
 * zone the browser does not know.
 */
export function localDay(epochMs: number, timeZone: string): { day: string; startMs: number; endMs: number } {
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    zone = 'UTC';
  }
  const startMs = startOfLocalDay(epochMs, zone);
  // Every local day is 23 to 25 hours long, so 26 hours after its start lies in the next one.
  const endMs = startOfLocalDay(startMs + 26 * HOUR_MS, zone);
  return { day: wallClock(epochMs, zone).day, startMs, endMs };
}
