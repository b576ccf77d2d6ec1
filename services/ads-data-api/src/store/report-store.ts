import { rest, TimeSeriesStore } from '@ads/ads-client';
import { Prisma } from '../generated/prisma/client';
import { cachedSpanOf, type BucketSpan } from '../domain/report-cache-span';
import type { ReportWindow, StatsCounters } from '../domain/report-window';
import type { Db } from './db';
import type { RedisContext } from './redis-context';

/** The entity a report is about. */
export type ReportLevel = 'advertiser' | 'campaign' | 'ad' | 'site' | 'placement';

/** The report subjects whose figures are the whole of `hourly_stat` (and its warmed series). */
export type AdReportLevel = 'advertiser' | 'campaign' | 'ad';

/** What a report can be broken down by. */
export type ReportGrouping = 'ad' | 'campaign' | 'placement' | 'site';

/** Counters per bucket start (epoch ms), where they were read, and as of when. */
export interface ReportCounters {
  source: 'cache' | 'database' | 'mixed';
  values: Map<number, StatsCounters>;
  /** Latest `hourly_stat.updated_at` over the rows counted (epoch ms); null: none. */
  lastIngestMs: number | null;
}

interface CountedBuckets {
  values: Map<number, StatsCounters>;
  lastIngestMs: number | null;
}

// Column names come from here, never from a request.
const levelColumn: Record<AdReportLevel, Prisma.Sql> = {
  advertiser: Prisma.raw('c."advertiser_id"'),
  campaign: Prisma.raw('s."campaign_id"'),
  ad: Prisma.raw('s."ad_id"'),
};
const groupColumns: Record<'ad' | 'campaign', { id: Prisma.Sql; name: Prisma.Sql }> = {
  ad: { id: Prisma.raw('s."ad_id"'), name: Prisma.raw('a."title"') },
  campaign: { id: Prisma.raw('s."campaign_id"'), name: Prisma.raw('c."name"') },
};
const bucketWidth: Record<ReportWindow['granularity'], Prisma.Sql> = {
  hour: Prisma.raw(`'1 hour'::interval`),
  day: Prisma.raw(`'1 day'::interval`),
};

/** Sums HourlyStat per UTC hour or day over the window, leaving out the buckets of `except`. */
export async function readCountersFromDatabase(
  db: Db,
  level: AdReportLevel,
  id: string,
  window: ReportWindow,
  except: BucketSpan | null = null,
): Promise<CountedBuckets> {
  const exclusion =
    except === null ? Prisma.empty : Prisma.sql`AND NOT (s."hour" >= ${new Date(except.fromMs)} AND s."hour" < ${new Date(except.toMs)})`;
  const join = level === 'advertiser' ? Prisma.sql`JOIN "campaign" c ON c."id" = s."campaign_id"` : Prisma.empty;
  const rows = await db.$queryRaw<
    Array<{ bucket: Date; impressions: bigint; viewable: bigint; clicks: bigint; spend: bigint; last_ingest: Date }>
  >`SELECT date_bin(${bucketWidth[window.granularity]}, s."hour", TIMESTAMPTZ '2000-01-01T00:00:00Z') AS bucket,
           sum(s."impressions")::bigint AS impressions,
           sum(s."viewable_impressions")::bigint AS viewable,
           sum(s."clicks")::bigint AS clicks,
           sum(s."spend_micros")::bigint AS spend,
           max(s."updated_at") AS last_ingest
      FROM "hourly_stat" s ${join}
     WHERE ${levelColumn[level]} = ${id}::uuid
       AND s."hour" >= ${new Date(window.fromMs)} AND s."hour" < ${new Date(window.toMs)} ${exclusion}
     GROUP BY 1`;
  const values = new Map<number, StatsCounters>();
  let lastIngestMs: number | null = null;
  for (const row of rows) {
    values.set(row.bucket.getTime(), {
      impressions: Number(row.impressions),
      viewableImpressions: Number(row.viewable),
      clicks: Number(row.clicks),
      spendMicros: Number(row.spend),
    });
    lastIngestMs = Math.max(lastIngestMs ?? -Infinity, row.last_ingest.getTime());
  }
  return { values, lastIngestMs };
}

