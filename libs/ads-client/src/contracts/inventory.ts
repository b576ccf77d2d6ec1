import { z } from 'zod';
import { parsePropertyExpression } from './property-expression.js';

// The ad business's inventory as the API shows it. Money: budgets and bids in integer minor
// units of the currency (cents); spend in integer micros (millionths of the major unit), so
// that a CPM impression's cost (bid / 1000) stays an integer. 1 minor unit = 10,000 micros.

export const MICROS_PER_MINOR_UNIT = 10_000;

const id = z.string().min(1).max(64);
/** Row ids of ads-data-api: UUIDs (its uuid columns refuse anything else). */
export const ROW_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The latest instant the API takes or answers: PostgreSQL and ISO 8601 both stop at year 9999. */
export const LATEST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/**
 * An ISO 8601 instant with an offset, between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z:
 * PostgreSQL has no year 0, and a year past 9999 is written `+010000-…`, which no ISO 8601
 * reader takes. Every date the API accepts is one of these.
 */
export const isoDateTime = z.iso.datetime({ offset: true }).refine((value) => {
  const epochMs = Date.parse(value);
  return epochMs >= 0 && epochMs <= LATEST_INSTANT_MS;
}, 'must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z');
// PostgreSQL text cannot hold NUL, and an unpaired surrogate cannot be encoded as UTF-8 (it
// would be stored as U+FFFD, so two different names could collide): both are refused here
// rather than failing in the database.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isStorableText = (value: string) => !UNSTORABLE.test(value);
export const unstorableTextMessage = 'must not contain the NUL character (\\u0000) or unpaired surrogate code units';
// Control characters (C0, DEL, C1) have no place in a URL, a search or a filter: a CR or LF
// in a click URL would be stripped by the URL parser (the stored value is not the one checked)
// or split a header or a log line downstream.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
/** Whether a string holds a control character (U+0000-U+001F, U+007F-U+009F). */
export const hasControlCharacters = (value: string) => CONTROL_CHARACTER.test(value);
export const controlCharactersMessage = 'must not contain control characters (U+0000-U+001F, U+007F-U+009F), such as CR, LF or tab';
/**
 * Text of a search, a filter or a key (one line): trimmed, 1 to `max` characters, no control
 * characters, storable.
 */
export const queryText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(
      (value) => !hasControlCharacters(value) && isStorableText(value),
      `${controlCharactersMessage}, nor unpaired surrogate code units`,
    );
/** Text a user writes, checked to be storable: `z.string().trim()` and the check. */
export const storableText = () => z.string().trim().refine(isStorableText, unstorableTextMessage);
const shortText = (max: number) => storableText().min(1).max(max);
/** The largest budget the database holds: a 32-bit integer of minor units ($21,474,836.47). */
export const MAX_BUDGET_MINOR_UNITS = 2_147_483_647;
/**
 * An http(s) URL as given: control characters are refused before the URL parser, which would
 * silently delete tabs, CRs and LFs and so accept a value other than the one sent.
 */
export const httpUrl = z
  .string()
  .max(2048)
  .refine((value) => !hasControlCharacters(value), { message: controlCharactersMessage, abort: true })
  // An unpaired surrogate passes the URL parser but made a feed row fail in the database, unnamed.
  .refine(isStorableText, unstorableTextMessage)
  .pipe(z.url({ protocol: /^https?$/ }));
/** Row ids of ads-data-api as inputs: anything but a UUID is refused before the store is asked. */
export const rowId = z.string().regex(ROW_ID_PATTERN, 'must be a row id (a UUID)');
const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. "US"');

export const advertiserStatus = z.enum(['active', 'archived']);
export const campaignStatus = z.enum(['draft', 'active', 'paused', 'archived']);
export const pacingMode = z.enum(['even', 'asap']);
export const priorityTier = z.enum(['sponsorship', 'standard', 'house']);
export const bidType = z.enum(['CPM', 'CPC']);
export const adFormat = z.enum(['native', 'banner']);
export const adStatus = z.enum(['active', 'paused', 'archived']);
export const reviewState = z.enum(['pending', 'approved', 'rejected']);
export const device = z.enum(['desktop', 'mobile', 'tablet']);
export const siteStatus = z.enum(['active', 'archived']);
export const featureSwitchScope = z.enum(['global', 'placement', 'advertiser']);
/** What an API key may do: see the roles table in services/ads-data-api/README.md. */
export const apiKeyRole = z.enum(['admin', 'advertiser', 'service', 'importer']);

export const advertiser = z.object({
  id,
  name: z.string(),
  externalId: z.string().nullable(),
  status: advertiserStatus,
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export const advertiserCreate = z.strictObject({
  name: shortText(200),
  externalId: shortText(200).nullable().optional(),
});
export const advertiserUpdate = z.strictObject({
  name: shortText(200).optional(),
  status: advertiserStatus.optional(),
});

export const frequencyCap = z.strictObject({
  count: z.number().int().min(1).max(1000),
  windowSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600),
});

/**
 * A campaign's key-value targeting: an expression over the page's custom properties (see
 * `parsePropertyExpression`). A refusal names the line and column of the fault.
 */
export const propertyExpressionText = z
  .string()
  .refine(isStorableText, { message: unstorableTextMessage, abort: true })
  .superRefine((text, context) => {
    const parsed = parsePropertyExpression(text);
    if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.fault.message, params: { ...parsed.fault } });
  });

