import type { dataApi } from '@ads/ads-client';
import type { z } from 'zod';
import {
  adKey,
  campaignKey,
  planFeedUpsert,
  type AdValues,
  type CampaignValues,
  type ExistingInventory,
  type FeedRow,
  type FeedUpsertPlan,
  type RowOutcome,
} from '../domain/feed-upsert-plan';
import { isUuid } from '../domain/stats-rows';
import { DataApiError } from '../errors';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { Logger } from 'pino';
import { constraintOf, isRetryableTransactionError, isUniqueViolation, sqlStateOf } from './sql-state';

export type FeedUpsertOutcome = z.input<typeof dataApi.feedUpsertOutcome>;
export type ImportRun = z.input<typeof dataApi.importRun>;
export type ImportRunInput = Omit<ImportRun, 'id'> & { id?: string | undefined };

/** Who asked for the writes, for the audit log. */
export interface WriteActor {
  keyId: string | null;
  requestId: string | null;
}

type Transaction = Prisma.TransactionClient;

const MAX_ATTEMPTS = 3;

/** Another writer changed a row between our read and our write: read again and re-plan. */
function staleRead(message: string): DataApiError {
  return new DataApiError('IMPORT_STALE_READ', message);
}

function isStaleRead(error: unknown): boolean {
  return error instanceof DataApiError && error.code === 'IMPORT_STALE_READ';
}

const campaignValueSelect = {
  name: true,
  flightStart: true,
  flightEnd: true,
  timeZone: true,
  totalBudget: true,
  dailyBudget: true,
  pacing: true,
  priority: true,
  bidType: true,
  bidAmount: true,
  frequencyCapCount: true,
  frequencyCapWindowSeconds: true,
  countries: true,
  devices: true,
  keywords: true,
  siteIds: true,
  categories: true,
  dayPartingHours: true,
  dayPartingWeekdays: true,
  exclusionLabel: true,
} as const satisfies Record<keyof CampaignValues, true>;

const adValueSelect = {
  format: true,
  title: true,
  body: true,
  imageUrl: true,
  clickUrl: true,
  width: true,
  height: true,
} as const satisfies Record<keyof AdValues, true>;

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/** The advertisers, campaigns and ads the rows name, and the advertiser names they may collide with: three queries. */
async function readExistingInventory(db: PrismaClient | Transaction, rows: readonly FeedRow[]): Promise<ExistingInventory> {
  const advertiserRows = await db.advertiser.findMany({
    where: {
      OR: [
        { externalId: { in: unique(rows.map((row) => row.advertiser.externalId)) } },
        { name: { in: unique(rows.map((row) => row.advertiser.name)) } },
      ],
    },
    select: { id: true, externalId: true, name: true, status: true, version: true },
  });
  const advertisers: ExistingInventory['advertisers'] extends ReadonlyMap<string, infer V> ? Map<string, V> : never = new Map();
  const advertiserNames = new Map<string, string | null>();
  const externalIdOfAdvertiser = new Map<string, string>();
  for (const row of advertiserRows) {
    advertiserNames.set(row.name, row.externalId);
    if (row.externalId === null) continue;
    externalIdOfAdvertiser.set(row.id, row.externalId);
    advertisers.set(row.externalId, { id: row.id, version: row.version, status: row.status, values: { name: row.name } });
  }

  const campaigns: ExistingInventory['campaigns'] extends ReadonlyMap<string, infer V> ? Map<string, V> : never = new Map();
  const campaignKeyOf = new Map<string, string>();
  if (externalIdOfAdvertiser.size > 0) {
    const campaignRows = await db.campaign.findMany({
      where: {
        advertiserId: { in: [...externalIdOfAdvertiser.keys()] },
        externalId: { in: unique(rows.map((row) => row.campaign.externalId)) },
      },
      select: { id: true, advertiserId: true, externalId: true, status: true, version: true, ...campaignValueSelect },
    });
    for (const { id, advertiserId, externalId, status, version, ...values } of campaignRows) {
      const key = campaignKey(externalIdOfAdvertiser.get(advertiserId)!, externalId!);
      campaignKeyOf.set(id, key);
      campaigns.set(key, { id, version, status, values });
    }
  }

  const ads: ExistingInventory['ads'] extends ReadonlyMap<string, infer V> ? Map<string, V> : never = new Map();
  if (campaignKeyOf.size > 0) {
    const adRows = await db.ad.findMany({
      where: { campaignId: { in: [...campaignKeyOf.keys()] }, externalId: { in: unique(rows.map((row) => row.ad.externalId)) } },
      select: { id: true, campaignId: true, externalId: true, status: true, reviewState: true, version: true, ...adValueSelect },
    });
    for (const { id, campaignId, externalId, status, reviewState, version, ...values } of adRows) {
      const [advertiserExternalId, campaignExternalId] = JSON.parse(campaignKeyOf.get(campaignId)!) as [string, string];
      ads.set(adKey(advertiserExternalId, campaignExternalId, externalId!), { id, version, status, reviewState, values });
    }
  }
  return { advertisers, advertiserNames, campaigns, ads };
}

