import { z } from 'zod';
import { defineContract, method } from '../rpc/contract.js';
import { modelContract } from '../rpc/model-namespace.js';
import { forecastRequest, forecastResponse, opportunityDayIngest, opportunityHourIngest, opportunityIngestResult } from './forecast.js';
import {
  adFormat,
  adStatus,
  bidType,
  adFields,
  bannerHasSize,
  bannerMessage,
  MAX_BUDGET_MINOR_UNITS,
  campaignFields,
  flightInOrder,
  flightMessage,
  featureSwitchScope,
  isStorableText,
  isoDateTime,
  hasControlCharacters,
  controlCharactersMessage,
  placement,
  placementCreate,
  placementUpdate,
  siteStatus,
  frequencyCap,
  pacingMode,
  priorityTier,
  queryText,
  rowId,
  targeting,
  unstorableTextMessage,
} from './inventory.js';

/** Text an import run records (a feed's name, a row's error): storable, any length of line. */
const recordedText = z.string().refine(isStorableText, unstorableTextMessage);

/** An ad as serving needs it, inside its campaign. Only approved, active ads of live campaigns. */
export const snapshotAd = z.object({
  id: z.string(),
  format: adFormat,
  title: z.string(),
  body: z.string(),
  imageUrl: z.string().nullable(),
  clickUrl: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  status: adStatus,
});

export const snapshotCampaign = z.object({
  id: z.string(),
  advertiserId: z.string(),
  name: z.string(),
  flightStart: isoDateTime,
  flightEnd: isoDateTime,
  timeZone: z.string(),
  totalBudget: z.number().int(),
  /** Null: no daily limit. */
  dailyBudget: z.number().int().nullable(),
  /** Lifetime spend recorded in the database, in micros. */
  spentMicros: z.number().int(),
  pacing: pacingMode,
  priority: priorityTier,
  bidType,
  bidAmount: z.number().int(),
  frequencyCap: frequencyCap.nullable(),
  targeting,
  exclusionLabel: z.string().nullable(),
  ads: z.array(snapshotAd),
});

export const snapshotPlacement = z.object({
  id: z.string(),
  key: z.string(),
  siteId: z.string(),
  siteDomain: z.string(),
  allowedFormats: z.array(adFormat),
  /** The placement's category, else its site's. */
  category: z.string().nullable(),
});

export const snapshotFeatureSwitch = z.object({
  name: z.string(),
  enabled: z.boolean(),
  percentage: z.number().int(),
  scope: featureSwitchScope,
  scopeId: z.string().nullable(),
});

export const inventorySnapshotPage = z.object({
  /** When the first page was read; later pages carry the same value. */
  asOf: isoDateTime,
  campaigns: z.array(snapshotCampaign),
  /** Present on the first page only (they are few). */
  placements: z.array(snapshotPlacement).optional(),
  featureSwitches: z.array(snapshotFeatureSwitch).optional(),
  nextCursor: z.string().nullable(),
});

export const statsRow = z.strictObject({
  adId: z.string().min(1),
  /**
   * The placement that served the events (`data-placement`), when known. Optional so that rows
   * of older roll-ups still apply. The API counts every row under its ad; a key that names no
   * placement (unknown or deleted) is counted there only, as unattributed in placement and
   * site breakdowns, and never fails the batch.
   */
  placementKey: z.string().min(1).max(200).optional(),
  /** Start of the hour, UTC. */
  hour: isoDateTime.refine((value) => Date.parse(value) % 3_600_000 === 0, 'must be the start of an hour'),
  impressions: z.number().int().min(0),
  viewableImpressions: z.number().int().min(0),
  clicks: z.number().int().min(0),
  spendMicros: z.number().int().min(0),
});
/** One `stats.ingest` row: the counters of one ad (on one placement, when known) in one UTC hour (`hour` is its ISO start). */
export type StatsRow = z.infer<typeof statsRow>;

export const statsLevel = z.enum(['ad', 'campaign', 'advertiser']);
export const statsGranularity = z.enum(['hour', 'day']);

export const statsTotals = z.object({
  impressions: z.number().int(),
  viewableImpressions: z.number().int(),
  clicks: z.number().int(),
  spendMicros: z.number().int(),
  /** clicks / impressions, 0 without impressions. */
  ctr: z.number(),
});

export const statsSeries = z.object({
  level: statsLevel,
  id: z.string(),
  points: z.array(
    statsTotals.extend({
      bucket: isoDateTime,
      /** When the newest roll-up batch that changed this bucket was applied (latest `hourly_stat.updated_at` in it). */
      lastIngestAt: isoDateTime.optional(),
    }),
  ),
  totals: statsTotals,
});

/** One row of an advertiser feed after parsing: an ad inside its campaign inside its advertiser. */
const requiredDailyBudget = z
  .number({ error: (issue) => (issue.input === undefined ? 'is required: the daily budget in cents, or null for none' : undefined) })
  .int()
  .min(0)
  .max(MAX_BUDGET_MINOR_UNITS)
  .nullable();

/**
 * A feed's external id: storable text (PostgreSQL refuses NUL, and an unpaired surrogate would
 * be stored as U+FFFD), else the whole call failed in the database.
 */
const feedExternalId = z.string().min(1).max(200).refine(isStorableText, unstorableTextMessage);