export const targeting = z.strictObject({
  countries: z.array(countryCode).max(250).default([]),
  devices: z.array(device).max(3).default([]),
  keywords: z.array(storableText().toLowerCase().min(1).max(100)).max(500).default([]),
  // Storable: NUL or an unpaired surrogate made a feed row fail in the database, unnamed.
  siteIds: z.array(id.refine(isStorableText, unstorableTextMessage)).max(1000).default([]),
  categories: z.array(storableText().min(1).max(100)).max(100).default([]),
  /** Hours of the day (0-23) in the campaign's time zone; empty means all day. */
  hours: z.array(z.number().int().min(0).max(23)).max(24).default([]),
  /** Days of the week (0 = Sunday) in the campaign's time zone; empty means every day. */
  weekdays: z.array(z.number().int().min(0).max(6)).max(7).default([]),
  /** Key-value targeting over the page's properties; null or absent: no restriction. */
  properties: propertyExpressionText.nullable().optional(),
});
export type Targeting = z.infer<typeof targeting>;

// Building an Intl.DateTimeFormat costs ~80 µs; feeds validate thousands of campaigns.
const knownTimeZones = new Map<string, boolean>();
/** Whether an IANA time zone name is one this runtime knows (memoised). */
export function isTimeZone(value: string): boolean {
  const known = knownTimeZones.get(value);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    valid = true;
  } catch {
    valid = false;
  }
  if (knownTimeZones.size < 1_000) knownTimeZones.set(value, valid);
  return valid;
}
const timeZone = z.string().max(64).refine(isTimeZone, 'must be an IANA time zone such as "Europe/Paris"');

