import type { FieldIssue, TrackingEvent } from '@ads/ads-client';
import { type HourlyAdStats, hourOf } from './rollup-aggregation';

/**
 * What a `stats.ingest` refusal says about a batch's rows, when every issue blames one row.
 * `unknownAdIds`: ads the API does not know (`rows.<i>.adId`), whose rows of every hour go.
 * `refusedRows`: row index → the API's reasons, for a row refused for its own values (an hour or
 * a sum it cannot store); only that row goes.
 */
export interface RowRefusals {
  unknownAdIds: Set<string>;
  refusedRows: Map<number, string[]>;
}

const ROW_FIELDS: ReadonlySet<string> = new Set(['hour', 'impressions', 'viewableImpressions', 'clicks', 'spendMicros']);

/**
 * Reads the issues of an INVALID_PARAMS answer to `stats.ingest` as refusals of single rows.
 * Undefined when any issue is about something else (the batch id, the batch as a whole, a row
 * that is not in the batch): the batch itself is at fault then, and no row can be left out.
 */
export function rowRefusalsOf(issues: readonly FieldIssue[], rows: readonly HourlyAdStats[]): RowRefusals | undefined {
  const refusals: RowRefusals = { unknownAdIds: new Set(), refusedRows: new Map() };
  if (issues.length === 0) return undefined;
  for (const issue of issues) {
    const [list, index, field] = issue.path;
    if (list !== 'rows' || typeof index !== 'number' || typeof field !== 'string' || issue.path.length !== 3) return undefined;
    const row = rows[index];
    if (row === undefined) return undefined;
    if (field === 'adId') refusals.unknownAdIds.add(row.adId);
    else if (ROW_FIELDS.has(field))
      refusals.refusedRows.set(index, [...(refusals.refusedRows.get(index) ?? []), `${field}: ${issue.message}`]);
    else return undefined;
  }
  return refusals;
}

/**
 * The ids of the stream entries whose events were added up into `rows` (same ad, same UTC
 * hour, same placement); `entryIds[i]` is the entry `events[i]` was read from.
 */
export function entryIdsOfRows(entryIds: readonly string[], events: readonly TrackingEvent[], rows: readonly HourlyAdStats[]): string[] {
  const keys = new Set(rows.map((row) => `${row.adId}\u0000${row.hour}\u0000${row.placementKey ?? ''}`));
  return entryIds.filter((_, index) =>
    keys.has(`${events[index]!.adId}\u0000${hourOf(events[index]!.at)}\u0000${events[index]!.placementKey ?? ''}`),
  );
}

/** Events a row counts (each event adds one to exactly one of its counters). */
export function eventsOfRow(row: HourlyAdStats): number {
  return row.impressions + row.viewableImpressions + row.clicks;
}
