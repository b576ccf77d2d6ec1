import type { StatsRow, TrackingEvent } from '@ads/ads-client';

const HOUR_MS = 3_600_000;

/** One `stats.ingest` row: the counters of one ad on one placement in one UTC hour. */
export type HourlyAdStats = StatsRow;

export interface RollupAggregate {
  /** Sorted by ad, hour then placement, so concurrent batches lock database rows in one order. */
  rows: HourlyAdStats[];
  /** Events counted. */
  events: number;
  /** Events dropped because the same event (type and id) appeared earlier in the batch. */
  duplicates: number;
}

/** ISO start of the UTC hour an event at `at` (epoch ms) is counted in. */
export function hourOf(at: number): string {
  return new Date(Math.floor(at / HOUR_MS) * HOUR_MS).toISOString();
}

/**
 * Adds tracking events up per ad, placement and UTC hour (the API sums the placements of an ad
 * and hour into its hourly counters, and keeps the placement breakdown beside them). Pure: the
 * same events give the same rows.
 */
export function aggregateTrackingEvents(events: Iterable<TrackingEvent>): RollupAggregate {
  const byAdPlacementHour = new Map<string, HourlyAdStats>();
  const seen = new Set<string>();
  let counted = 0;
  let duplicates = 0;
  for (const event of events) {
    const eventKey = `${event.type}\u0000${event.eventId}`;
    if (seen.has(eventKey)) {
      duplicates += 1;
      continue;
    }
    seen.add(eventKey);
    counted += 1;
    const hourStart = Math.floor(event.at / HOUR_MS) * HOUR_MS;
    const key = `${event.adId}\u0000${hourStart}\u0000${event.placementKey}`;
    let row = byAdPlacementHour.get(key);
    if (row === undefined) {
      row = {
        adId: event.adId,
        placementKey: event.placementKey,
        hour: new Date(hourStart).toISOString(),
        impressions: 0,
        viewableImpressions: 0,
        clicks: 0,
        spendMicros: 0,
      };
      byAdPlacementHour.set(key, row);
    }
    if (event.type === 'impression') row.impressions += 1;
    else if (event.type === 'viewable') row.viewableImpressions += 1;
    else row.clicks += 1;
    row.spendMicros += event.spendMicros;
  }
  const order = (a: string | undefined = '', b: string | undefined = '') => (a < b ? -1 : a > b ? 1 : 0);
  const rows = [...byAdPlacementHour.values()].sort(
    (a, b) => order(a.adId, b.adId) || order(a.hour, b.hour) || order(a.placementKey, b.placementKey),
  );
  return { rows, events: counted, duplicates };
}