export const campaign = z.object({
  id,
  advertiserId: id,
  externalId: z.string().nullable(),
  name: z.string(),
  status: campaignStatus,
  flightStart: isoDateTime,
  flightEnd: isoDateTime,
  timeZone: z.string(),
  totalBudget: z.number().int(),
  /** Null: no daily limit. */
  dailyBudget: z.number().int().nullable(),
  pacing: pacingMode,
  priority: priorityTier,
  bidType,
  bidAmount: z.number().int(),
  frequencyCap: frequencyCap.nullable(),
  targeting,
  exclusionLabel: z.string().nullable(),
  version: z.number().int(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});

export const campaignFields = {
  name: shortText(200),
  externalId: shortText(200).nullable().optional(),
  flightStart: isoDateTime,
  flightEnd: isoDateTime,
  timeZone: timeZone.default('UTC'),
  totalBudget: z.number().int().min(0).max(MAX_BUDGET_MINOR_UNITS),
  dailyBudget: z.number().int().min(0).max(MAX_BUDGET_MINOR_UNITS).nullable().default(null),
  pacing: pacingMode.default('even'),
  priority: priorityTier.default('standard'),
  bidType: bidType.default('CPM'),
  bidAmount: z.number().int().min(0).max(1e9),
  frequencyCap: frequencyCap.nullable().default(null),
  targeting: targeting.default({ countries: [], devices: [], keywords: [], siteIds: [], categories: [], hours: [], weekdays: [] }),
  exclusionLabel: shortText(100).nullable().default(null),
};

export const flightInOrder = (value: { flightStart?: string | undefined; flightEnd?: string | undefined }) =>
  value.flightStart === undefined || value.flightEnd === undefined || Date.parse(value.flightEnd) > Date.parse(value.flightStart);
export const flightMessage = { message: 'flightEnd must be after flightStart', path: ['flightEnd'] };

/** New campaigns start as drafts; activation is a separate, checked transition. */
export const campaignCreate = z.strictObject({ advertiserId: rowId, ...campaignFields }).refine(flightInOrder, flightMessage);
export const campaignUpdate = z
  .strictObject({
    name: campaignFields.name,
    flightStart: isoDateTime,
    flightEnd: isoDateTime,
    timeZone,
    totalBudget: campaignFields.totalBudget,
    dailyBudget: z.number().int().min(0).max(MAX_BUDGET_MINOR_UNITS).nullable(),
    pacing: pacingMode,
    priority: priorityTier,
    bidType,
    bidAmount: campaignFields.bidAmount,
    frequencyCap: frequencyCap.nullable(),
    targeting,
    exclusionLabel: shortText(100).nullable(),
  })
  .partial()
  .refine(flightInOrder, flightMessage);

export const ad = z.object({
  id,
  campaignId: id,
  advertiserId: id,
  externalId: z.string().nullable(),
  format: adFormat,
  title: z.string(),
  body: z.string(),
  imageUrl: z.string().nullable(),
  clickUrl: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  status: adStatus,
  reviewState,
  version: z.number().int(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
export const adFields = {
  externalId: shortText(200).nullable().optional(),
  format: adFormat.default('native'),
  title: shortText(200),
  body: storableText().max(2000).default(''),
  imageUrl: httpUrl.nullable().default(null),
  clickUrl: httpUrl,
  width: z.number().int().min(1).max(4000).nullable().default(null),
  height: z.number().int().min(1).max(4000).nullable().default(null),
};
export const bannerHasSize = (value: { format?: string; width?: number | null; height?: number | null }) =>
  value.format !== 'banner' || (value.width != null && value.height != null);
export const bannerMessage = { message: 'a banner needs width and height', path: ['width'] };
export const adCreate = z.strictObject({ campaignId: rowId, ...adFields }).refine(bannerHasSize, bannerMessage);
export const adUpdate = z
  .strictObject({
    title: adFields.title,
    body: storableText().max(2000),
    imageUrl: httpUrl.nullable(),
    clickUrl: httpUrl,
    width: z.number().int().min(1).max(4000).nullable(),
    height: z.number().int().min(1).max(4000).nullable(),
    status: adStatus,
    reviewState,
  })
  .partial();

export const site = z.object({
  id,
  name: z.string(),
  domain: z.string(),
  category: z.string().nullable(),
  status: siteStatus,
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}$/, 'must be a host name such as "news.example.com"');
export const siteCreate = z.strictObject({ name: shortText(200), domain, category: shortText(100).nullable().default(null) });
export const siteUpdate = z.strictObject({ name: shortText(200), category: shortText(100).nullable(), status: siteStatus }).partial();

export const placement = z.object({
  id,
  siteId: id,
  key: z.string(),
  name: z.string(),
  allowedFormats: z.array(adFormat),
  category: z.string().nullable(),
  status: siteStatus,
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
const placementKey = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'must be 1-100 of a-z, 0-9, ".", "_" or "-"');
export const placementCreate = z.strictObject({
  siteId: rowId,
  key: placementKey,
  name: shortText(200),
  allowedFormats: z.array(adFormat).min(1).default(['native']),
  category: shortText(100).nullable().default(null),
});
export const placementUpdate = z
  .strictObject({ name: shortText(200), allowedFormats: z.array(adFormat).min(1), category: shortText(100).nullable(), status: siteStatus })
  .partial();

export const featureSwitch = z.object({
  id,
  name: z.string(),
  enabled: z.boolean(),
  percentage: z.number().int().min(0).max(100),
  scope: featureSwitchScope,
  scopeId: z.string().nullable(),
  description: z.string().nullable(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
});
/** Whether serving knows a switch name (`KILL_SWITCHES`): a switch it does not read would switch nothing. */
export function isKnownSwitchName(name: string): boolean {
  return (Object.values(KILL_SWITCHES) as string[]).includes(name);
}
const switchName = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,99}$/, 'must start with a-z and use a-z, 0-9, "_", "." or "-"')
  .refine(isKnownSwitchName, { error: () => `must be a switch serving reads: ${Object.values(KILL_SWITCHES).join(', ')}` });
export const featureSwitchCreate = z
  .strictObject({
    name: switchName,
    enabled: z.boolean().default(false),
    percentage: z.number().int().min(0).max(100).default(100),
    scope: featureSwitchScope.default('global'),
    scopeId: rowId.nullable().default(null),
    description: storableText().max(500).nullable().default(null),
  })
  .refine((value) => (value.scope === 'global') === (value.scopeId === null), {
    message: 'scopeId is required for placement and advertiser scope, and must be null for global scope',
    path: ['scopeId'],
  });
export const featureSwitchUpdate = z
  .strictObject({ enabled: z.boolean(), percentage: z.number().int().min(0).max(100), description: storableText().max(500).nullable() })
  .partial();

/** Well-known switch names that serving reads as kill switches. */
export const KILL_SWITCHES = {
  /** Off: serving answers no ads at all (global), none on a placement, or none of an advertiser. */
  serving: 'serving.enabled',
  /** Off: the house tier is skipped (globally, or on a placement sold out to sponsors). */
  houseAds: 'serving.house_ads',
  /** Off: frequency caps are not enforced (globally, on a placement, or for an advertiser's campaigns). */
  frequencyCaps: 'serving.frequency_caps',
  /** Off: exclusion labels no longer keep two campaigns apart on one page (one ad per advertiser still holds). */
  competitiveExclusion: 'serving.competitive_exclusion',
} as const;

export type Advertiser = z.infer<typeof advertiser>;
export type Campaign = z.infer<typeof campaign>;
export type Ad = z.infer<typeof ad>;
export type Site = z.infer<typeof site>;
export type Placement = z.infer<typeof placement>;
export type FeatureSwitch = z.infer<typeof featureSwitch>;
export type CampaignCreate = z.input<typeof campaignCreate>;
export type AdCreate = z.input<typeof adCreate>;
