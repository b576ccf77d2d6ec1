const HOUR_MS = 3_600_000;

/** One UTC hour of a campaign's current local day, as the two sources count its spend. */
export interface HourSpend {
  startMs: number;
  /** What the database holds for the hour (the roll-up's view, minutes behind). */
  databaseMicros: number;
  /** What serving counted for the hour in its per-ad hour counters, when they were read. */
  liveMicros: number | null;
}

export interface SpendReconciliation {
  /** The least the campaign is known to have spent today. */
  floorMicros: number;
  /** How much the counter must be raised to reach the floor (0: leave it). */
  raiseByMicros: number;
}

/**
 * The reconciliation rule for serving's day spend counter (`campaignDaySpend`).
 *
 * The counter is only ever raised, never lowered. The least the campaign has spent today is
 * the sum over its local day's hours so far of:
 * - for a settled hour (ended at least `settleMs` ago), the database's total: the roll-up has
 *   had time to land it, and a counter below it lost increments (a Redis restart, a flush);
 * - for an unsettled hour (the current one, the one just ended), the larger of the database's
 *   total and serving's own hour counters, because the database has not seen all of it yet.
 * A counter above that floor holds spend that serving counted and the roll-up has not
 * delivered: lowering it would let serving overspend, so it is left alone.
 */
export function reconcileDaySpend(
  hours: readonly HourSpend[],
  counterMicros: number,
  nowMs: number,
  settleMs: number,
): SpendReconciliation {
  let floorMicros = 0;
  for (const hour of hours) {
    const settled = hour.startMs + HOUR_MS + settleMs <= nowMs;
    floorMicros += settled ? hour.databaseMicros : Math.max(hour.databaseMicros, hour.liveMicros ?? 0);
  }
  return { floorMicros, raiseByMicros: Math.max(0, floorMicros - Math.max(0, counterMicros)) };
}

/** Whether an hour still needs serving's live counters to be judged (see {@link reconcileDaySpend}). */
export function isUnsettled(hourStartMs: number, nowMs: number, settleMs: number): boolean {
  return hourStartMs + HOUR_MS + settleMs > nowMs;
}
