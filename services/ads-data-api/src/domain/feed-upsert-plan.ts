// Plans an `imports.upsertRows` call as plain data: which advertisers, campaigns and ads to
// create or update, and the outcome of every row, as if the rows were applied one after the
// other. The store then writes the whole plan in a few bulk statements.
import type { dataApi } from '@ads/ads-client';
import type { z } from 'zod';

/** A feed row after the contract's validation (defaults filled in). */
export type FeedRow = z.output<typeof dataApi.feedUpsertRow>;

export interface AdvertiserValues {
  name: string;
}

export interface CampaignValues {
  name: string;
  flightStart: Date;
  flightEnd: Date;
  timeZone: string;
  totalBudget: number;
  dailyBudget: number | null;
  pacing: 'even' | 'asap';
  priority: 'sponsorship' | 'standard' | 'house';
  bidType: 'CPM' | 'CPC';
  bidAmount: number;
  frequencyCapCount: number | null;
  frequencyCapWindowSeconds: number | null;
  countries: string[];
  devices: string[];
  keywords: string[];
  siteIds: string[];
  categories: string[];
  dayPartingHours: number[];
  dayPartingWeekdays: number[];
  exclusionLabel: string | null;
}

export interface AdValues {
  format: 'native' | 'banner';
  title: string;
  body: string;
  imageUrl: string | null;
  clickUrl: string;
  width: number | null;
  height: number | null;
}

export type ReviewState = 'pending' | 'approved' | 'rejected';

/** Rows as they are in the database before the call, keyed by external ids. */
export interface ExistingInventory {
  /** By advertiser external id. */
  advertisers: ReadonlyMap<string, { id: string; version: number; status: 'active' | 'archived'; values: AdvertiserValues }>;
  /** Advertiser names in use, with the external id of their owner (null when it has none). */
  advertiserNames: ReadonlyMap<string, string | null>;
  /** By `campaignKey(advertiser external id, campaign external id)`. */
  campaigns: ReadonlyMap<
    string,
    { id: string; version: number; status: 'draft' | 'active' | 'paused' | 'archived'; values: CampaignValues }
  >;
  /** By `adKey(…, ad external id)`. */
  ads: ReadonlyMap<
    string,
    { id: string; version: number; status: 'active' | 'paused' | 'archived'; reviewState: ReviewState; values: AdValues }
  >;
}

export type RowOutcome =
  { outcome: 'created' | 'updated' | 'unchanged'; adKey: string } | { outcome: 'failed'; field: string; message: string };

/** One entity to write: `id` is null for a creation. */
export interface PlannedWrite<Values> {
  key: string;
  id: string | null;
  /** Version read before the call; an update applies only if it is still current. */
  version: number | null;
  before: Values | null;
  after: Values;
}

export interface FeedUpsertPlan {
  outcomes: RowOutcome[];
  advertisers: Array<PlannedWrite<AdvertiserValues> & { externalId: string }>;
  campaigns: Array<PlannedWrite<CampaignValues> & { externalId: string; advertiserKey: string }>;
  /** `after.reviewState` is set when the creative changed and must be reviewed again. */
  ads: Array<PlannedWrite<AdValues & { reviewState?: ReviewState }> & { externalId: string; campaignKey: string }>;
}

export function campaignKey(advertiserExternalId: string, campaignExternalId: string): string {
  return JSON.stringify([advertiserExternalId, campaignExternalId]);
}

export function adKey(advertiserExternalId: string, campaignExternalId: string, adExternalId: string): string {
  return JSON.stringify([advertiserExternalId, campaignExternalId, adExternalId]);
}

export function campaignValuesOf(row: FeedRow): CampaignValues {
  const { campaign } = row;
  return {
    name: campaign.name,
    // timestamptz(3): compare and store at millisecond precision, as the database keeps it.
    flightStart: new Date(Date.parse(campaign.flightStart)),
    flightEnd: new Date(Date.parse(campaign.flightEnd)),
    timeZone: campaign.timeZone,
    totalBudget: campaign.totalBudget,
    dailyBudget: campaign.dailyBudget,
    pacing: campaign.pacing,
    priority: campaign.priority,
    bidType: campaign.bidType,
    bidAmount: campaign.bidAmount,
    frequencyCapCount: campaign.frequencyCap?.count ?? null,
    frequencyCapWindowSeconds: campaign.frequencyCap?.windowSeconds ?? null,
    countries: campaign.targeting.countries,
    devices: campaign.targeting.devices,
    keywords: campaign.targeting.keywords,
    siteIds: campaign.targeting.siteIds,
    categories: campaign.targeting.categories,
    dayPartingHours: campaign.targeting.hours,
    dayPartingWeekdays: campaign.targeting.weekdays,
    exclusionLabel: campaign.exclusionLabel,
  };
}

