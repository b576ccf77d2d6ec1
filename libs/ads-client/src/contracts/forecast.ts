import { z } from 'zod';
import { campaignFields, device, flightInOrder, flightMessage, isoDateTime, rowId } from './inventory.js';
import { pageProperties } from './page-properties.js';

// Inventory forecasting: serving records ad requests (opportunities), the roll-up moves each
// closed period into ads-data-api, which forecasts a proposed campaign's days from that history.
//
// Two records, both merged across serving instances in Redis:
// - the exact count of requests per placement and UTC hour (one request per placement of a
//   decision request), which carries the daily and weekly pattern;
// - a bounded sample per UTC day of what requests said about their audience (placement,
//   country, device, keywords, properties, hour), which says what share of a placement's
//   requests a targeting matches. It is a bottom-k sample by visitor: each request's priority
//   is its visitor's hash (`visitorHash`, scaled to [0, 1)) and the day keeps the k requests of
//   lowest priority (a sorted set trimmed to k after every flush). So it holds every request of
//   the visitors whose hash is below the day's threshold, and a frequency cap can be simulated
//   on it. A request without consent (or without a user key) counts as a new visitor.

/** Requests a day's sample keeps, by default (`FORECAST_SAMPLE_SIZE`). */
export const DEFAULT_OPPORTUNITY_SAMPLE_SIZE = 2_000;
/** Largest sample a day may keep (and the ingest takes). */
export const MAX_OPPORTUNITY_SAMPLE_SIZE = 20_000;
/** How far back a forecast looks: four whole weeks, so each weekday's hours have four samples. */
export const FORECAST_LOOKBACK_DAYS = 28;
/** Most days one forecast answers; the days of a longer flight past these are left out (and said). */
export const FORECAST_MAX_DAYS = 92;
/** How long ads-data-api keeps opportunity history (the lookback and a week of slack). */
export const OPPORTUNITY_RETENTION_DAYS = 35;
/** How long serving's opportunity keys live in Redis: the roll-up moves a period within minutes of its close. */
export const OPPORTUNITY_KEY_TTL_SECONDS = 3 * 86_400;
/** A period (hour or day) is rolled up once this long has passed since its close and since its last flush. */
export const OPPORTUNITY_SETTLE_MS = 2 * 60_000;

/** 32-bit FNV-1a hash of a visitor's key: the sample's priority (shared so every instance agrees). */
export function visitorHash(userKey: string): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < userKey.length; at += 1) {
    hash ^= userKey.charCodeAt(at);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A visitor hash as a sample priority in [0, 1). */
export function samplePriority(hash: number): number {
  return hash / 2 ** 32;
}

const uint32 = z
  .number()
  .int()
  .min(0)
  .max(2 ** 32 - 1);
const placementKey = z.string().min(1).max(100);
const utcDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), 'must be a real calendar day');

/** One sampled request: what one placement of one decision request said about its audience. */
export const opportunitySample = z.strictObject({
  placementKey,
  /** UTC hour of the day (0-23) of the request. */
  hour: z.number().int().min(0).max(23),
  /** `visitorHash` of the request's user key (its priority in the sample). */
  visitor: uint32,
  /** Makes two equal requests of one visitor two entries of the sample. */
  nonce: uint32,
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  device: device.optional(),
  /** Lower-cased and distinct, as serving decides with them. */
  keywords: z.array(z.string().min(1).max(100)).max(50),
  /** The slot's properties: the page's, extended by the slot's (`slotProperties`). */
  properties: pageProperties.optional(),
});
export type OpportunitySample = z.infer<typeof opportunitySample>;

/** `opportunities.ingestHour`: one closed UTC hour's request counts; replaces what the hour had for those placements. */
export const opportunityHourIngest = z.strictObject({
  /** Start of the UTC hour. */
  hour: isoDateTime.refine((value) => Date.parse(value) % 3_600_000 === 0, 'must be the start of a UTC hour'),
  placements: z
    .array(z.strictObject({ placementKey, requests: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }))
    .min(1)
    .max(10_000),
});
export type OpportunityHourIngest = z.input<typeof opportunityHourIngest>;

