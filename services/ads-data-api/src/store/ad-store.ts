import type { z } from 'zod';
import type { Ad as AdView, inventory, rest } from '@ads/ads-client';
import type { Ad, Prisma } from '../generated/prisma/client';
import { containsText, readViewPage, type KeysetPage } from './keyset-page';
import { lockRow, type Db } from './db';

export type { AdView };

/** An ad row with the advertiser of its campaign, which the API shows and scopes by. */
export type AdWithAdvertiser = Ad & { campaign: { advertiserId: string } };

const withAdvertiser = { campaign: { select: { advertiserId: true } } } as const;

export function toAdView(row: AdWithAdvertiser): AdView {
  return {
    id: row.id,
    campaignId: row.campaignId,
    advertiserId: row.campaign.advertiserId,
    externalId: row.externalId,
    format: row.format,
    title: row.title,
    body: row.body,
    imageUrl: row.imageUrl,
    clickUrl: row.clickUrl,
    width: row.width,
    height: row.height,
    status: row.status,
    reviewState: row.reviewState,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function scoped(scope: string | undefined): Prisma.AdWhereInput {
  return scope === undefined ? {} : { campaign: { advertiserId: scope } };
}

export function listAds(db: Db, scope: string | undefined, query: z.output<typeof rest.adListQuery>): Promise<KeysetPage<AdView>> {
  const where: Prisma.AdWhereInput = {
    AND: [
      scoped(scope),
      {
        status: query.status,
        reviewState: query.reviewState,
        format: query.format,
        campaignId: query.campaignId,
        title: containsText(query.q),
      },
      query.advertiserId === undefined ? {} : { campaign: { advertiserId: query.advertiserId } },
    ],
  };
  return readViewPage(query, {
    sortKinds: { createdAt: 'date', title: 'string', updatedAt: 'date' },
    where,
    find: (args) => db.ad.findMany({ ...(args as Prisma.AdFindManyArgs), include: withAdvertiser }),
    view: toAdView,
  });
}

export function findAd(db: Db, id: string, scope: string | undefined): Promise<AdWithAdvertiser | null> {
  return db.ad.findFirst({ where: { AND: [{ id }, scoped(scope)] }, include: withAdvertiser });
}

export async function lockAd(db: Db, id: string, scope: string | undefined): Promise<AdWithAdvertiser | null> {
  if (!(await lockRow(db, 'ad', id))) return null;
  return findAd(db, id, scope);
}

export function createAd(db: Db, body: z.output<typeof inventory.adCreate>): Promise<AdWithAdvertiser> {
  return db.ad.create({
    data: {
      campaignId: body.campaignId,
      externalId: body.externalId ?? null,
      format: body.format,
      title: body.title,
      body: body.body,
      imageUrl: body.imageUrl,
      clickUrl: body.clickUrl,
      width: body.width,
      height: body.height,
    },
    include: withAdvertiser,
  });
}

export function updateAd(db: Db, id: string, data: Prisma.AdUncheckedUpdateInput): Promise<AdWithAdvertiser> {
  return db.ad.update({ where: { id }, data: { ...data, version: { increment: 1 } }, include: withAdvertiser });
}

/** Whether stats refer to the ad (then it is archived, never deleted). */
export async function adHasStats(db: Db, id: string): Promise<boolean> {
  return (await db.hourlyStat.findFirst({ where: { adId: id }, select: { adId: true } })) !== null;
}

export async function deleteAd(db: Db, id: string): Promise<void> {
  await db.ad.delete({ where: { id } });
}