export function adValuesOf(row: FeedRow): AdValues {
  const { ad } = row;
  return {
    format: ad.format,
    title: ad.title,
    body: ad.body,
    imageUrl: ad.imageUrl,
    clickUrl: ad.clickUrl,
    width: ad.width,
    height: ad.height,
  };
}

/** Field-by-field equality of plain values, dates by instant and arrays in order. */
export function sameValues(a: object, b: object): boolean {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!sameValue(left[key], right[key])) return false;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  return a === b;
}

interface Slot<Values, Extra = object> {
  id: string | null;
  version: number | null;
  original: Values | null;
  current: Values;
  extra: Extra;
}

type Failure = { field: string; message: string };

/**
 * Business rules the database would refuse with a bare constraint name, or that no single
 * statement can check: returned as the row's failure, naming the field.
 */
function campaignProblem(status: string | null, values: CampaignValues, changed: boolean): Failure | undefined {
  if (!changed) return undefined;
  if (values.bidAmount <= 0) return { field: 'campaign.bidAmount', message: 'must be above 0' };
  if (status === 'active' && values.totalBudget <= 0) {
    return { field: 'campaign.totalBudget', message: 'an active campaign needs a budget above 0; pause it first' };
  }
  return undefined;
}

function adProblem(status: string | null, values: AdValues, changed: boolean): Failure | undefined {
  if (!changed) return undefined;
  if (status === 'archived') return { field: 'ad.externalId', message: 'the ad is archived; feeds do not change archived ads' };
  if ((values.width === null) !== (values.height === null))
    return { field: 'ad.height', message: 'width and height are given together or not at all' };
  return undefined;
}

/**
 * Decides the outcome of every row and the writes that realise them. Rows apply in order: a
 * later row sees what earlier rows did (the same campaign in two rows is created once; the
 * second row's values win). A failed row changes nothing. New campaigns start as drafts and new
 * ads as pending review (activation and review stay human decisions); an approved or rejected
 * ad whose creative changes goes back to pending.
 */