export const feedUpsertRow = z.strictObject({
  advertiser: z.strictObject({
    externalId: feedExternalId,
    name: z.string().trim().min(1).max(200).refine(isStorableText, unstorableTextMessage),
  }),
  // dailyBudget has no default here: a feed row states the campaign's whole budget, and a row
  // that left it out would otherwise lift a live campaign's daily cap (null: no cap, given).
  campaign: z
    .strictObject({ ...campaignFields, externalId: feedExternalId, dailyBudget: requiredDailyBudget })
    .refine(flightInOrder, flightMessage),
  ad: z.strictObject({ ...adFields, externalId: feedExternalId }).refine(bannerHasSize, bannerMessage),
});
export type FeedUpsertRow = z.input<typeof feedUpsertRow>;

export const feedUpsertOutcome = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.enum(['created', 'updated', 'unchanged']), adId: z.string() }),
  z.object({ outcome: z.literal('failed'), field: z.string(), message: z.string() }),
]);

export const importRowError = z.object({ line: z.number().int(), field: z.string(), message: z.string() });
export const importRunStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'partially_succeeded']);
export const importRun = z.object({
  id: z.string(),
  source: z.string(),
  format: z.enum(['csv', 'json']),
  status: importRunStatus,
  total: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  failed: z.number().int(),
  errors: z.array(importRowError),
  startedAt: isoDateTime,
  finishedAt: isoDateTime.nullable(),
});
export type ImportRun = z.infer<typeof importRun>;

/**
 * The minimal RPC of ads-data-api, mounted at `/rpc` and called with service keys: bulk reads
 * for the warmers and exactly-once writes for the roll-up and the imports.
 */
export const dataApiContract = defineContract({
  inventory: {
    snapshot: method({
      input: z.strictObject({
        cursor: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(2000).default(500),
      }),
      output: inventorySnapshotPage,
      doc: 'Everything serving needs, paged by campaign: live campaigns with their servable ads, placements and feature switches.',
      idempotent: true,
    }),
  },
  stats: {
    ingest: method({
      input: z.strictObject({
        batchId: z
          .string()
          .min(1)
          .max(200)
          .refine((value) => !hasControlCharacters(value), controlCharactersMessage),
        rows: z.array(statsRow).min(1).max(50_000),
      }),
      output: z.object({ applied: z.boolean(), rows: z.number().int() }),
      doc: 'Adds hourly stats rows; a batch id is applied exactly once, also when sent twice or concurrently.',
      // Safe to retry: the batch id makes a second delivery a no-op.
      idempotent: true,
    }),
    query: method({
      input: z.strictObject({
        level: statsLevel,
        ids: z.array(z.string().min(1)).max(10_000).optional(),
        from: isoDateTime,
        to: isoDateTime,
        granularity: statsGranularity.default('hour'),
      }),
      output: z.object({ series: z.array(statsSeries) }),
      doc: 'Series and totals per ad, campaign or advertiser over [from, to); all rows with data when ids is omitted.',
      idempotent: true,
    }),
  },
  /**
   * Placements as a model (the framework's expose-a-model helper): pages of up to 2,000 rows
   * for tools that sync publisher inventory, where REST's 200-row pages are too small.
   */
  placements: modelContract({
    name: 'placement',
    entity: placement,
    create: placementCreate,
    update: placementUpdate,
    filters: z.strictObject({
      siteId: rowId.optional(),
      status: siteStatus.optional(),
      format: adFormat.optional(),
      q: queryText(100).optional(),
    }),
    id: rowId,
    defaultLimit: 500,
    maxLimit: 2_000,
  }),
  opportunities: {
    ingestHour: method({
      input: opportunityHourIngest,
      output: opportunityIngestResult,
      doc: 'Stores one closed UTC hour of ad request counts per placement, for forecasting; replaces what the hour had for those placements.',
      // Safe to retry: it replaces.
      idempotent: true,
    }),
    ingestDay: method({
      input: opportunityDayIngest,
      output: opportunityIngestResult,
      doc: 'Stores one closed UTC day of sampled ad requests, for forecasting; replaces the day.',
      idempotent: true,
    }),
  },
  forecasts: {
    run: method({
      input: forecastRequest,
      output: forecastResponse,
      doc: 'Forecasts a proposed campaign by day: matching opportunities, the share booked campaigns take, expected impressions and spend, and whether its budget or goal is reachable.',
      idempotent: true,
    }),
  },
  imports: {
    upsertRows: method({
      input: z.strictObject({ rows: z.array(feedUpsertRow).min(1).max(5_000) }),
      output: z.object({ outcomes: z.array(feedUpsertOutcome) }),
      doc: 'Creates or updates advertisers, campaigns and ads by external id; one outcome per row, in order.',
      idempotent: true,
    }),
    recordRun: method({
      input: importRun
        .omit({ id: true })
        .extend({
          id: rowId.optional(),
          source: recordedText,
          errors: z.array(z.strictObject({ line: z.number().int(), field: recordedText, message: recordedText })),
        })
        .strict(),
      output: importRun,
      doc: 'Creates an import run, or updates it when id is given.',
      idempotent: false,
    }),
  },
});
export type DataApiContract = typeof dataApiContract;