/** `opportunities.ingestDay`: one closed UTC day's sample; replaces the day's sample. */
export const opportunityDayIngest = z.strictObject({
  day: utcDay,
  /**
   * The sample's priority threshold in (0, 1]: every request of priority below it is in the
   * sample (those at it, partly). 1 when the sample holds every request of the day.
   */
  sampleThreshold: z.number().gt(0).max(1),
  sample: z.array(opportunitySample).max(MAX_OPPORTUNITY_SAMPLE_SIZE),
});
export type OpportunityDayIngest = z.input<typeof opportunityDayIngest>;

export const opportunityIngestResult = z.object({
  /** Rows stored (replacing what was there). */
  stored: z.number().int(),
  /** Keys no placement has (typos, deleted placements): not stored (counts) or not matched (sample). */
  unknownPlacementKeys: z.array(z.string()),
});

/** A proposed campaign, as the campaign form holds it (the fields a forecast depends on). */
export const forecastCampaign = z
  .strictObject({
    flightStart: campaignFields.flightStart,
    flightEnd: campaignFields.flightEnd,
    timeZone: campaignFields.timeZone,
    totalBudget: campaignFields.totalBudget,
    dailyBudget: campaignFields.dailyBudget,
    pacing: campaignFields.pacing,
    priority: campaignFields.priority,
    bidType: campaignFields.bidType,
    bidAmount: campaignFields.bidAmount,
    frequencyCap: campaignFields.frequencyCap,
    targeting: campaignFields.targeting,
  })
  .refine(flightInOrder, flightMessage);

/** `POST /api/v1/forecasts` and `forecasts.run`. */
export const forecastRequest = z.strictObject({
  campaign: forecastCampaign,
  /** Impressions the campaign is sold for: the answer says whether they are reachable. */
  goalImpressions: z.number().int().min(1).max(1e12).optional(),
  /** Forecasting an already booked campaign: it is left out of the competition. */
  campaignId: rowId.optional(),
  /** Backtests: forecast as if it were this instant (only history before it is used). Default: now. */
  asOf: isoDateTime.optional(),
});
export type ForecastRequest = z.input<typeof forecastRequest>;

export const forecastDay = z.object({
  /** The day, `YYYY-MM-DD` in the campaign's time zone. */
  date: z.string(),
  /** Requests expected on the campaign's placements that its targeting matches (hours and weekdays included). */
  opportunities: z.number().int(),
  /** Share (0-1) of those expected to go to campaigns already booked at the same or a higher priority. */
  contestedShare: z.number(),
  /** Impressions this campaign can expect: after competition, its frequency cap, its budgets and pacing. */
  expectedImpressions: z.number().int(),
  /** Expected spend, in minor units. */
  expectedSpend: z.number().int(),
  /** What holds this day's impressions down most. */
  limitedBy: z.enum(['opportunities', 'competition', 'frequencyCap', 'dailyBudget', 'totalBudget', 'pacing']),
});
export type ForecastDay = z.infer<typeof forecastDay>;

export const forecastResponse = z.object({
  asOf: isoDateTime,
  /** The history the forecast stands on. */
  history: z.object({
    from: isoDateTime,
    to: isoDateTime,
    lookbackDays: z.number().int(),
    /** Hours of the lookback with any recorded request on the campaign's placements. */
    hoursWithData: z.number().int(),
    /** The model in one sentence. */
    model: z.string(),
  }),
  days: z.array(forecastDay),
  totals: z.object({
    opportunities: z.number().int(),
    expectedImpressions: z.number().int(),
    expectedSpend: z.number().int(),
  }),
  budget: z.object({ totalBudget: z.number().int(), expectedSpend: z.number().int(), reachable: z.boolean() }),
  /** Null when no goal was asked about. */
  goal: z.object({ impressions: z.number().int(), expectedImpressions: z.number().int(), reachable: z.boolean() }).nullable(),
  /** Booked campaigns at the same or a higher priority that compete for these opportunities (at most 10, most shared first). */
  competitors: z.array(
    z.object({
      /** Absent for an advertiser key when the competitor is another advertiser's (bookings are private). */
      campaignId: z.string().optional(),
      /** "another campaign" for an advertiser key when the competitor is another advertiser's. */
      name: z.string(),
      priority: campaignFields.priority,
      /** Share (0-1) of this campaign's opportunities that the competitor's targeting also matches. */
      sharedOpportunities: z.number(),
    }),
  ),
  /** Relative standard error (0-1) of the total opportunities from sampling. */
  samplingError: z.number(),
  /** Every assumption the numbers rest on, in plain words. */
  assumptions: z.array(z.string()),
});
export type ForecastResponse = z.infer<typeof forecastResponse>;
