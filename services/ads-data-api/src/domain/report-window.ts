// The time window and buckets of a stats report, and the series built over it. Buckets are
// UTC hours or UTC days; a bucket without stats is a row of zeros.
import { inventory } from '@ads/ads-client';

export type ReportGranularity = 'hour' | 'day';

const bucketMsOf: Record<ReportGranularity, number> = { hour: 3_600_000, day: 86_400_000 };
const defaultSpanBuckets: Record<ReportGranularity, number> = { hour: 24, day: 30 };

/** An aligned window [fromMs, toMs) of whole buckets. */
export interface ReportWindow {
  granularity: ReportGranularity;
  fromMs: number;
  toMs: number;
  bucketMs: number;
}

/** Counters of one bucket, or of a whole report. */
export interface StatsCounters {
  impressions: number;
  viewableImpressions: number;
  clicks: number;
  spendMicros: number;
}

export interface ReportSeries {
  points: Array<StatsCounters & { bucket: string; ctr: number }>;
  totals: StatsCounters & { ctr: number };
}

export interface WindowViolation {
  field: string;
  message: string;
}

/**
 * The aligned window of a report query: `from` rounded down and `to` rounded up to whole
 * buckets; defaults end with the current bucket. Refuses empty and over-long windows.
 */
export function reportWindowOf(
  query: { from?: string | undefined; to?: string | undefined; granularity: ReportGranularity },
  now: Date,
  maxBuckets: Record<ReportGranularity, number>,
): { window: ReportWindow } | { violations: WindowViolation[] } {
  const bucketMs = bucketMsOf[query.granularity];
  const toMs = Math.ceil((query.to === undefined ? now.getTime() + 1 : Date.parse(query.to)) / bucketMs) * bucketMs;
  const fromMs =
    query.from === undefined
      ? toMs - defaultSpanBuckets[query.granularity] * bucketMs
      : Math.floor(Date.parse(query.from) / bucketMs) * bucketMs;
  if (toMs > inventory.LATEST_INSTANT_MS) {
    // `to` rounded up to its bucket would be answered as a `+010000-…` date.
    return { violations: [{ field: 'to', message: `rounded up to a whole ${query.granularity}, to falls after 9999-12-31T23:59:59Z` }] };
  }
  if (fromMs >= toMs) {
    return { violations: [{ field: 'to', message: 'to must be after from' }] };
  }
  const buckets = (toMs - fromMs) / bucketMs;
  const max = maxBuckets[query.granularity];
  if (buckets > max) {
    return {
      violations: [
        { field: 'from', message: `the range spans ${buckets} ${query.granularity}s; at most ${max} are allowed at this granularity` },
      ],
    };
  }
  return { window: { granularity: query.granularity, fromMs, toMs, bucketMs } };
}

/** Click-through rate: clicks per impression, 0 without impressions. */
export function clickThroughRate(counters: { impressions: number; clicks: number }): number {
  return counters.impressions === 0 ? 0 : counters.clicks / counters.impressions;
}

/** Every bucket of the window, zeros where `values` has nothing, with totals and CTRs. */
export function buildReportSeries(window: ReportWindow, values: ReadonlyMap<number, StatsCounters>): ReportSeries {
  const points: ReportSeries['points'] = [];
  const totals: StatsCounters = { impressions: 0, viewableImpressions: 0, clicks: 0, spendMicros: 0 };
  for (let at = window.fromMs; at < window.toMs; at += window.bucketMs) {
    const counters = values.get(at) ?? { impressions: 0, viewableImpressions: 0, clicks: 0, spendMicros: 0 };
    points.push({ bucket: new Date(at).toISOString(), ...counters, ctr: clickThroughRate(counters) });
    totals.impressions += counters.impressions;
    totals.viewableImpressions += counters.viewableImpressions;
    totals.clicks += counters.clicks;
    totals.spendMicros += counters.spendMicros;
  }
  return { points, totals: { ...totals, ctr: clickThroughRate(totals) } };
}
