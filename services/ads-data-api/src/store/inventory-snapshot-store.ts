import type { dataApi } from '@ads/ads-client';
import type { z } from 'zod';
import { encodeSnapshotCursor, type SnapshotCursor } from '../domain/snapshot-cursor';
import type { PrismaClient } from '../generated/prisma/client';

export type InventorySnapshotPage = z.input<typeof dataApi.inventorySnapshotPage>;
type SnapshotCampaign = z.input<typeof dataApi.snapshotCampaign>;
type SnapshotAd = z.input<typeof dataApi.snapshotAd>;

interface CampaignRow {
  id: string;
  advertiser_id: string;
  name: string;
  flight_start: Date;
  flight_end: Date;
  time_zone: string;
  total_budget: number;
  daily_budget: number | null;
  spent_micros: bigint;
  pacing: SnapshotCampaign['pacing'];
  priority: SnapshotCampaign['priority'];
  bid_type: SnapshotCampaign['bidType'];
  bid_amount: number;
  frequency_cap_count: number | null;
  frequency_cap_window_seconds: number | null;
  countries: string[];
  devices: string[];
  keywords: string[];
  site_ids: string[];
  categories: string[];
  day_parting_hours: number[];
  day_parting_weekdays: number[];
  property_expression: string | null;
  exclusion_label: string | null;
}

interface AdRow {
  campaign_id: string;
  id: string;
  format: SnapshotAd['format'];
  title: string;
  body: string;
  image_url: string | null;
  click_url: string;
  width: number | null;
  height: number | null;
  status: SnapshotAd['status'];
}

// Sorts before every UUID, so the first page needs no special case in SQL.
const BEFORE_EVERY_CAMPAIGN = '00000000-0000-0000-0000-000000000000';

/**
 * One page of the inventory snapshot cache-warming builds the serving index from: live
 * campaigns (active, of an active advertiser, flight not over at `asOf`) ordered by id, each
 * with its servable ads (active and approved) and its lifetime spend. Two queries per page
 * whatever its size; the first page adds placements and feature switches (two small queries).
 *
 * Pages are read at different moments: a campaign changed between two pages shows its state
 * at the time its page was read. The inventory-changed notice makes warming read again.
 */
export async function readInventorySnapshotPage(
  prisma: PrismaClient,
  request: { cursor: SnapshotCursor | undefined; limit: number; now?: Date },
): Promise<InventorySnapshotPage> {
  const asOf = request.cursor?.asOf ?? request.now ?? new Date();
  const after = request.cursor?.afterCampaignId ?? BEFORE_EVERY_CAMPAIGN;
  // One row more than asked tells whether another page follows without a count query.
  const campaignRows = await prisma.$queryRaw<CampaignRow[]>`
    SELECT c.id, c.advertiser_id, c.name, c.flight_start, c.flight_end, c.time_zone,
           c.total_budget, c.daily_budget, c.pacing::text AS pacing, c.priority::text AS priority,
           c.bid_type::text AS bid_type, c.bid_amount, c.frequency_cap_count, c.frequency_cap_window_seconds,
           c.countries, c.devices, c.keywords, c.site_ids, c.categories,
           c.day_parting_hours, c.day_parting_weekdays, c.property_expression, c.exclusion_label,
           COALESCE((SELECT sum(s.spend_micros) FROM hourly_stat s WHERE s.campaign_id = c.id), 0)::bigint AS spent_micros
      FROM campaign c
      JOIN advertiser a ON a.id = c.advertiser_id
     WHERE c.status = 'active' AND a.status = 'active' AND c.flight_end > ${asOf}
       AND c.id > ${after}::uuid
     ORDER BY c.id
     LIMIT ${request.limit + 1}`;
  const hasMore = campaignRows.length > request.limit;
  if (hasMore) campaignRows.pop();

  const campaigns = campaignRows.map(toSnapshotCampaign);
  if (campaigns.length > 0) {
    const byId = new Map(campaigns.map((campaign) => [campaign.id, campaign]));
    const adRows = await prisma.$queryRaw<AdRow[]>`
      SELECT ad.campaign_id, ad.id, ad.format::text AS format, ad.title, ad.body, ad.image_url, ad.click_url,
             ad.width, ad.height, ad.status::text AS status
        FROM ad
       WHERE ad.campaign_id = ANY(${campaigns.map((campaign) => campaign.id)}::uuid[])
         AND ad.status = 'active' AND ad.review_state = 'approved'
       ORDER BY ad.campaign_id, ad.id`;
    for (const row of adRows) {
      byId.get(row.campaign_id)!.ads.push({
        id: row.id,
        format: row.format,
        title: row.title,
        body: row.body,
        imageUrl: row.image_url,
        clickUrl: row.click_url,
        width: row.width,
        height: row.height,
        status: row.status,
      });
    }
  }

  const page: InventorySnapshotPage = {
    asOf: asOf.toISOString(),
    campaigns,
    nextCursor: hasMore ? encodeSnapshotCursor({ asOf, afterCampaignId: campaigns[campaigns.length - 1]!.id }) : null,
  };
  if (request.cursor === undefined) {
    const [placements, featureSwitches] = await Promise.all([readPlacements(prisma), readFeatureSwitches(prisma)]);
    page.placements = placements;
    page.featureSwitches = featureSwitches;
  }
  return page;
}

