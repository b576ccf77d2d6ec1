import type { z } from 'zod';
import type { rest } from '@ads/ads-client';
import { Prisma } from '../generated/prisma/client';
import type { Db } from './db';

/** The level `GET /delivery` sums at. */
export type DeliveryLevel = z.infer<typeof rest.deliveryLevel>;

/** One row's delivery as `GET /delivery` answers it. */
export type DeliveryRow = z.infer<typeof rest.deliveryRow>;

interface DeliverySums {
  id: string;
  time_zone: string;
  day: string;
  impressions: bigint;
  clicks: bigint;
  spend: bigint;
  today_impressions: bigint;
  today_clicks: bigint;
  today_spend: bigint;
}

// Each level: the rows asked for (with the time zone of their day) and how stats join them.
// Column and table names come from here, never from a request.
function rowsOf(level: DeliveryLevel, ids: readonly string[], advertiserScope: string | undefined): Prisma.Sql {
  const scope = (column: Prisma.Sql) =>
    advertiserScope === undefined ? Prisma.empty : Prisma.sql`AND ${column} = ${advertiserScope}::uuid`;
  switch (level) {
    case 'advertiser':
      return Prisma.sql`SELECT v.id, 'UTC'::text AS time_zone FROM "advertiser" v
                         WHERE v.id = ANY(${ids}::uuid[]) ${scope(Prisma.raw('v.id'))}`;
    case 'campaign':
      return Prisma.sql`SELECT c.id, c.time_zone FROM "campaign" c
                         WHERE c.id = ANY(${ids}::uuid[]) ${scope(Prisma.raw('c.advertiser_id'))}`;
    case 'ad':
      return Prisma.sql`SELECT a.id, c.time_zone FROM "ad" a JOIN "campaign" c ON c.id = a.campaign_id
                         WHERE a.id = ANY(${ids}::uuid[]) ${scope(Prisma.raw('c.advertiser_id'))}`;
    // Publisher inventory is visible to every role; the advertiser scope limits the stats instead.
    case 'site':
      return Prisma.sql`SELECT v.id, 'UTC'::text AS time_zone FROM "site" v WHERE v.id = ANY(${ids}::uuid[])`;
    case 'placement':
      return Prisma.sql`SELECT v.id, 'UTC'::text AS time_zone FROM "placement" v WHERE v.id = ANY(${ids}::uuid[])`;
  }
}

// Sites and placements count what was served on them (placement_hourly_stat); an advertiser's
// key sees only its own campaigns' part.
function statsJoinOf(level: DeliveryLevel, advertiserScope: string | undefined): Prisma.Sql {
  const scoped =
    advertiserScope === undefined
      ? Prisma.sql`"placement_hourly_stat"`
      : Prisma.sql`(SELECT ps.* FROM "placement_hourly_stat" ps JOIN "campaign" sc ON sc.id = ps.campaign_id
                     WHERE sc.advertiser_id = ${advertiserScope}::uuid)`;
  if (level === 'site') return Prisma.sql`LEFT JOIN ("placement" sp JOIN ${scoped} s ON s.placement_id = sp.id) ON sp.site_id = r.id`;
  if (level === 'placement') return Prisma.sql`LEFT JOIN ${scoped} s ON s.placement_id = r.id`;
  return statsJoin[level];
}

const statsJoin: Record<'advertiser' | 'campaign' | 'ad', Prisma.Sql> = {
  advertiser: Prisma.raw(`LEFT JOIN ("hourly_stat" s JOIN "campaign" sc ON sc.id = s.campaign_id) ON sc.advertiser_id = r.id`),
  campaign: Prisma.raw(`LEFT JOIN "hourly_stat" s ON s.campaign_id = r.id`),
  ad: Prisma.raw(`LEFT JOIN "hourly_stat" s ON s.ad_id = r.id`),
};

const ctrOf = (clicks: number, impressions: number) => (impressions === 0 ? 0 : clicks / impressions);

/**
 * Impressions, clicks, CTR and spend of each row since it began and on its current day (the
 * hours from the start of the day in the row's time zone), summed from HourlyStat (sites and
 * placements: PlacementHourlyStat, days of UTC) in one query.
 * Ids that name no row, or a row the advertiser scope hides, are left out.
 */
export async function readDelivery(
  db: Db,
  level: DeliveryLevel,
  ids: readonly string[],
  advertiserScope: string | undefined,
  now: Date,
): Promise<DeliveryRow[]> {
  const rows = await db.$queryRaw<DeliverySums[]>`
    WITH r AS (
      SELECT q.id, q.time_zone,
             (date_trunc('day', ${now}::timestamptz AT TIME ZONE q.time_zone) AT TIME ZONE q.time_zone) AS day_start,
             to_char(${now}::timestamptz AT TIME ZONE q.time_zone, 'YYYY-MM-DD') AS day
        FROM (${rowsOf(level, ids, advertiserScope)}) q
    )
    SELECT r.id::text AS id, r.time_zone, r.day,
           coalesce(sum(s.impressions), 0)::bigint AS impressions,
           coalesce(sum(s.clicks), 0)::bigint AS clicks,
           coalesce(sum(s.spend_micros), 0)::bigint AS spend,
           coalesce(sum(s.impressions) FILTER (WHERE s.hour >= r.day_start), 0)::bigint AS today_impressions,
           coalesce(sum(s.clicks) FILTER (WHERE s.hour >= r.day_start), 0)::bigint AS today_clicks,
           coalesce(sum(s.spend_micros) FILTER (WHERE s.hour >= r.day_start), 0)::bigint AS today_spend
      FROM r ${statsJoinOf(level, advertiserScope)}
     GROUP BY r.id, r.time_zone, r.day, r.day_start`;
  const byId = new Map(rows.map((row) => [row.id, row]));
  // In the order asked for, so that the answer lines up with the list page.
  return [...new Set(ids)].flatMap((id) => {
    const row = byId.get(id);
    if (row === undefined) return [];
    const impressions = Number(row.impressions);
    const clicks = Number(row.clicks);
    const todayImpressions = Number(row.today_impressions);
    const todayClicks = Number(row.today_clicks);
    return [
      {
        id,
        impressions,
        clicks,
        ctr: ctrOf(clicks, impressions),
        spendMicros: Number(row.spend),
        today: {
          day: row.day,
          timeZone: row.time_zone,
          impressions: todayImpressions,
          clicks: todayClicks,
          ctr: ctrOf(todayClicks, todayImpressions),
          spendMicros: Number(row.today_spend),
        },
      },
    ];
  });
}