/**
 * The buckets of the window the warmed series may answer (`cachedSpanOf`: warmed, and not
 * changed by a roll-up since the warm read them), with their counters; null when there are
 * none. A Redis failure or a malformed entry is logged and answered from the database
 * instead: a report must not fail because the cache does. So is a series warmed before
 * points carried `lastIngestAt` (its figures would have no date).
 */
export async function readCountersFromCache(
  { redis, keys, logger }: RedisContext,
  level: AdReportLevel,
  id: string,
  window: ReportWindow,
): Promise<(CountedBuckets & { span: BucketSpan }) | null> {
  const store = new TimeSeriesStore(redis, keys);
  try {
    const view = await store.readWithChanges(level, id, window.granularity, { from: window.fromMs, to: window.toMs });
    if (view.meta === null) return null;
    const span = cachedSpanOf(window, {
      warmedFromMs: Date.parse(view.meta.from),
      warmedToMs: Date.parse(view.meta.to),
      changedFromMs: view.changedFromMs,
    });
    if (span === null) return null;
    const values = new Map<number, StatsCounters>();
    let lastIngestMs: number | null = null;
    for (const bucket of view.buckets) {
      const at = Date.parse(bucket.bucket);
      if (at < span.fromMs || at >= span.toMs) continue;
      if (bucket.lastIngestAt === undefined) return null;
      values.set(at, {
        impressions: bucket.impressions,
        viewableImpressions: bucket.viewableImpressions,
        clicks: bucket.clicks,
        spendMicros: bucket.spendMicros,
      });
      lastIngestMs = Math.max(lastIngestMs ?? -Infinity, Date.parse(bucket.lastIngestAt));
    }
    return { span, values, lastIngestMs };
  } catch (error) {
    logger.warn({ err: error, level, id }, 'time-series cache unreadable; reporting from the database');
    return null;
  }
}

/**
 * Counters of a report window, equal to the database's: the buckets the warmed cache holds
 * unchanged since its warm come from Redis, every other bucket (not warmed yet, or changed by
 * a roll-up after the warm) from the database.
 */
export async function readReportCounters(
  db: Db,
  cache: RedisContext,
  level: AdReportLevel,
  id: string,
  window: ReportWindow,
): Promise<ReportCounters> {
  const cached = await readCountersFromCache(cache, level, id, window);
  if (cached === null) return { source: 'database', ...(await readCountersFromDatabase(db, level, id, window)) };
  if (cached.span.fromMs === window.fromMs && cached.span.toMs === window.toMs) {
    return { source: 'cache', values: cached.values, lastIngestMs: cached.lastIngestMs };
  }
  const database = await readCountersFromDatabase(db, level, id, window, cached.span);
  const values = new Map([...cached.values, ...database.values]);
  const known = [cached.lastIngestMs, database.lastIngestMs].filter((ms): ms is number => ms !== null);
  return { source: 'mixed', values, lastIngestMs: known.length === 0 ? null : Math.max(...known) };
}

/** Counters of one ad, campaign, placement or site of a broken-down report. */
export interface GroupCounters {
  id: string;
  name: string;
  values: Map<number, StatsCounters>;
}

/** Counters of a report read from the database in one statement, per group when grouped. */
export interface GroupedCounters {
  groups: GroupCounters[];
  values: Map<number, StatsCounters>;
  lastIngestMs: number | null;
}

interface GroupedRow {
  group_id: string;
  group_name: string;
  bucket: Date;
  impressions: bigint;
  viewable: bigint;
  clicks: bigint;
  spend: bigint;
  last_ingest: Date | null;
}

