import type { dataApi } from '@ads/ads-client';
import type { z } from 'zod';
import { DataApiError } from '../errors';
import {
  clickThroughRate,
  findStatsRowProblems,
  isUuid,
  mergePlacementStatsRows,
  mergeStatsRows,
  type StatsRow,
} from '../domain/stats-rows';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { Logger } from 'pino';
import { isRetryableTransactionError, sqlStateOf } from './sql-state';

export type StatsLevel = z.infer<typeof dataApi.statsLevel>;
export type StatsGranularity = z.infer<typeof dataApi.statsGranularity>;
export type StatsSeries = z.input<typeof dataApi.statsSeries>;

const MAX_ATTEMPTS = 3;
const HOUR_MS = 3_600_000;
/** Widest range a query may cover, per granularity: bounds the points of one answer. */
export const MAX_QUERY_RANGE_MS: Record<StatsGranularity, number> = { hour: 93 * 24 * HOUR_MS, day: 3_700 * 24 * HOUR_MS };

/**
 * Applies one roll-up batch exactly once. In one transaction: the batch id goes into
 * `stats_batch` first, so a second delivery (sequential or concurrent: it waits on the first
 * one's row lock) finds it and changes nothing; then every row is added to its hourly counters
 * in one `INSERT … ON CONFLICT DO UPDATE` over unnested arrays. An unknown ad id fails the whole
 * batch, naming the first rows at fault; nothing is written.
 *
 * Rows that name a placement are also added, in the same transaction, to its counters in
 * `placement_hourly_stat`. A placement key that names no placement (unknown, deleted) does not
 * fail the batch: the row counts under its ad in `hourly_stat` only, which placement and site
 * breakdowns show as unattributed.
 */
export async function ingestStatsBatch(
  prisma: PrismaClient,
  batch: { batchId: string; rows: readonly StatsRow[] },
  logger: Logger,
): Promise<{ applied: boolean; rows: number }> {
  const problems = findStatsRowProblems(batch.rows);
  if (problems.length > 0) throw statsRowError(problems);
  const columns = mergeStatsRows(batch.rows);
  const literals = arrayLiterals(columns);
  const placementColumns = mergePlacementStatsRows(batch.rows);
  const placementLiterals = { ...arrayLiterals(placementColumns), placementKeys: `{${placementColumns.placementKeys.join(',')}}` };

  for (let attempt = 1; ; attempt += 1) {
    try {
      return await prisma.$transaction(
        async (tx) => {
          const claimed = await tx.$executeRaw`
            INSERT INTO stats_batch (batch_id, rows) VALUES (${batch.batchId}, ${batch.rows.length})
            ON CONFLICT (batch_id) DO NOTHING`;
          if (claimed === 0) {
            const [applied] = await tx.$queryRaw<Array<{ rows: number }>>`SELECT rows FROM stats_batch WHERE batch_id = ${batch.batchId}`;
            return { applied: false, rows: applied?.rows ?? batch.rows.length };
          }
          // Sorting 50,000 rows in memory rather than in temporary files.
          await tx.$executeRaw`SET LOCAL work_mem = '64MB'`;
          // The join with ad supplies campaign_id and drops unknown ads; a short count exposes them.
          const written = await tx.$executeRaw`
            INSERT INTO hourly_stat AS h (ad_id, campaign_id, hour, impressions, viewable_impressions, clicks, spend_micros, updated_at)
            SELECT r.ad_id, ad.campaign_id, r.hour, r.impressions, r.viewable_impressions, r.clicks, r.spend_micros, now()
              FROM unnest(${literals.adIds}::uuid[], ${literals.hours}::timestamptz[], ${literals.impressions}::int[],
                          ${literals.viewableImpressions}::int[], ${literals.clicks}::int[], ${literals.spendMicros}::bigint[])
                   AS r(ad_id, hour, impressions, viewable_impressions, clicks, spend_micros)
              JOIN ad ON ad.id = r.ad_id
             ORDER BY r.ad_id, r.hour
            ON CONFLICT (ad_id, hour) DO UPDATE SET
              impressions = h.impressions + excluded.impressions,
              viewable_impressions = h.viewable_impressions + excluded.viewable_impressions,
              clicks = h.clicks + excluded.clicks,
              spend_micros = h.spend_micros + excluded.spend_micros,
              updated_at = excluded.updated_at`;
          if (written !== columns.adIds.length) {
            const unknown = await tx.$queryRaw<Array<{ ad_id: string }>>`
              SELECT DISTINCT r.ad_id::text AS ad_id FROM unnest(${literals.adIds}::uuid[]) AS r(ad_id)
               WHERE NOT EXISTS (SELECT 1 FROM ad WHERE ad.id = r.ad_id)`;
            throw unknownAdsError(batch.rows, new Set(unknown.map((row) => row.ad_id)));
          }
          if (placementColumns.adIds.length > 0) {
            // The join with placement drops keys that name none; every ad is known by now.
            await tx.$executeRaw`
              INSERT INTO placement_hourly_stat AS h
                     (placement_id, ad_id, campaign_id, hour, impressions, viewable_impressions, clicks, spend_micros, updated_at)
              SELECT p.id, r.ad_id, ad.campaign_id, r.hour, r.impressions, r.viewable_impressions, r.clicks, r.spend_micros, now()
                FROM unnest(${placementLiterals.placementKeys}::text[], ${placementLiterals.adIds}::uuid[],
                            ${placementLiterals.hours}::timestamptz[], ${placementLiterals.impressions}::int[],
                            ${placementLiterals.viewableImpressions}::int[], ${placementLiterals.clicks}::int[],
                            ${placementLiterals.spendMicros}::bigint[])
                     AS r(placement_key, ad_id, hour, impressions, viewable_impressions, clicks, spend_micros)
                JOIN placement p ON p.key = r.placement_key
                JOIN ad ON ad.id = r.ad_id
               ORDER BY p.id, r.hour, r.ad_id
              ON CONFLICT (placement_id, hour, ad_id) DO UPDATE SET
                impressions = h.impressions + excluded.impressions,
                viewable_impressions = h.viewable_impressions + excluded.viewable_impressions,
                clicks = h.clicks + excluded.clicks,
                spend_micros = h.spend_micros + excluded.spend_micros,
                updated_at = excluded.updated_at`;
          }
          return { applied: true, rows: batch.rows.length };
        },
        // Large batches and waiting behind a concurrent delivery of the same batch take time.
        { timeout: 120_000, maxWait: 30_000, isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted },
      );
    } catch (error) {
      if (error instanceof DataApiError) throw error;
      if (sqlStateOf(error) === '22003') {
        throw statsRowError([{ path: ['rows'], message: 'a counter would exceed 2147483647 for one ad and hour' }], error);
      }
      if (attempt < MAX_ATTEMPTS && isRetryableTransactionError(error)) {
        logger.warn({ err: error, batchId: batch.batchId, attempt }, 'stats batch hit a deadlock; retrying');
        continue;
      }
      throw error;
    }
  }
}

