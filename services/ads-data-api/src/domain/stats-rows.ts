import type { StatsRow } from '@ads/ads-client';
import { DataApiError, type DataApiFieldIssue } from '../errors';

/** One `stats.ingest` row after the contract's validation. */
export type { StatsRow };

/** The columns of a batch, one array per column, merged per (ad, hour): what the SQL unnests. */
export interface StatsColumns {
  adIds: string[];
  hours: Date[];
  impressions: number[];
  viewableImpressions: number[];
  clicks: number[];
  /** As decimal strings: PostgreSQL reads them as bigint without a float in between. */
  spendMicros: string[];
}

/** Largest value of an `integer` column; counters above it cannot be stored. */
export const MAX_COUNTER = 2_147_483_647;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID as PostgreSQL's `uuid` type reads it (ids of this API are). */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/**
 * Problems the database would otherwise report as a failed statement without saying which
 * row: ids that are not UUIDs, counters beyond the integer column. Each names its row and field.
 */
export function findStatsRowProblems(rows: readonly StatsRow[], limit = 20): DataApiFieldIssue[] {
  const problems: DataApiFieldIssue[] = [];
  for (const [index, row] of rows.entries()) {
    if (!isUuid(row.adId)) problems.push({ path: ['rows', index, 'adId'], message: `"${row.adId.slice(0, 64)}" is not an ad id (UUID)` });
    for (const field of ['impressions', 'viewableImpressions', 'clicks'] as const) {
      if (row[field] > MAX_COUNTER) problems.push({ path: ['rows', index, field], message: `must be at most ${MAX_COUNTER}` });
    }
    if (problems.length >= limit) break;
  }
  return problems;
}

/**
 * Sums rows that share an ad and an hour, so that one `INSERT … ON CONFLICT DO UPDATE` never
 * touches a row twice (PostgreSQL refuses that). Rows come out ordered by ad and hour: every
 * batch then locks the counters it shares with another batch in the same order, which keeps
 * deadlocks between concurrent batches rare (the store retries the few that happen).
 */
export function mergeStatsRows(rows: readonly StatsRow[]): StatsColumns {
  interface Merged {
    adId: string;
    hour: number;
    impressions: number;
    viewable: number;
    clicks: number;
    spend: number;
  }
  const merged = new Map<string, Merged>();
  let repeated = false;
  const ordered: Merged[] = [];
  for (const row of rows) {
    const hour = Date.parse(row.hour);
    const adId = row.adId.toLowerCase();
    const key = adId + hour;
    const current = merged.get(key);
    if (current === undefined) {
      const entry = {
        adId,
        hour,
        impressions: row.impressions,
        viewable: row.viewableImpressions,
        clicks: row.clicks,
        spend: row.spendMicros,
      };
      merged.set(key, entry);
      ordered.push(entry);
    } else {
      repeated = true;
      current.impressions += row.impressions;
      current.viewable += row.viewableImpressions;
      current.clicks += row.clicks;
      current.spend += row.spendMicros;
    }
  }
  if (repeated && ordered.some((entry) => !Number.isSafeInteger(entry.spend))) {
    throw new DataApiError('STATS_ROW_INVALID', 'rows: spendMicros of one ad and hour adds up beyond 2^53', {
      fields: [{ path: ['rows'], message: 'spendMicros of one ad and hour adds up beyond 2^53' }],
    });
  }
  ordered.sort((a, b) => (a.adId < b.adId ? -1 : a.adId > b.adId ? 1 : a.hour - b.hour));
  const count = ordered.length;
  const columns: StatsColumns = {
    adIds: new Array<string>(count),
    hours: new Array<Date>(count),
    impressions: new Array<number>(count),
    viewableImpressions: new Array<number>(count),
    clicks: new Array<number>(count),
    spendMicros: new Array<string>(count),
  };
  for (let index = 0; index < count; index += 1) {
    const entry = ordered[index]!;
    columns.adIds[index] = entry.adId;
    columns.hours[index] = new Date(entry.hour);
    columns.impressions[index] = entry.impressions;
    columns.viewableImpressions[index] = entry.viewable;
    columns.clicks[index] = entry.clicks;
    columns.spendMicros[index] = String(entry.spend);
  }
  return columns;
}

/** The placement breakdown of a batch: one entry per (placement key, ad, hour), summed. */
export interface PlacementStatsColumns extends StatsColumns {
  placementKeys: string[];
}

/**
 * The shape of a placement key as placements are created with: a row whose key has another
 * shape names no placement, and the check keeps the keys safe inside an array literal.
 */
const placementKeyPattern = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/**
 * The rows that carry a placement key a placement could have, summed per (key, ad, hour) and
 * ordered by them: what goes into `placement_hourly_stat` besides `hourly_stat`. Rows without a
 * key, or with a key no placement can have, are left out here (they still count under their ad).
 */
export function mergePlacementStatsRows(rows: readonly StatsRow[]): PlacementStatsColumns {
  const merged = new Map<string, { placementKey: string; adId: string; hour: number; counters: number[] }>();
  for (const row of rows) {
    if (row.placementKey === undefined || !placementKeyPattern.test(row.placementKey)) continue;
    const hour = Date.parse(row.hour);
    const adId = row.adId.toLowerCase();
    const key = `${row.placementKey}\u0000${adId}\u0000${hour}`;
    const counters = [row.impressions, row.viewableImpressions, row.clicks, row.spendMicros];
    const current = merged.get(key);
    if (current === undefined) merged.set(key, { placementKey: row.placementKey, adId, hour, counters });
    else current.counters = current.counters.map((value, index) => value + counters[index]!);
  }
  const ordered = [...merged.values()].sort(
    (a, b) =>
      (a.placementKey < b.placementKey ? -1 : a.placementKey > b.placementKey ? 1 : 0) ||
      (a.adId < b.adId ? -1 : a.adId > b.adId ? 1 : 0) ||
      a.hour - b.hour,
  );
  return {
    placementKeys: ordered.map((entry) => entry.placementKey),
    adIds: ordered.map((entry) => entry.adId),
    hours: ordered.map((entry) => new Date(entry.hour)),
    impressions: ordered.map((entry) => entry.counters[0]!),
    viewableImpressions: ordered.map((entry) => entry.counters[1]!),
    clicks: ordered.map((entry) => entry.counters[2]!),
    spendMicros: ordered.map((entry) => String(entry.counters[3]!)),
  };
}

/** clicks / impressions, 0 without impressions. */
export function clickThroughRate(clicks: number, impressions: number): number {
  return impressions === 0 ? 0 : clicks / impressions;
}
