import { localDay } from '@ads/ads-client';

/** The wall clock of one time zone at one instant, as day-parting and pacing need it. */
export interface LocalTime {
  /** Hour of the day, 0-23. */
  hour: number;
  /** Day of the week, 0 = Sunday. */
  weekday: number;
  /** `YYYYMMDD`, as `dayBucket` spells it. */
  day: string;
  /** Bounds of the local day in epoch ms, [start, end): 23 to 25 hours long. */
  dayStartMs: number;
  dayEndMs: number;
  /** The same bounds as pacing takes them (one object per zone and hour, not per campaign). */
  dayBounds: { startMs: number; endMs: number };
}

interface CachedLocalTime {
  local: LocalTime;
  validFromMs: number;
  validUntilMs: number;
}

const HOUR_MS = 3_600_000;

const hourFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The local hour at an instant and when it began (`startMs`: the instant minus the minutes,
 * seconds and milliseconds past the local hour). One formatter per zone, built once.
 */
export function localHourAt(timeZone: string, atMs: number): { hour: number; startMs: number } {
  let format = hourFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    hourFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(atMs);
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);
  const intoHourMs = (part('minute') * 60 + part('second')) * 1000 + (((atMs % 1000) + 1000) % 1000);
  return { hour: part('hour'), startMs: atMs - intoHourMs };
}

/**
 * Local time per time zone, memoised until the zone's next local hour boundary: Intl is slow
 * (microseconds per call) and a decision may look at many campaigns, but wall-clock hours,
 * weekdays and days only change on local hour boundaries (daylight-saving shifts included).
 */
export class ZoneClock {
  private readonly cache = new Map<string, CachedLocalTime>();

  at(timeZone: string, nowMs: number): LocalTime {
    const cached = this.cache.get(timeZone);
    if (cached !== undefined && nowMs >= cached.validFromMs && nowMs < cached.validUntilMs) return cached.local;
    const fresh = this.compute(timeZone, nowMs);
    this.cache.set(timeZone, fresh);
    return fresh.local;
  }

  /**
   * When the local time `at` answers for `nowMs` stops holding: the zone's next local hour
   * boundary (or the end of the local day, if sooner).
   */
  localHourEndMs(timeZone: string, nowMs: number): number {
    this.at(timeZone, nowMs);
    return this.cache.get(timeZone)!.validUntilMs;
  }

  private compute(timeZone: string, nowMs: number): CachedLocalTime {
    const { day, startMs, endMs } = localDay(nowMs, timeZone);
    const { hour, startMs: hourStart } = localHourAt(timeZone, nowMs);
    const weekday = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)))).getUTCDay();
    return {
      local: { hour, weekday, day, dayStartMs: startMs, dayEndMs: endMs, dayBounds: { startMs, endMs } },
      validFromMs: hourStart,
      validUntilMs: Math.min(hourStart + HOUR_MS, endMs),
    };
  }
}