/**
 * Each column as one PostgreSQL array literal (`{a,b,c}`) in one text parameter: Prisma then
 * sends six strings instead of converting 300,000 values one by one, which halves the time of
 * a large batch. Safe without quoting: ids were checked to be UUIDs, hours are ISO instants
 * and the rest are integers, none of which contains a comma, brace, quote or space.
 */
function arrayLiterals(columns: ReturnType<typeof mergeStatsRows>) {
  const literal = (values: readonly unknown[]) => `{${values.join(',')}}`;
  return {
    adIds: literal(columns.adIds),
    hours: literal(columns.hours.map((hour) => hour.toISOString())),
    impressions: literal(columns.impressions),
    viewableImpressions: literal(columns.viewableImpressions),
    clicks: literal(columns.clicks),
    spendMicros: literal(columns.spendMicros),
  };
}

function statsRowError(fields: DataApiError['fields'], cause?: unknown): DataApiError {
  const described = fields.map((field) => `${field.path.join('.')}: ${field.message}`).join('; ');
  return new DataApiError('STATS_ROW_INVALID', `invalid stats rows: ${described}`, { fields, cause });
}

function unknownAdsError(rows: readonly StatsRow[], unknownAdIds: ReadonlySet<string>): DataApiError {
  const fields: DataApiError['fields'] = [];
  for (const [index, row] of rows.entries()) {
    if (unknownAdIds.has(row.adId.toLowerCase())) fields.push({ path: ['rows', index, 'adId'], message: `no ad has id ${row.adId}` });
    if (fields.length >= 20) break;
  }
  return statsRowError(fields);
}

/** What `stats.query` asks for, after the contract's validation. */
export interface StatsQuery {
  level: StatsLevel;
  ids?: string[] | undefined;
  from: string;
  to: string;
  granularity: StatsGranularity;
}

