import type { Redis } from 'ioredis';
import { TimeSeriesStore, timeSeriesCovers, type RedisKeys } from '@ads/ads-client';
import { Prisma } from '../generated/prisma/client';
import type { ReportWindow, StatsCounters } from '../domain/report-window';
import { logger } from '../logger';
import type { Db } from './db';

/** The entity a report is about. */
export type ReportLevel = 'campaign' | 'ad';

/** Counters per bucket start (epoch ms), and where they were read. */
export interface ReportCounters {
  source: 'cache' | 'database';
  values: Map<number, StatsCounters>;
}

// Column names come from here, never from a request.
const levelColumn: Record<ReportLevel, Prisma.Sql> = {
  campaign: Prisma.raw('"campaign_id"'),
  ad: Prisma.raw('"ad_id"'),
};
const bucketWidth: Record<ReportWindow['granularity'], Prisma.Sql> = {
  hour: Prisma.raw(`'1 hour'::interval`),
  day: Prisma.raw(`'1 day'::interval`),
};

/** Sums HourlyStat per UTC hour or day over the window. */
export async function readCountersFromDatabase(db: Db, level: ReportLevel, id: string, window: ReportWindow): Promise<Map<number, StatsCounters>> {
  const rows = await db.$queryRaw<
    Array<{ bucket: Date; impressions: bigint; viewable: bigint; clicks: bigint; spend: bigint }>
  >`SELECT date_bin(${bucketWidth[window.granularity]}, "hour", TIMESTAMPTZ '2000-01-01T00:00:00Z') AS bucket,
           sum("impressions")::bigint AS impressions,
           sum("viewable_impressions")::bigint AS viewable,
           sum("clicks")::bigint AS clicks,
           sum("spend_micros")::bigint AS spend
      FROM "hourly_stat"
     WHERE ${levelColumn[level]} = ${id}::uuid
       AND "hour" >= ${new Date(window.fromMs)} AND "hour" < ${new Date(window.toMs)}
     GROUP BY 1`;
  const values = new Map<number, StatsCounters>();
  for (const row of rows) {
    values.set(row.bucket.getTime(), {
      impressions: Number(row.impressions),
      viewableImpressions: Number(row.viewable),
      clicks: Number(row.clicks),
      spendMicros: Number(row.spend),
    });
  }
  return values;
}

/**
 * The warmed series in Redis when its last complete warm covers the whole window, else
 * null. A Redis failure or a malformed entry is logged and answered from the database
 * instead: a report must not fail because the cache does.
 */
export async function readCountersFromCache(
  redis: Redis,
  keys: RedisKeys,
  level: ReportLevel,
  id: string,
  window: ReportWindow,
): Promise<Map<number, StatsCounters> | null> {
  const store = new TimeSeriesStore(redis, keys);
  try {
    const meta = await store.readMeta();
    if (!timeSeriesCovers(meta, window.fromMs, window.toMs)) return null;
    const buckets = await store.read(level, id, window.granularity, { from: window.fromMs, to: window.toMs });
    const values = new Map<number, StatsCounters>();
    for (const bucket of buckets) {
      values.set(Date.parse(bucket.bucket), {
        impressions: bucket.impressions,
        viewableImpressions: bucket.viewableImpressions,
        clicks: bucket.clicks,
        spendMicros: bucket.spendMicros,
      });
    }
    return values;
  } catch (error) {
    logger.warn({ err: error, level, id }, 'time-series cache unreadable; reporting from the database');
    return null;
  }
}

/** Counters of a report window: from the warmed cache when it covers the window, else the database. */
export async function readReportCounters(
  db: Db,
  cache: { redis: Redis; keys: RedisKeys },
  level: ReportLevel,
  id: string,
  window: ReportWindow,
): Promise<ReportCounters> {
  const cached = await readCountersFromCache(cache.redis, cache.keys, level, id, window);
  if (cached !== null) return { source: 'cache', values: cached };
  return { source: 'database', values: await readCountersFromDatabase(db, level, id, window) };
}
