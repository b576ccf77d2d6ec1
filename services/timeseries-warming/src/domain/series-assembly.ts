import type { TimeSeriesBucket, TimeSeriesEntry, TimeSeriesGranularity, TimeSeriesLevel } from '@ads/ads-client';

/** One series as `stats.query` answers it (the totals are not needed here). */
export interface QueriedSeries {
  id: string;
  points: readonly (Omit<TimeSeriesBucket, 'bucket'> & { bucket: string })[];
}

/**
 * Joins the answers of several `stats.query` calls (the hourly series are read one day at a
 * time) into one series per entity, keyed by the canonical bucket start and limited to the
 * window. A bucket seen twice keeps its last answer.
 */
export function assembleSeries(
  level: TimeSeriesLevel,
  granularity: TimeSeriesGranularity,
  answers: readonly (readonly QueriedSeries[])[],
  window: { fromMs: number; toMs: number },
): TimeSeriesEntry[] {
  const byId = new Map<string, Map<number, TimeSeriesBucket>>();
  for (const answer of answers) {
    for (const series of answer) {
      let buckets = byId.get(series.id);
      if (buckets === undefined) byId.set(series.id, (buckets = new Map<number, TimeSeriesBucket>()));
      for (const point of series.points) {
        const at = Date.parse(point.bucket);
        if (at < window.fromMs || at >= window.toMs) continue;
        buckets.set(at, {
          bucket: new Date(at).toISOString(),
          impressions: point.impressions,
          viewableImpressions: point.viewableImpressions,
          clicks: point.clicks,
          spendMicros: point.spendMicros,
          ctr: point.impressions > 0 ? point.clicks / point.impressions : 0,
          ...(point.lastIngestAt === undefined ? {} : { lastIngestAt: new Date(point.lastIngestAt).toISOString() }),
        });
      }
    }
  }
  const entries: TimeSeriesEntry[] = [];
  for (const [id, buckets] of byId) {
    const points = [...buckets.entries()].sort(([a], [b]) => a - b).map(([, point]) => point);
    entries.push({ level, id, granularity, points });
  }
  return entries;
}
