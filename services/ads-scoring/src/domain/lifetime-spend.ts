/** Where a campaign's spend comes from when a run paces it; money in micros. */
export interface SpendSources {
  /** Lifetime spend in the database (all of hourly_stat up to the run, from the snapshot). */
  spentMicros: number;
  /** Serving's real-time counter of the current local day (0 when absent). */
  counterMicros: number;
  /** The warmed hourly series over the local day's hours: the database's view as of the last warm. */
  seriesMicros: number;
}

/** Lifetime spend split at the start of the current local day, as pacing reads it. */
export interface LifetimeSpendSplit {
  spentBeforeTodayMicros: number;
  todaySpendMicros: number;
}

/**
 * Today's spend is the larger of the counter and the series, and the spend before today is the
 * lifetime spend minus that same figure, so the two always add up to the lifetime spend (or to
 * today's, if that is larger): nothing is counted twice. Subtracting the series alone would
 * count every hour since the last warm twice (in `spentMicros` and in today's counter) when
 * timeseries-warming is behind or down; the counter is up to the second, so it covers those
 * hours. The price is that the minutes the database lags serving's counter are taken from
 * before today instead, which moves that little spend from one side of the split to the other.
 */
export function splitLifetimeSpend(sources: SpendSources): LifetimeSpendSplit {
  const todaySpendMicros = Math.max(0, sources.counterMicros, sources.seriesMicros);
  return { spentBeforeTodayMicros: Math.max(0, sources.spentMicros - todaySpendMicros), todaySpendMicros };
}