// Subject and group columns over placement_hourly_stat s joined with placement p, site si, ad a
// and campaign c. Column names come from here, never from a request.
const placementLevelColumn: Record<ReportLevel, Prisma.Sql> = {
  advertiser: Prisma.raw('c."advertiser_id"'),
  campaign: Prisma.raw('s."campaign_id"'),
  ad: Prisma.raw('s."ad_id"'),
  site: Prisma.raw('p."site_id"'),
  placement: Prisma.raw('s."placement_id"'),
};
const placementGroupColumns: Record<ReportGrouping, { id: Prisma.Sql; name: Prisma.Sql }> = {
  ...groupColumns,
  placement: { id: Prisma.raw('s."placement_id"'), name: Prisma.raw('p."name"') },
  site: { id: Prisma.raw('p."site_id"'), name: Prisma.raw('si."name"') },
};
const placementJoins = Prisma.raw(`JOIN "placement" p ON p."id" = s."placement_id"
      JOIN "site" si ON si."id" = p."site_id"
      JOIN "ad" a ON a."id" = s."ad_id"
      JOIN "campaign" c ON c."id" = s."campaign_id"`);
const unattributedName: Record<ReportGrouping, string> = {
  ad: '',
  campaign: '',
  placement: 'No known placement',
  site: 'No known site',
};

const bucketOf = (window: ReportWindow) =>
  Prisma.sql`date_bin(${bucketWidth[window.granularity]}, s."hour", TIMESTAMPTZ '2000-01-01T00:00:00Z')`;
const counterSums = Prisma.raw(`sum(s."impressions")::bigint AS impressions,
           sum(s."viewable_impressions")::bigint AS viewable,
           sum(s."clicks")::bigint AS clicks,
           sum(s."spend_micros")::bigint AS spend,
           max(s."updated_at") AS last_ingest`);

/** Adds rows up per group and per bucket; groups keep the rows' order, `unattributed` goes last. */
function groupedCountersOf(rows: readonly GroupedRow[]): GroupedCounters {
  const groups = new Map<string, GroupCounters>();
  const values = new Map<number, StatsCounters>();
  let lastIngestMs: number | null = null;
  for (const row of rows) {
    const counters = {
      impressions: Number(row.impressions),
      viewableImpressions: Number(row.viewable),
      clicks: Number(row.clicks),
      spendMicros: Number(row.spend),
    };
    // The unattributed remainder of a bucket whose events all had a placement.
    if (row.group_id === rest.UNATTRIBUTED_GROUP_ID && Object.values(counters).every((value) => value === 0)) continue;
    let entry = groups.get(row.group_id);
    if (entry === undefined) {
      entry = { id: row.group_id, name: row.group_name, values: new Map() };
      groups.set(row.group_id, entry);
    }
    const at = row.bucket.getTime();
    entry.values.set(at, counters);
    const sum = values.get(at) ?? { impressions: 0, viewableImpressions: 0, clicks: 0, spendMicros: 0 };
    values.set(at, {
      impressions: sum.impressions + counters.impressions,
      viewableImpressions: sum.viewableImpressions + counters.viewableImpressions,
      clicks: sum.clicks + counters.clicks,
      spendMicros: sum.spendMicros + counters.spendMicros,
    });
    if (row.last_ingest !== null) lastIngestMs = Math.max(lastIngestMs ?? -Infinity, row.last_ingest.getTime());
  }
  const unattributed = groups.get(rest.UNATTRIBUTED_GROUP_ID);
  groups.delete(rest.UNATTRIBUTED_GROUP_ID);
  return { groups: [...groups.values(), ...(unattributed === undefined ? [] : [unattributed])], values, lastIngestMs };
}

/**
 * Counters of a report window per ad, campaign, placement or site with stats in it (ordered by
 * name, then id), and their sum per bucket. Always read from the database, in one statement, so
 * that the groups and the overall figures are the same snapshot and add up exactly.
 *
 * An advertiser, campaign or ad broken down by placement or site: the placement rows, plus one
 * `unattributed` group holding what `hourly_stat` counted beyond them (events rolled up before
 * placements were recorded, or served on a placement that is unknown or deleted), so that the
 * groups add up to the report without a breakdown. A site or placement report counts only
 * `placement_hourly_stat`, limited to the advertiser's campaigns for an advertiser's key.
 */
