/** The wall clock of one time zone at one instant, as day-parting and daily budgets read it. */
export interface LocalWallClock {
  /** The local day, `YYYY-MM-DD`. */
  date: string;
  /** Hour of the day, 0-23. */
  hour: number;
  /** Day of the week, 0 = Sunday. */
  weekday: number;
}

// Building an Intl.DateTimeFormat costs ~80 µs, formatting with one a few µs: one per zone.
const formats = new Map<string, Intl.DateTimeFormat>();

/** The local date, hour and weekday of an instant in an IANA time zone (daylight saving included). */
export function localWallClock(timeZone: string, epochMs: number): LocalWallClock {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
    });
    formats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(epochMs)) parts[part.type] = part.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}
