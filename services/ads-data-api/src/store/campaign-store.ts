import type { z } from 'zod';
import type { Campaign as CampaignView, inventory, rest, Targeting } from '@ads/ads-client';
import type { Campaign, Prisma } from '../generated/prisma/client';
import type { CampaignStatus } from '../generated/prisma/enums';
import { containsText, readViewPage, type KeysetPage } from './keyset-page';
import { isRowId } from '../domain/row-id';
import { lockRow, type Db } from './db';

export type { CampaignView };

export function toCampaignView(row: Campaign): CampaignView {
  return {
    id: row.id,
    advertiserId: row.advertiserId,
    externalId: row.externalId,
    name: row.name,
    status: row.status,
    flightStart: row.flightStart.toISOString(),
    flightEnd: row.flightEnd.toISOString(),
    timeZone: row.timeZone,
    totalBudget: row.totalBudget,
    dailyBudget: row.dailyBudget,
    pacing: row.pacing,
    priority: row.priority,
    bidType: row.bidType,
    bidAmount: row.bidAmount,
    frequencyCap:
      row.frequencyCapCount === null || row.frequencyCapWindowSeconds === null
        ? null
        : { count: row.frequencyCapCount, windowSeconds: row.frequencyCapWindowSeconds },
    targeting: {
      countries: row.countries,
      devices: row.devices as Targeting['devices'],
      keywords: row.keywords,
      siteIds: row.siteIds,
      categories: row.categories,
      hours: row.dayPartingHours,
      weekdays: row.dayPartingWeekdays,
      properties: row.propertyExpression,
    },
    exclusionLabel: row.exclusionLabel,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

type CampaignCreateBody = z.output<typeof inventory.campaignCreate>;
type CampaignUpdateBody = z.output<typeof inventory.campaignUpdate>;

function targetingColumns(targeting: Targeting) {
  return {
    countries: targeting.countries,
    devices: targeting.devices,
    keywords: targeting.keywords,
    siteIds: targeting.siteIds,
    categories: targeting.categories,
    dayPartingHours: targeting.hours,
    dayPartingWeekdays: targeting.weekdays,
    // Targeting is replaced whole: an expression left out is removed.
    propertyExpression: targeting.properties ?? null,
  };
}

/** The columns of a campaign patch (only the fields it names). */
export function campaignPatchColumns(patch: CampaignUpdateBody): Prisma.CampaignUncheckedUpdateInput {
  const { targeting, frequencyCap, flightStart, flightEnd, ...plain } = patch;
  return {
    ...plain,
    ...(flightStart === undefined ? {} : { flightStart: new Date(flightStart) }),
    ...(flightEnd === undefined ? {} : { flightEnd: new Date(flightEnd) }),
    ...(frequencyCap === undefined
      ? {}
      : { frequencyCapCount: frequencyCap?.count ?? null, frequencyCapWindowSeconds: frequencyCap?.windowSeconds ?? null }),
    ...(targeting === undefined ? {} : targetingColumns(targeting)),
  };
}

function scoped(scope: string | undefined): Prisma.CampaignWhereInput {
  return scope === undefined ? {} : { advertiserId: scope };
}

export function listCampaigns(
  db: Db,
  scope: string | undefined,
  query: z.output<typeof rest.campaignListQuery>,
): Promise<KeysetPage<CampaignView>> {
  const where: Prisma.CampaignWhereInput = {
    AND: [
      scoped(scope),
      {
        status: query.status,
        advertiserId: query.advertiserId,
        priority: query.priority,
        bidType: query.bidType,
        name: containsText(query.q),
      },
    ],
  };
  return readViewPage(query, {
    sortKinds: { createdAt: 'date', name: 'string', updatedAt: 'date', flightStart: 'date', flightEnd: 'date' },
    where,
    find: (args) => db.campaign.findMany(args as Prisma.CampaignFindManyArgs),
    view: toCampaignView,
  });
}

export function findCampaign(db: Db, id: string, scope: string | undefined): Promise<Campaign | null> {
  return db.campaign.findFirst({ where: { AND: [{ id }, scoped(scope)] } });
}

export async function lockCampaign(db: Db, id: string, scope: string | undefined): Promise<Campaign | null> {
  if (!(await lockRow(db, 'campaign', id))) return null;
  return findCampaign(db, id, scope);
}

export function createCampaign(db: Db, body: CampaignCreateBody): Promise<Campaign> {
  return db.campaign.create({
    data: {
      advertiserId: body.advertiserId,
      externalId: body.externalId ?? null,
      name: body.name,
      flightStart: new Date(body.flightStart),
      flightEnd: new Date(body.flightEnd),
      timeZone: body.timeZone,
      totalBudget: body.totalBudget,
      dailyBudget: body.dailyBudget,
      pacing: body.pacing,
      priority: body.priority,
      bidType: body.bidType,
      bidAmount: body.bidAmount,
      frequencyCapCount: body.frequencyCap?.count ?? null,
      frequencyCapWindowSeconds: body.frequencyCap?.windowSeconds ?? null,
      ...targetingColumns(body.targeting),
      exclusionLabel: body.exclusionLabel,
    },
  });
}

export function updateCampaign(db: Db, id: string, data: Prisma.CampaignUncheckedUpdateInput): Promise<Campaign> {
  return db.campaign.update({ where: { id }, data: { ...data, version: { increment: 1 } } });
}

export function setCampaignStatus(db: Db, id: string, status: CampaignStatus): Promise<Campaign> {
  return updateCampaign(db, id, { status });
}

/** Ads that let a campaign serve: active and approved. */
export function countServableAds(db: Db, campaignId: string): Promise<number> {
  return db.ad.count({ where: { campaignId, status: 'active', reviewState: 'approved' } });
}

/** What still refers to a campaign (a DELETE is refused while anything does). */
export async function campaignReferences(db: Db, id: string): Promise<{ ads: number; hourlyStats: number }> {
  const ads = await db.ad.count({ where: { campaignId: id } });
  const hourlyStats = await db.hourlyStat.count({ where: { campaignId: id } });
  return { ads, hourlyStats };
}

export async function deleteCampaign(db: Db, id: string): Promise<void> {
  await db.campaign.delete({ where: { id } });
}

/** The ids among `siteIds` that name no site. */
export async function unknownSiteIds(db: Db, siteIds: readonly string[]): Promise<Set<string>> {
  const wellFormed = siteIds.filter(isRowId);
  const found = wellFormed.length === 0 ? [] : await db.site.findMany({ where: { id: { in: wellFormed } }, select: { id: true } });
  const known = new Set(found.map((site) => site.id));
  return new Set(siteIds.filter((id) => !known.has(id)));
}

/**
 * A draft copy of a campaign with copies of its ads that are not archived (same creative,
 * status and review; no external ids, which belong to the original's feed rows). Stats stay
 * with the original.
 */
export async function duplicateCampaign(db: Db, original: Campaign, name: string): Promise<{ campaign: Campaign; ads: number }> {
  const {
    id: _id,
    externalId: _externalId,
    status: _status,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    ...columns
  } = original;
  const campaign = await db.campaign.create({ data: { ...columns, name, status: 'draft' } });
  const ads = await db.ad.findMany({ where: { campaignId: original.id, status: { not: 'archived' } }, orderBy: { createdAt: 'asc' } });
  await db.ad.createMany({
    data: ads.map(
      ({
        id: _adId,
        externalId: _adExternalId,
        campaignId: _campaignId,
        version: _adVersion,
        createdAt: _adCreatedAt,
        updatedAt: _adUpdatedAt,
        ...ad
      }) => ({
        ...ad,
        campaignId: campaign.id,
      }),
    ),
  });
  return { campaign, ads: ads.length };
}