export async function readGroupedCounters(
  db: Db,
  level: ReportLevel,
  id: string,
  grouping: ReportGrouping,
  window: ReportWindow,
  advertiserScope: string | undefined,
): Promise<GroupedCounters> {
  const inWindow = Prisma.sql`s."hour" >= ${new Date(window.fromMs)} AND s."hour" < ${new Date(window.toMs)}`;
  if ((level === 'advertiser' || level === 'campaign' || level === 'ad') && (grouping === 'ad' || grouping === 'campaign')) {
    const group = groupColumns[grouping];
    return groupedCountersOf(
      await db.$queryRaw<GroupedRow[]>`SELECT ${group.id}::text AS group_id, ${group.name} AS group_name,
             ${bucketOf(window)} AS bucket, ${counterSums}
        FROM "hourly_stat" s
        JOIN "ad" a ON a."id" = s."ad_id"
        JOIN "campaign" c ON c."id" = s."campaign_id"
       WHERE ${levelColumn[level]} = ${id}::uuid AND ${inWindow}
       GROUP BY 1, 2, 3
       ORDER BY 2, 1, 3`,
    );
  }
  const group = placementGroupColumns[grouping];
  const scope = advertiserScope === undefined ? Prisma.empty : Prisma.sql`AND c."advertiser_id" = ${advertiserScope}::uuid`;
  const placementRows = Prisma.sql`SELECT ${group.id}::text AS group_id, ${group.name} AS group_name, s."hour",
             s."impressions", s."viewable_impressions", s."clicks", s."spend_micros", s."updated_at"
        FROM "placement_hourly_stat" s ${placementJoins}
       WHERE ${placementLevelColumn[level]} = ${id}::uuid AND ${inWindow} ${scope}`;
  const remainder =
    level === 'site' || level === 'placement'
      ? Prisma.empty
      : Prisma.sql`UNION ALL
      SELECT ${rest.UNATTRIBUTED_GROUP_ID}, ${unattributedName[grouping]}, s."hour",
             s."impressions", s."viewable_impressions", s."clicks", s."spend_micros", s."updated_at"
        FROM "hourly_stat" s JOIN "campaign" c ON c."id" = s."campaign_id"
       WHERE ${levelColumn[level]} = ${id}::uuid AND ${inWindow}
      UNION ALL
      SELECT ${rest.UNATTRIBUTED_GROUP_ID}, ${unattributedName[grouping]}, s."hour",
             -s."impressions", -s."viewable_impressions", -s."clicks", -s."spend_micros", NULL
        FROM "placement_hourly_stat" s JOIN "campaign" c ON c."id" = s."campaign_id"
       WHERE ${levelColumn[level]} = ${id}::uuid AND ${inWindow}`;
  return groupedCountersOf(
    await db.$queryRaw<GroupedRow[]>`SELECT s.group_id, s.group_name, ${bucketOf(window)} AS bucket, ${counterSums}
        FROM (${placementRows} ${remainder}) s
       GROUP BY 1, 2, 3
       ORDER BY 2, 1, 3`,
  );
}

/**
 * Counters of a site or placement over a report window, from `placement_hourly_stat` (limited
 * to the advertiser's campaigns for an advertiser's key). Never cached: the warmed time series
 * are per ad, campaign and advertiser.
 */
export async function readPlacementReportCounters(
  db: Db,
  level: 'site' | 'placement',
  id: string,
  window: ReportWindow,
  advertiserScope: string | undefined,
): Promise<ReportCounters> {
  const { values, lastIngestMs } = await readGroupedCounters(db, level, id, level, window, advertiserScope);
  return { source: 'database', values, lastIngestMs };
}