function json(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

/** Writes a plan in one transaction: bulk inserts per table, one update per changed row, audit rows. Returns ad ids by key. */
async function applyPlan(
  tx: Transaction,
  plan: FeedUpsertPlan,
  existing: ExistingInventory,
  actor: WriteActor,
): Promise<Map<string, string>> {
  const audit: Prisma.AuditLogCreateManyInput[] = [];
  const record = (entityType: string, entityId: string, before: unknown, after: unknown) => {
    audit.push({
      actorKeyId: actor.keyId,
      requestId: actor.requestId,
      action: `${entityType}.${before === null ? 'create' : 'update'}`,
      entityType,
      entityId,
      before: before === null ? undefined : json({ id: entityId, ...(before as object) }),
      after: json({ id: entityId, ...(after as object) }),
    });
  };

  const advertiserIds = new Map([...existing.advertisers].map(([key, row]) => [key, row.id]));
  const newAdvertisers = plan.advertisers.filter((write) => write.id === null);
  if (newAdvertisers.length > 0) {
    const created = await tx.advertiser.createManyAndReturn({
      data: newAdvertisers.map((write) => ({ name: write.after.name, externalId: write.externalId })),
      select: { id: true, externalId: true, name: true },
    });
    for (const row of created) {
      advertiserIds.set(row.externalId!, row.id);
      record('advertiser', row.id, null, { externalId: row.externalId, name: row.name, status: 'active' });
    }
  }
  for (const write of plan.advertisers.filter((candidate) => candidate.id !== null)) {
    const { count } = await tx.advertiser.updateMany({
      where: { id: write.id!, version: write.version! },
      data: { name: write.after.name, version: { increment: 1 } },
    });
    if (count === 0) throw staleRead(`advertiser ${write.id} changed while the feed was applied`);
    record('advertiser', write.id!, write.before, write.after);
  }

  const campaignIds = new Map([...existing.campaigns].map(([key, row]) => [key, row.id]));
  const newCampaigns = plan.campaigns.filter((write) => write.id === null);
  if (newCampaigns.length > 0) {
    const externalIdOfAdvertiser = new Map([...advertiserIds].map(([externalId, id]) => [id, externalId]));
    const created = await tx.campaign.createManyAndReturn({
      data: newCampaigns.map((write) => ({
        ...write.after,
        advertiserId: advertiserIds.get(write.advertiserKey)!,
        externalId: write.externalId,
        status: 'draft' as const,
      })),
      select: { id: true, advertiserId: true, externalId: true, ...campaignValueSelect },
    });
    for (const { id, advertiserId, externalId, ...values } of created) {
      campaignIds.set(campaignKey(externalIdOfAdvertiser.get(advertiserId)!, externalId!), id);
      record('campaign', id, null, { advertiserId, externalId, status: 'draft', ...values });
    }
  }
  for (const write of plan.campaigns.filter((candidate) => candidate.id !== null)) {
    const { count } = await tx.campaign.updateMany({
      where: { id: write.id!, version: write.version! },
      data: { ...write.after, version: { increment: 1 } },
    });
    if (count === 0) throw staleRead(`campaign ${write.id} changed while the feed was applied`);
    record('campaign', write.id!, write.before, write.after);
  }

  const adIds = new Map([...existing.ads].map(([key, row]) => [key, row.id]));
  const newAds = plan.ads.filter((write) => write.id === null);
  if (newAds.length > 0) {
    const keyOfCampaign = new Map([...campaignIds].map(([key, id]) => [id, key]));
    const created = await tx.ad.createManyAndReturn({
      data: newAds.map((write) => ({
        ...write.after,
        campaignId: campaignIds.get(write.campaignKey)!,
        externalId: write.externalId,
        status: 'active' as const,
        reviewState: 'pending' as const,
      })),
      select: { id: true, campaignId: true, externalId: true, ...adValueSelect },
    });
    for (const { id, campaignId, externalId, ...values } of created) {
      const [advertiserExternalId, campaignExternalId] = JSON.parse(keyOfCampaign.get(campaignId)!) as [string, string];
      adIds.set(adKey(advertiserExternalId, campaignExternalId, externalId!), id);
      record('ad', id, null, { campaignId, externalId, status: 'active', reviewState: 'pending', ...values });
    }
  }
  for (const write of plan.ads.filter((candidate) => candidate.id !== null)) {
    const { count } = await tx.ad.updateMany({
      where: { id: write.id!, version: write.version! },
      data: { ...write.after, version: { increment: 1 } },
    });
    if (count === 0) throw staleRead(`ad ${write.id} changed while the feed was applied`);
    record('ad', write.id!, write.before, write.after);
  }

  if (audit.length > 0) await tx.auditLog.createMany({ data: audit });
  return adIds;
}

function hasWrites(plan: FeedUpsertPlan): boolean {
  return plan.advertisers.length + plan.campaigns.length + plan.ads.length > 0;
}

function resolveOutcomes(outcomes: readonly RowOutcome[], adIds: ReadonlyMap<string, string>): FeedUpsertOutcome[] {
  return outcomes.map((outcome) =>
    outcome.outcome === 'failed' ? outcome : { outcome: outcome.outcome, adId: adIds.get(outcome.adKey)! },
  );
}

/** Reads, plans and writes rows in one transaction, again from the start when a concurrent writer got in between. */
async function upsertOnce(
  prisma: PrismaClient,
  rows: readonly FeedRow[],
  actor: WriteActor,
  logger: Logger,
): Promise<{ outcomes: FeedUpsertOutcome[]; changed: boolean }> {
  for (let attempt = 1; ; attempt += 1) {
    const existing = await readExistingInventory(prisma, rows);
    const plan = planFeedUpsert(rows, existing);
    if (!hasWrites(plan)) {
      return { outcomes: resolveOutcomes(plan.outcomes, new Map([...existing.ads].map(([key, row]) => [key, row.id]))), changed: false };
    }
    try {
      const adIds = await prisma.$transaction((tx) => applyPlan(tx, plan, existing, actor), { timeout: 120_000, maxWait: 30_000 });
      return { outcomes: resolveOutcomes(plan.outcomes, adIds), changed: true };
    } catch (error) {
      // Concurrent imports of the same external ids can also deadlock on their rows.
      const concurrent = isStaleRead(error) || isUniqueViolation(error) || isRetryableTransactionError(error);
      if (!concurrent || attempt >= MAX_ATTEMPTS) throw error;
      logger.info({ err: error, attempt, requestId: actor.requestId }, 'feed rows met a concurrent write; reading again');
    }
  }
}

// Constraints a row can still break after planning (or a concurrent writer made it break),
// with the feed field each one is about.
const fieldOfConstraint: Record<string, string> = {
  advertiser_name_key: 'advertiser.name',
  advertiser_name_check: 'advertiser.name',
  advertiser_external_id_key: 'advertiser.externalId',
  campaign_advertiser_id_external_id_key: 'campaign.externalId',
  campaign_name_check: 'campaign.name',
  campaign_flight_check: 'campaign.flightEnd',
  campaign_time_zone_check: 'campaign.timeZone',
  campaign_total_budget_check: 'campaign.totalBudget',
  campaign_daily_budget_check: 'campaign.dailyBudget',
  campaign_bid_amount_check: 'campaign.bidAmount',
  campaign_frequency_cap_check: 'campaign.frequencyCap',
  campaign_day_parting_hours_check: 'campaign.targeting.hours',
  campaign_day_parting_weekdays_check: 'campaign.targeting.weekdays',
  ad_campaign_id_external_id_key: 'ad.externalId',
  ad_title_check: 'ad.title',
  ad_size_check: 'ad.width',
  ad_banner_size_check: 'ad.width',
};

/** Whether the database refused the data itself (constraint, value out of range), as opposed to failing. */
function isDataError(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && (state.startsWith('23') || state.startsWith('22'));
}

/**
 * Creates or updates advertisers, campaigns and ads by external id, one outcome per row in
 * order. Rows that change nothing are `unchanged` and cost no write, no version bump and no
 * audit row; every created or updated row gets an audit row naming the caller's key. All rows
 * go in one transaction; if the database refuses one of them anyway, the rows are applied one
 * by one instead so that the refused row fails alone. Retries and the fallback are logged.
 */
export async function upsertFeedRows(
  prisma: PrismaClient,
  rows: readonly FeedRow[],
  actor: WriteActor,
  logger: Logger,
): Promise<{ outcomes: FeedUpsertOutcome[]; changed: boolean }> {
  try {
    return await upsertOnce(prisma, rows, actor, logger);
  } catch (error) {
    if (!isDataError(error)) throw retryExhausted(error);
    logger.warn({ err: error, requestId: actor.requestId, rows: rows.length }, 'feed rows refused in bulk; applying them one by one');
  }
  const outcomes: FeedUpsertOutcome[] = [];
  let changed = false;
  for (const row of rows) {
    try {
      const single = await upsertOnce(prisma, [row], actor, logger);
      outcomes.push(single.outcomes[0]!);
      changed ||= single.changed;
    } catch (error) {
      if (!isDataError(error)) throw retryExhausted(error);
      const constraint = constraintOf(error);
      outcomes.push({
        outcome: 'failed',
        field: (constraint && fieldOfConstraint[constraint]) ?? 'row',
        message: `refused by the database${constraint ? ` (${constraint})` : ''}`,
      });
    }
  }
  return { outcomes, changed };
}

function retryExhausted(error: unknown): unknown {
  if (isStaleRead(error) || isUniqueViolation(error) || isRetryableTransactionError(error)) {
    return new DataApiError('IMPORT_CONFLICT', 'feed rows kept colliding with concurrent writes; send them again', { cause: error });
  }
  return error;
}

function toImportRun(row: {
  id: string;
  source: string;
  format: 'csv' | 'json';
  status: ImportRun['status'];
  totalCount: number;
  createdCount: number;
  updatedCount: number;
  unchangedCount: number;
  failedCount: number;
  errors: unknown;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}): ImportRun {
  return {
    id: row.id,
    source: row.source,
    format: row.format,
    status: row.status,
    total: row.totalCount,
    created: row.createdCount,
    updated: row.updatedCount,
    unchanged: row.unchangedCount,
    failed: row.failedCount,
    errors: row.errors as ImportRun['errors'],
    startedAt: (row.startedAt ?? row.createdAt).toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

const MAX_IMPORT_RUN_COUNT = 2_147_483_647;

/** Creates an import run, or replaces the recorded state of the run `id`. */
export async function recordImportRun(prisma: PrismaClient, run: ImportRunInput): Promise<ImportRun> {
  const problems: DataApiError['fields'] = [];
  for (const field of ['total', 'created', 'updated', 'unchanged', 'failed'] as const) {
    if (run[field] < 0) problems.push({ path: [field], message: 'must be 0 or more' });
    // The counts are 32-bit integer columns: a larger one was a database error (500).
    else if (run[field] > MAX_IMPORT_RUN_COUNT) problems.push({ path: [field], message: `must be at most ${MAX_IMPORT_RUN_COUNT}` });
  }
  if (run.finishedAt !== null && Date.parse(run.finishedAt) < Date.parse(run.startedAt)) {
    problems.push({ path: ['finishedAt'], message: 'must not be before startedAt' });
  }
  if (problems.length > 0) {
    throw new DataApiError('IMPORT_RUN_INVALID', problems.map((problem) => `${problem.path.join('.')}: ${problem.message}`).join('; '), {
      fields: problems,
    });
  }
  const data = {
    source: run.source,
    format: run.format,
    status: run.status,
    totalCount: run.total,
    createdCount: run.created,
    updatedCount: run.updated,
    unchangedCount: run.unchanged,
    failedCount: run.failed,
    errors: json(run.errors),
    startedAt: new Date(run.startedAt),
    finishedAt: run.finishedAt === null ? null : new Date(run.finishedAt),
  };
  if (run.id === undefined) return toImportRun(await prisma.importRun.create({ data }));
  const notFound = new DataApiError('IMPORT_RUN_NOT_FOUND', `no import run has id ${run.id.slice(0, 64)}`);
  if (!isUuid(run.id)) throw notFound;
  const { count } = await prisma.importRun.updateMany({ where: { id: run.id }, data });
  if (count === 0) throw notFound;
  return toImportRun((await prisma.importRun.findUnique({ where: { id: run.id } }))!);
}
