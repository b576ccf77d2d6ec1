/** The wall clock of one time zone at one instant. */
export interface LocalWallClock {
  /** The local day, `YYYY-MM-DD`. */
  date: string;
  /** Hour of the day, 0-23. */
  hour: number;
  minute: number;
  second: number;
  /** Day of the week, 0 = Sunday. */
  weekday: number;
}

// Building an Intl.DateTimeFormat costs ~80 µs, formatting with one a few µs; warmers and the
// forecast call this for every campaign hour, so formatters are kept per time zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local date, time of day and weekday of an instant in an IANA time zone (daylight saving included). */
export function localWallClock(epochMs: number, timeZone: string): LocalWallClock {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) parts[part.type] = part.value;
  const year = Number(parts.year);
  const month = Number(parts.month);
  const day = Number(parts.day);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}
