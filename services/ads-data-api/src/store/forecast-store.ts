import {
  FORECAST_LOOKBACK_DAYS,
  MICROS_PER_MINOR_UNIT,
  type ForecastResponse,
  type OpportunitySample,
  type forecast,
} from '@ads/ads-client';
import type { z } from 'zod';
import {
  computeForecast,
  type BookedCampaign,
  type ForecastCampaignTerms,
  type OpportunityDaySample,
  type OpportunityHourCount,
} from '../domain/forecast-model';
import type { ForecastPlacement } from '../domain/forecast-audience-matcher';
import { isRowId } from '../domain/row-id';
import { DataApiError } from '../errors';
import { toCampaignView } from './campaign-store';
import type { Db } from './db';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Day samples kept parsed in memory per database client (a lookback and some slack). */
const CACHED_DAYS = 64;

type ForecastRequestInput = z.output<typeof forecast.forecastRequest>;

/** Who asks: an advertiser key sees other advertisers' campaigns only anonymously. */
export interface ForecastCaller {
  advertiserScope: string | undefined;
  now: Date;
}

/** Name of a competitor shown to an advertiser key: other advertisers' bookings are private. */
export const ANONYMOUS_COMPETITOR = 'another campaign';

// Day samples are up to 20,000 entries of JSON: parsed ones are kept per client, keyed by day
// and updated_at, so a form asking again while targeting changes reads only the day list.
const sampleCache = new WeakMap<object, Map<number, { updatedAtMs: number; day: OpportunityDaySample }>>();

async function readDaySamples(db: Db, fromMs: number, toMs: number): Promise<OpportunityDaySample[]> {
  let cache = sampleCache.get(db);
  if (cache === undefined) {
    cache = new Map();
    sampleCache.set(db, cache);
  }
  const where = { day: { gte: new Date(fromMs), lt: new Date(toMs) } };
  const stamps = await db.opportunityDay.findMany({ where, select: { day: true, updatedAt: true } });
  const stale = stamps.filter((stamp) => cache.get(stamp.day.getTime())?.updatedAtMs !== stamp.updatedAt.getTime());
  if (stale.length > 0) {
    const rows = await db.opportunityDay.findMany({ where: { day: { in: stale.map((stamp) => stamp.day) } } });
    for (const row of rows) {
      const sample = Array.isArray(row.sample) ? (row.sample as unknown as OpportunitySample[]) : [];
      cache.set(row.day.getTime(), {
        updatedAtMs: row.updatedAt.getTime(),
        day: { dayMs: row.day.getTime(), sampleThreshold: row.sampleThreshold, sample },
      });
    }
  }
  // Oldest days out first once the cache is full.
  for (const dayMs of [...cache.keys()].sort((left, right) => left - right)) {
    if (cache.size <= CACHED_DAYS) break;
    cache.delete(dayMs);
  }
  return stamps.flatMap((stamp) => {
    const cached = cache.get(stamp.day.getTime());
    return cached === undefined ? [] : [cached.day];
  });
}

async function spentMinorByCampaign(db: Db, campaignIds: readonly string[]): Promise<Map<string, number>> {
  if (campaignIds.length === 0) return new Map();
  const sums = await db.hourlyStat.groupBy({
    by: ['campaignId'],
    where: { campaignId: { in: [...campaignIds] } },
    _sum: { spendMicros: true },
  });
  return new Map(sums.map((sum) => [sum.campaignId, Number(sum._sum.spendMicros ?? 0n) / MICROS_PER_MINOR_UNIT]));
}

/**
 * Forecasts a proposed campaign (`POST /api/v1/forecasts`, `forecasts.run`): reads the
 * opportunity history of the lookback, the active placements and the booked campaigns, and
 * hands them to the pure model. An advertiser caller sees competitors without name or id.
 */