function toSnapshotCampaign(row: CampaignRow): SnapshotCampaign & { ads: SnapshotAd[] } {
  return {
    id: row.id,
    advertiserId: row.advertiser_id,
    name: row.name,
    flightStart: row.flight_start.toISOString(),
    flightEnd: row.flight_end.toISOString(),
    timeZone: row.time_zone,
    totalBudget: row.total_budget,
    dailyBudget: row.daily_budget,
    spentMicros: Number(row.spent_micros),
    pacing: row.pacing,
    priority: row.priority,
    bidType: row.bid_type,
    bidAmount: row.bid_amount,
    frequencyCap:
      row.frequency_cap_count === null || row.frequency_cap_window_seconds === null
        ? null
        : { count: row.frequency_cap_count, windowSeconds: row.frequency_cap_window_seconds },
    targeting: {
      countries: row.countries,
      devices: row.devices as SnapshotCampaign['targeting']['devices'] & string[],
      keywords: row.keywords,
      siteIds: row.site_ids,
      categories: row.categories,
      hours: row.day_parting_hours,
      weekdays: row.day_parting_weekdays,
      // Absent, not null, without an expression: most campaigns have none, and the index is smaller.
      ...(row.property_expression === null ? {} : { properties: row.property_expression }),
    },
    exclusionLabel: row.exclusion_label,
    ads: [],
  };
}

/** Placements that may show ads: active, on an active site. */
async function readPlacements(prisma: PrismaClient): Promise<NonNullable<InventorySnapshotPage['placements']>> {
  const rows = await prisma.$queryRaw<
    Array<{ id: string; key: string; site_id: string; site_domain: string; allowed_formats: string[]; category: string | null }>
  >`
    SELECT p.id, p.key, p.site_id, s.domain AS site_domain, p.allowed_formats::text[] AS allowed_formats,
           COALESCE(p.category, s.category) AS category
      FROM placement p
      JOIN site s ON s.id = p.site_id
     WHERE p.status = 'active' AND s.status = 'active'
     ORDER BY p.key`;
  return rows.map((row) => ({
    id: row.id,
    key: row.key,
    siteId: row.site_id,
    siteDomain: row.site_domain,
    allowedFormats: row.allowed_formats as Array<'native' | 'banner'>,
    category: row.category,
  }));
}

async function readFeatureSwitches(prisma: PrismaClient): Promise<NonNullable<InventorySnapshotPage['featureSwitches']>> {
  return prisma.featureSwitch.findMany({
    select: { name: true, enabled: true, percentage: true, scope: true, scopeId: true },
    orderBy: [{ name: 'asc' }, { scope: 'asc' }, { scopeId: 'asc' }],
  });
}