export function planFeedUpsert(rows: readonly FeedRow[], existing: ExistingInventory): FeedUpsertPlan {
  const advertisers = new Map<string, Slot<AdvertiserValues, { status: string | null }>>();
  const campaigns = new Map<string, Slot<CampaignValues, { status: string | null; advertiserKey: string; externalId: string }>>();
  const ads = new Map<
    string,
    Slot<AdValues, { status: string | null; reviewState: ReviewState | null; campaignKey: string; externalId: string }>
  >();
  const nameOwners = new Map(existing.advertiserNames);

  const advertiserSlot = (externalId: string, values: AdvertiserValues) => {
    const known = advertisers.get(externalId);
    if (known) return known;
    const stored = existing.advertisers.get(externalId);
    return stored
      ? { id: stored.id, version: stored.version, original: stored.values, current: stored.values, extra: { status: stored.status } }
      : { id: null, version: null, original: null, current: values, extra: { status: null } };
  };

  const outcomes = rows.map((row): RowOutcome => {
    const advertiserExternalId = row.advertiser.externalId;
    const cKey = campaignKey(advertiserExternalId, row.campaign.externalId);
    const aKey = adKey(advertiserExternalId, row.campaign.externalId, row.ad.externalId);

    const advertiser = advertiserSlot(advertiserExternalId, { name: row.advertiser.name });
    const advertiserValues: AdvertiserValues = { name: row.advertiser.name };
    const advertiserNew = advertiser.id === null && !advertisers.has(advertiserExternalId);
    const advertiserChanged = advertiserNew || !sameValues(advertiser.current, advertiserValues);
    if (advertiserChanged) {
      const owner = nameOwners.get(advertiserValues.name);
      if (owner !== undefined && owner !== advertiserExternalId) {
        return { outcome: 'failed', field: 'advertiser.name', message: `another advertiser is already named "${advertiserValues.name}"` };
      }
    }

    const campaign =
      campaigns.get(cKey) ??
      (() => {
        const stored = existing.campaigns.get(cKey);
        const values = campaignValuesOf(row);
        return stored
          ? {
              id: stored.id,
              version: stored.version,
              original: stored.values,
              current: stored.values,
              extra: { status: stored.status, advertiserKey: advertiserExternalId, externalId: row.campaign.externalId },
            }
          : {
              id: null,
              version: null,
              original: null,
              current: values,
              extra: { status: null as string | null, advertiserKey: advertiserExternalId, externalId: row.campaign.externalId },
            };
      })();
    const campaignValues = campaignValuesOf(row);
    const campaignNew = campaign.id === null && !campaigns.has(cKey);
    const campaignChanged = campaignNew || !sameValues(campaign.current, campaignValues);
    const campaignFailure = campaignProblem(campaign.extra.status, campaignValues, campaignChanged);
    if (campaignFailure) return { outcome: 'failed', ...campaignFailure };

    const ad =
      ads.get(aKey) ??
      (() => {
        const stored = existing.ads.get(aKey);
        const values = adValuesOf(row);
        return stored
          ? {
              id: stored.id,
              version: stored.version,
              original: stored.values,
              current: stored.values,
              extra: { status: stored.status, reviewState: stored.reviewState, campaignKey: cKey, externalId: row.ad.externalId },
            }
          : {
              id: null,
              version: null,
              original: null,
              current: values,
              extra: {
                status: null as string | null,
                reviewState: null as ReviewState | null,
                campaignKey: cKey,
                externalId: row.ad.externalId,
              },
            };
      })();
    const adValues = adValuesOf(row);
    const adNew = ad.id === null && !ads.has(aKey);
    const adChanged = adNew || !sameValues(ad.current, adValues);
    const adFailure = adProblem(ad.extra.status, adValues, adChanged);
    if (adFailure) return { outcome: 'failed', ...adFailure };

    // An unchanged row is fine whatever the state of its rows; a change under an archived
    // parent is refused (an archived campaign gains no ads, an archived advertiser no campaigns).
    const anyChange = advertiserChanged || campaignChanged || adChanged;
    if (anyChange && advertiser.extra.status === 'archived') {
      return {
        outcome: 'failed',
        field: 'advertiser.externalId',
        message: 'the advertiser is archived; feeds do not change archived advertisers',
      };
    }
    if ((campaignChanged || adChanged) && campaign.extra.status === 'archived') {
      return {
        outcome: 'failed',
        field: 'campaign.externalId',
        message: 'the campaign is archived; feeds do not change archived campaigns',
      };
    }

    // The row is good: only now does it change the state later rows see.
    if (advertiserChanged) {
      if (!advertiserNew && advertiser.current.name !== advertiserValues.name) nameOwners.delete(advertiser.current.name);
      nameOwners.set(advertiserValues.name, advertiserExternalId);
    }
    advertisers.set(advertiserExternalId, { ...advertiser, current: advertiserValues });
    campaigns.set(cKey, { ...campaign, current: campaignValues });
    ads.set(aKey, { ...ad, current: adValues });

    if (adNew) return { outcome: 'created', adKey: aKey };
    return { outcome: anyChange ? 'updated' : 'unchanged', adKey: aKey };
  });

  const plan: FeedUpsertPlan = { outcomes, advertisers: [], campaigns: [], ads: [] };
  for (const [key, slot] of advertisers) {
    if (slot.original !== null && sameValues(slot.original, slot.current)) continue;
    plan.advertisers.push({ key, id: slot.id, version: slot.version, before: slot.original, after: slot.current, externalId: key });
  }
  for (const [key, slot] of campaigns) {
    if (slot.original !== null && sameValues(slot.original, slot.current)) continue;
    plan.campaigns.push({
      key,
      id: slot.id,
      version: slot.version,
      before: slot.original,
      after: slot.current,
      externalId: slot.extra.externalId,
      advertiserKey: slot.extra.advertiserKey,
    });
  }
  for (const [key, slot] of ads) {
    if (slot.original !== null && sameValues(slot.original, slot.current)) continue;
    const reReview = slot.original !== null && slot.extra.reviewState !== null && slot.extra.reviewState !== 'pending';
    plan.ads.push({
      key,
      id: slot.id,
      version: slot.version,
      before: slot.original,
      after: reReview ? { ...slot.current, reviewState: 'pending' } : slot.current,
      externalId: slot.extra.externalId,
      campaignKey: slot.extra.campaignKey,
    });
  }
  return plan;
}