export async function runForecast(db: Db, request: ForecastRequestInput, caller: ForecastCaller): Promise<ForecastResponse> {
  const asOfMs = request.asOf === undefined ? caller.now.getTime() : Date.parse(request.asOf);
  const lookbackEndMs = Math.floor(asOfMs / HOUR_MS) * HOUR_MS;
  const lookbackStartMs = lookbackEndMs - FORECAST_LOOKBACK_DAYS * DAY_MS;
  const proposed = request.campaign;

  let spentMinor = 0;
  if (request.campaignId !== undefined) {
    const own = isRowId(request.campaignId)
      ? await db.campaign.findFirst({
          where: { id: request.campaignId, ...(caller.advertiserScope === undefined ? {} : { advertiserId: caller.advertiserScope }) },
          select: { id: true },
        })
      : null;
    if (own === null) throw new DataApiError('NOT_FOUND', `no campaign ${request.campaignId}`);
    spentMinor = (await spentMinorByCampaign(db, [own.id])).get(own.id) ?? 0;
  }

  const placementRows = await db.placement.findMany({
    where: { status: 'active', site: { status: 'active' } },
    select: { id: true, key: true, siteId: true, category: true, site: { select: { category: true } } },
  });
  const placements: ForecastPlacement[] = placementRows.map((row) => ({
    id: row.id,
    key: row.key,
    siteId: row.siteId,
    category: row.category ?? row.site.category,
  }));

  // One row per placement with its hours as arrays: a lookback is up to 672 rows per placement,
  // and mapping them one by one cost more than the model itself.
  const hourRows = await db.$queryRaw<Array<{ placement_id: string; hours: number[]; requests: number[] }>>`
    SELECT placement_id::text AS placement_id,
           array_agg((extract(epoch FROM hour) * 1000)::float8 ORDER BY hour) AS hours,
           array_agg(requests::float8 ORDER BY hour) AS requests
      FROM opportunity_hour
     WHERE hour >= ${new Date(lookbackStartMs)} AND hour < ${new Date(lookbackEndMs)}
     GROUP BY placement_id`;
  const hours: OpportunityHourCount[] = hourRows.flatMap((row) =>
    row.hours.map((hourMs, at) => ({ placementId: row.placement_id, hourMs, requests: row.requests[at]! })),
  );
  const days = await readDaySamples(db, Math.floor(lookbackStartMs / DAY_MS) * DAY_MS, lookbackEndMs);

  const bookedRows = await db.campaign.findMany({
    where: {
      status: 'active',
      flightEnd: { gt: new Date(Math.max(asOfMs, Date.parse(proposed.flightStart))) },
      flightStart: { lt: new Date(proposed.flightEnd) },
      ...(request.campaignId === undefined ? {} : { id: { not: request.campaignId } }),
    },
  });
  const spent = await spentMinorByCampaign(
    db,
    bookedRows.filter((row) => row.totalBudget > 0).map((row) => row.id),
  );
  const booked: BookedCampaign[] = bookedRows.map((row) => {
    const view = toCampaignView(row);
    const visible = caller.advertiserScope === undefined || caller.advertiserScope === row.advertiserId;
    return {
      ...termsOf(view),
      id: visible ? row.id : '',
      name: visible ? row.name : ANONYMOUS_COMPETITOR,
      spentMinor: spent.get(row.id) ?? 0,
    };
  });

  const clickRate = await db.hourlyStat.aggregate({
    where: { hour: { gte: new Date(lookbackStartMs), lt: new Date(lookbackEndMs) } },
    _sum: { impressions: true, clicks: true },
  });
  const impressions = clickRate._sum.impressions ?? 0;
  const platformCtr = impressions > 0 ? (clickRate._sum.clicks ?? 0) / impressions : null;

  const answer = computeForecast({
    campaign: termsOf(proposed),
    spentMinor,
    goalImpressions: request.goalImpressions,
    asOfMs,
    placements,
    hours,
    days,
    booked,
    platformCtr,
  });
  // Other advertisers' bookings are private: no id leaves for them.
  return {
    ...answer,
    competitors: answer.competitors.map((competitor) =>
      competitor.campaignId === ''
        ? { name: competitor.name, priority: competitor.priority, sharedOpportunities: competitor.sharedOpportunities }
        : competitor,
    ),
  };
}

function termsOf(campaign: {
  flightStart: string;
  flightEnd: string;
  timeZone: string;
  totalBudget: number;
  dailyBudget: number | null;
  pacing: ForecastCampaignTerms['pacing'];
  priority: ForecastCampaignTerms['priority'];
  bidType: ForecastCampaignTerms['bidType'];
  bidAmount: number;
  frequencyCap: ForecastCampaignTerms['frequencyCap'];
  targeting: ForecastCampaignTerms['targeting'];
}): ForecastCampaignTerms {
  return {
    flightStartMs: Date.parse(campaign.flightStart),
    flightEndMs: Date.parse(campaign.flightEnd),
    timeZone: campaign.timeZone,
    totalBudget: campaign.totalBudget,
    dailyBudget: campaign.dailyBudget,
    pacing: campaign.pacing,
    priority: campaign.priority,
    bidType: campaign.bidType,
    bidAmount: campaign.bidAmount,
    frequencyCap: campaign.frequencyCap,
    targeting: campaign.targeting,
  };
}