interface BucketRow {
  id: string;
  bucket: Date;
  impressions: bigint;
  viewable_impressions: bigint;
  clicks: bigint;
  spend_micros: bigint;
  last_ingest_at: Date;
}

const levelColumn: Record<StatsLevel, Prisma.Sql> = {
  ad: Prisma.sql`s.ad_id`,
  campaign: Prisma.sql`s.campaign_id`,
  advertiser: Prisma.sql`c.advertiser_id`,
};

/**
 * Series of counters per ad, campaign or advertiser over [from, to), in UTC hour or day
 * buckets, with totals and CTR; each bucket also says when a roll-up last changed it
 * (`lastIngestAt`). Buckets without data are left out. With `ids`, one series per id in the
 * order given (empty when there is no data); without, one per id that has data.
 */
export async function queryStats(prisma: PrismaClient, query: StatsQuery): Promise<StatsSeries[]> {
  const from = new Date(query.from);
  const to = new Date(query.to);
  if (to.getTime() <= from.getTime()) {
    throw new DataApiError('STATS_QUERY_INVALID', 'to: must be after from', { fields: [{ path: ['to'], message: 'must be after from' }] });
  }
  const maxRange = MAX_QUERY_RANGE_MS[query.granularity];
  if (to.getTime() - from.getTime() > maxRange) {
    const message = `the range may cover at most ${maxRange / (24 * HOUR_MS)} days with ${query.granularity} buckets`;
    throw new DataApiError('STATS_QUERY_INVALID', `to: ${message}`, { fields: [{ path: ['to'], message }] });
  }
  const badId = query.ids?.findIndex((id) => !isUuid(id)) ?? -1;
  if (badId >= 0) {
    throw new DataApiError('STATS_QUERY_INVALID', `ids.${badId}: not an id (UUID)`, {
      fields: [{ path: ['ids', badId], message: 'not an id (UUID)' }],
    });
  }
  const ids = query.ids?.map((id) => id.toLowerCase());
  const key = levelColumn[query.level];
  const join = query.level === 'advertiser' ? Prisma.sql`JOIN campaign c ON c.id = s.campaign_id` : Prisma.empty;
  const idFilter = ids === undefined ? Prisma.empty : Prisma.sql`AND ${key} = ANY(${ids}::uuid[])`;
  const rows = await prisma.$queryRaw<BucketRow[]>`
    SELECT ${key}::text AS id, date_trunc(${query.granularity}, s.hour, 'UTC') AS bucket,
           sum(s.impressions)::bigint AS impressions, sum(s.viewable_impressions)::bigint AS viewable_impressions,
           sum(s.clicks)::bigint AS clicks, sum(s.spend_micros)::bigint AS spend_micros,
           max(s.updated_at) AS last_ingest_at
      FROM hourly_stat s ${join}
     WHERE s.hour >= ${from} AND s.hour < ${to} ${idFilter}
     GROUP BY 1, 2
     ORDER BY 1, 2`;

  const series = new Map<string, StatsSeries & { totals: Totals }>();
  for (const id of ids ?? []) series.set(id, emptySeries(query.level, id));
  for (const row of rows) {
    let entry = series.get(row.id);
    if (entry === undefined) {
      entry = emptySeries(query.level, row.id);
      series.set(row.id, entry);
    }
    const point = {
      bucket: row.bucket.toISOString(),
      impressions: Number(row.impressions),
      viewableImpressions: Number(row.viewable_impressions),
      clicks: Number(row.clicks),
      spendMicros: Number(row.spend_micros),
      ctr: clickThroughRate(Number(row.clicks), Number(row.impressions)),
      lastIngestAt: row.last_ingest_at.toISOString(),
    };
    entry.points.push(point);
    entry.totals.impressions += point.impressions;
    entry.totals.viewableImpressions += point.viewableImpressions;
    entry.totals.clicks += point.clicks;
    entry.totals.spendMicros += point.spendMicros;
  }
  for (const entry of series.values()) entry.totals.ctr = clickThroughRate(entry.totals.clicks, entry.totals.impressions);
  return [...series.values()];
}

type Totals = { impressions: number; viewableImpressions: number; clicks: number; spendMicros: number; ctr: number };

function emptySeries(level: StatsLevel, id: string): StatsSeries & { totals: Totals; points: NonNullable<StatsSeries['points']> } {
  return { level, id, points: [], totals: { impressions: 0, viewableImpressions: 0, clicks: 0, spendMicros: 0, ctr: 0 } };
}
