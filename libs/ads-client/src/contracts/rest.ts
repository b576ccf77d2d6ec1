import { z } from 'zod';
import {
  adFormat,
  adStatus,
  advertiser,
  advertiserStatus,
  apiKeyRole,
  bidType,
  campaignStatus,
  featureSwitch,
  featureSwitchScope,
  placement,
  priorityTier,
  reviewState,
  site,
  siteStatus,
  storableText,
  isoDateTime,
  queryText,
  rowId,
} from './inventory.js';
import { importRun, importRunStatus, statsGranularity, statsTotals } from './data-api-contract.js';

// The REST API of ads-data-api (`/api/v1`): what its lists, reports, API keys and audit log
// accept and answer, beside the entity and body schemas of `./inventory`. Server and client
// both use these, and the server's OpenAPI document is generated from them.

const version = z.number().int().min(1);

/** Largest page a list answers; a larger `limit` is refused, not silently capped. */
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

// ─── resources as REST shows them ────────────────────────────────────────────────────────────
// The inventory entities plus `version`, which backs the ETag (`W/"<version>"`) where the
// entity schema does not carry it already.

export const advertiserResource = advertiser.extend({ version });
export const siteResource = site.extend({ version });
export const placementResource = placement.extend({ version });
export const featureSwitchResource = featureSwitch.extend({ version });

/** An API key as listed: never the secret, never its hash. */
export const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the secret, to recognise a key. */
  prefix: z.string(),
  role: apiKeyRole,
  advertiserId: z.string().nullable(),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  revokedAt: isoDateTime.nullable(),
});
export const apiKeyCreate = z
  .strictObject({
    name: storableText().min(1).max(200),
    role: apiKeyRole,
    advertiserId: rowId.nullable().default(null),
  })
  .refine((value) => (value.role === 'advertiser') === (value.advertiserId !== null), {
    message: 'advertiserId is required for role advertiser and must be null for admin, service and importer keys',
    path: ['advertiserId'],
  });
/** The answer to creating a key: the only time the secret is ever shown. */
export const apiKeyCreated = apiKey.extend({ secret: z.string() });

export const auditLogEntry = z.object({
  id: z.string(),
  /** The API key that made the change; null for changes made by commands. */
  actorKeyId: z.string().nullable(),
  /** `entity.verb`, e.g. `campaign.update`, `campaign.activate`. */
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  at: isoDateTime,
  requestId: z.string().nullable(),
});

/** An import run as the dashboard lists it; queued runs have not started yet. */
export const importRunResource = importRun.extend({ startedAt: isoDateTime.nullable(), createdAt: isoDateTime });

/** Who is calling (`GET /me`). */
export const principal = z.object({
  keyId: z.string(),
  role: apiKeyRole,
  advertiserId: z.string().nullable(),
});

// ─── lists ──────────────────────────────────────────────────────────────────────────────────

/** A page of a list; pass `nextCursor` back as `cursor` for the next one (null: last page). */
export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

const limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}; follow nextCursor for more rows`)
  .default(DEFAULT_PAGE_SIZE);
const cursor = z.string().min(1).max(2000);
// Searches and filters refuse control characters and NUL (PostgreSQL text cannot hold NUL).
const search = queryText(200);
// Row ids are UUIDs; a filter that cannot be one is refused here (422) rather than by the
// uuid column (a 500).
const filterId = rowId;

/** The sort values of a list: each field ascending, or descending with a leading "-". */
function sortOf<const Field extends string>(fields: readonly Field[], fallback: Field | `-${Field}`) {
  const values = fields.flatMap((field) => [field, `-${field}` as const]);
  // The cast: zod's enum typing cannot see that `fallback` is one of the generated values.
  return z.enum(values as [Field | `-${Field}`, ...(Field | `-${Field}`)[]]).default(fallback as never);
}

const listBase = { limit, cursor: cursor.optional() };

export const advertiserListQuery = z.strictObject({
  ...listBase,
  sort: sortOf(['createdAt', 'name', 'updatedAt'], '-createdAt'),
  status: advertiserStatus.optional(),
  /** Case-insensitive substring of the name. */
  q: search.optional(),
});
export const campaignListQuery = z.strictObject({
  ...listBase,
  sort: sortOf(['createdAt', 'name', 'updatedAt', 'flightStart', 'flightEnd'], '-createdAt'),
  status: campaignStatus.optional(),
  advertiserId: filterId.optional(),
  priority: priorityTier.optional(),
  bidType: bidType.optional(),
  q: search.optional(),
});
export const adListQuery = z.strictObject({
  ...listBase,
  sort: sortOf(['createdAt', 'title', 'updatedAt'], '-createdAt'),
  status: adStatus.optional(),
  reviewState: reviewState.optional(),
  format: adFormat.optional(),
  campaignId: filterId.optional(),
  advertiserId: filterId.optional(),
  /** Case-insensitive substring of the title. */
  q: search.optional(),
});
export const siteListQuery = z.strictObject({
  ...listBase,
  sort: sortOf(['createdAt', 'name', 'domain'], 'name'),
  status: siteStatus.optional(),
  category: queryText(100).optional(),
  /** Case-insensitive substring of the name or domain. */
  q: search.optional(),
});
export const placementListQuery = z.strictObject({
  ...listBase,
  sort: sortOf(['createdAt', 'name', 'key'], 'key'),
  status: siteStatus.optional(),
  siteId: filterId.optional(),
  format: adFormat.optional(),
  /** Case-insensitive substring of the name or key. */
  q: search.optional(),
});
export const featureSwitchListQuery = z.strictObject({
  ...listBase,
  sort: sortOf(['createdAt', 'name'], 'name'),
  scope: featureSwitchScope.optional(),
  scopeId: filterId.optional(),
  enabled: z.stringbool().optional(),
  q: search.optional(),
});
export const apiKeyListQuery = z.strictObject({
  ...listBase,
  sort: sortOf(['createdAt', 'name'], '-createdAt'),
  role: apiKeyRole.optional(),
  advertiserId: filterId.optional(),
  /** true: only revoked keys; false: only keys in use. */
  revoked: z.stringbool().optional(),
});
export const auditLogListQuery = z.strictObject({
  ...listBase,
  sort: sortOf(['at'], '-at'),
  entityType: queryText(100).optional(),
  entityId: filterId.optional(),
  actorKeyId: filterId.optional(),
  action: queryText(100).optional(),
  /** Entries at or after this time. */
  from: isoDateTime.optional(),
  /** Entries before this time. */
  to: isoDateTime.optional(),
});
export const importRunListQuery = z.strictObject({
  ...listBase,
  sort: sortOf(['createdAt'], '-createdAt'),
  status: importRunStatus.optional(),
  format: z.enum(['csv', 'json']).optional(),
});

// ─── delivery ───────────────────────────────────────────────────────────────────────────────

/** The rows whose delivery `GET /delivery` sums: a list page's advertisers, campaigns, ads, sites or placements. */
export const deliveryLevel = z.enum(['advertiser', 'campaign', 'ad', 'site', 'placement']);

export const deliveryQuery = z.strictObject({
  level: deliveryLevel,
  /** Comma-separated row ids, at most one list page (200); unknown or invisible ids are left out. */
  ids: z
    .string()
    .max(MAX_PAGE_SIZE * 37)
    .transform((value) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0),
    )
    .pipe(z.array(rowId).min(1, 'name at least one id').max(MAX_PAGE_SIZE, `must name at most ${MAX_PAGE_SIZE} ids`)),
});

/** Delivery figures of one period: counters, CTR (0 without impressions) and spend in micros. */
export const deliveryFigures = z.object({
  impressions: z.number().int(),
  clicks: z.number().int(),
  ctr: z.number(),
  spendMicros: z.number().int(),
});

/** One row's delivery: since it began, and on the current day. */
export const deliveryRow = deliveryFigures.extend({
  id: z.string(),
  /**
   * The current day: of the campaign's time zone for campaigns and ads (the day daily budgets
   * and pacing follow), of UTC for advertisers, sites and placements (their campaigns may
   * follow different zones).
   */
  today: deliveryFigures.extend({ day: z.string(), timeZone: z.string() }),
});

/** `GET /delivery`: one entry per visible id asked for (zeros when it has no stats yet). */
export const delivery = z.object({
  level: deliveryLevel,
  items: z.array(deliveryRow),
});

/** `POST /campaigns/:id/duplicate`: the copy's name; default "Copy of <name>". */
export const campaignDuplicate = z.strictObject({ name: storableText().min(1).max(200).optional() });

// ─── transitions ────────────────────────────────────────────────────────────────────────────

/** `POST /campaigns/:id/<transition>`; checked against the campaign's status and its rules. */
export const campaignTransition = z.enum(['activate', 'pause', 'resume', 'archive']);

// ─── reports ────────────────────────────────────────────────────────────────────────────────

/** Longest range of one report: 31 days by hour (744 points), 366 days by day. */
export const MAX_REPORT_HOURS = 31 * 24;
export const MAX_REPORT_DAYS = 366;

/**
 * What a report may be broken down by. `placement` and `site` come from the placement each
 * event was served on; events counted without one (rolled up before placements were recorded,
 * or on a placement key that names no placement) form one group, `UNATTRIBUTED_GROUP_ID`, so
 * that the groups still add up to the report's totals.
 */
export const reportGroupBy = z.enum(['ad', 'campaign', 'placement', 'site']);

/** The breakdowns the stored stats support (all of `reportGroupBy`). */
export const REPORT_GROUPINGS_SUPPORTED = reportGroupBy.options;

/** What a report is about. */
export const reportLevel = z.enum(['advertiser', 'campaign', 'ad', 'site', 'placement']);

/** `id` of the group of a placement or site breakdown that holds the events served on no known placement. */
export const UNATTRIBUTED_GROUP_ID = 'unattributed';

export const reportQuery = z.strictObject({
  /** Start (inclusive), rounded down to the bucket; default: `to` minus 24 hours (hour) or 30 days (day). */
  from: isoDateTime.optional(),
  /** End (exclusive), rounded up to the bucket; default: now. */
  to: isoDateTime.optional(),
  /** Buckets are UTC hours or UTC days. */
  granularity: statsGranularity.default('day'),
  /** One series per ad, campaign, placement or site (`groups`) besides the overall series; none by default. */
  groupBy: reportGroupBy.optional().meta({
    description:
      'Break the report down: one series per `ad`, `campaign`, `placement` or `site` with data in the range. In a placement or site breakdown, events served on no known placement (rolled up before placements were recorded, or on a deleted placement) form the group `unattributed`.',
  }),
  /** `csv`: text/csv, one row per bucket (× group), header row, as an attachment. */
  format: z
    .enum(['json', 'csv'])
    .default('json')
    .meta({ description: '`csv` answers text/csv with a header row, one row per bucket (per group with groupBy), every bucket included.' }),
});

export const reportPoint = statsTotals.extend({ bucket: isoDateTime });

/** The series of one ad, campaign, placement or site in a report broken down with `groupBy`. */
export const reportGroup = z.object({
  level: reportGroupBy,
  /** The row's id; `unattributed` (`UNATTRIBUTED_GROUP_ID`) for events served on no known placement. */
  id: z.string(),
  /** The ad's title, the campaign's, placement's or site's name. */
  name: z.string(),
  points: z.array(reportPoint),
  totals: statsTotals,
});

/** Stats of one advertiser, campaign, ad, site or placement over [from, to): every bucket (zeros included), totals and CTR. */
export const report = z.object({
  level: reportLevel,
  id: z.string(),
  granularity: statsGranularity,
  from: isoDateTime,
  to: isoDateTime,
  /**
   * Where the figures were read: `cache`, the warmed time series in Redis (every bucket of the
   * range warmed and unchanged since); `database`, HourlyStat; `mixed`, the cache for the older
   * buckets and the database for the rest. Whatever the source, the figures are the database's.
   * Reports with `groupBy`, and reports of sites and placements, are always read from the database.
   */
  source: z.enum(['cache', 'database', 'mixed']),
  /**
   * When the newest roll-up batch the figures include was applied: the latest
   * `hourly_stat.updated_at` over the range's rows (each roll-up stamps the rows it adds to).
   * Every event counted happened before it, and nothing changed these figures since. Null when
   * the range holds no stats.
   */
  asOf: isoDateTime.nullable(),
  points: z.array(reportPoint),
  totals: statsTotals,
  /** The breakdown asked for; absent without `groupBy`. */
  groupBy: reportGroupBy.optional(),
  /** With `groupBy`: one series per ad, campaign, placement or site with data in the range, by name; their totals add up to `totals`. */
  groups: z.array(reportGroup).optional(),
});

// ─── errors ─────────────────────────────────────────────────────────────────────────────────

/** One bad field: `field` is its dotted path, e.g. `targeting.countries.0`. */
export const fieldProblem = z.object({ field: z.string(), message: z.string() });

/** An RFC 9457 problem document (`application/problem+json`), the body of every error. */
export const problemDocument = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  /** Stable code for programs: VALIDATION_FAILED, NOT_FOUND, CONFLICT, PRECONDITION_FAILED… */
  code: z.string(),
  /** For people. */
  detail: z.string(),
  errors: z.array(fieldProblem).optional(),
});

export type AdvertiserResource = z.infer<typeof advertiserResource>;
export type SiteResource = z.infer<typeof siteResource>;
export type PlacementResource = z.infer<typeof placementResource>;
export type FeatureSwitchResource = z.infer<typeof featureSwitchResource>;
export type ApiKey = z.infer<typeof apiKey>;
export type ApiKeyCreated = z.infer<typeof apiKeyCreated>;
export type AuditLogEntry = z.infer<typeof auditLogEntry>;
export type ImportRunResource = z.infer<typeof importRunResource>;
export type Report = z.infer<typeof report>;
export type ReportPoint = z.infer<typeof reportPoint>;
export type FieldProblem = z.infer<typeof fieldProblem>;
export type ProblemDocument = z.infer<typeof problemDocument>;
export type CampaignTransition = z.infer<typeof campaignTransition>;
export type Page<Item> = { items: Item[]; nextCursor: string | null };
