import type { z } from 'zod';
import type { inventory, rest } from '@ads/ads-client';
import type { Advertiser, Prisma } from '../generated/prisma/client';
import { containsText, readViewPage, type KeysetPage } from './keyset-page';
import { lockRow, type Db } from './db';
import { countSwitchesScopedTo, firstSwitchesScopedTo } from './feature-switch-store';

export type AdvertiserView = z.infer<typeof rest.advertiserResource>;

export function toAdvertiserView(row: Advertiser): AdvertiserView {
  return {
    id: row.id,
    name: row.name,
    externalId: row.externalId,
    status: row.status,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Rows an advertiser-scoped key may see: only its own advertiser. */
function scoped(scope: string | undefined): Prisma.AdvertiserWhereInput {
  return scope === undefined ? {} : { id: scope };
}

export function listAdvertisers(
  db: Db,
  scope: string | undefined,
  query: z.output<typeof rest.advertiserListQuery>,
): Promise<KeysetPage<AdvertiserView>> {
  const where: Prisma.AdvertiserWhereInput = { AND: [scoped(scope), { status: query.status, name: containsText(query.q) }] };
  return readViewPage(query, {
    sortKinds: { createdAt: 'date', name: 'string', updatedAt: 'date' },
    where,
    find: (args) => db.advertiser.findMany(args as Prisma.AdvertiserFindManyArgs),
    view: toAdvertiserView,
  });
}

/** The advertiser if it exists and the scope may see it. */
export function findAdvertiser(db: Db, id: string, scope: string | undefined): Promise<Advertiser | null> {
  return db.advertiser.findFirst({ where: { AND: [{ id }, scoped(scope)] } });
}

/** Locks the advertiser's row for this transaction and reads it (null: missing or out of scope). */
export async function lockAdvertiser(db: Db, id: string, scope: string | undefined): Promise<Advertiser | null> {
  if (!(await lockRow(db, 'advertiser', id))) return null;
  return findAdvertiser(db, id, scope);
}

export function createAdvertiser(db: Db, body: z.output<typeof inventory.advertiserCreate>): Promise<Advertiser> {
  return db.advertiser.create({ data: { name: body.name, externalId: body.externalId ?? null } });
}

export function updateAdvertiser(db: Db, id: string, data: { name?: string; status?: 'active' | 'archived' }): Promise<Advertiser> {
  return db.advertiser.update({ where: { id }, data: { ...data, version: { increment: 1 } } });
}

/** Archives every campaign of the advertiser that is not archived yet; returns their ids. */
export async function archiveCampaignsOf(db: Db, advertiserId: string): Promise<string[]> {
  const campaigns = await db.campaign.findMany({ where: { advertiserId, status: { not: 'archived' } }, select: { id: true } });
  if (campaigns.length === 0) return [];
  await db.campaign.updateMany({
    where: { id: { in: campaigns.map((campaign) => campaign.id) } },
    data: { status: 'archived', version: { increment: 1 } },
  });
  return campaigns.map((campaign) => campaign.id);
}

/** How many scoped switches an advertiser refusal names; the count covers the rest. */
export const namedSwitchLimit = 20;

/** What still refers to an advertiser (a DELETE is refused while anything does). */
export interface AdvertiserReferences {
  campaigns: number;
  apiKeys: number;
  /** Feature switches scoped to the advertiser (`scope: advertiser`, `scopeId`): no foreign key guards them. */
  scopedSwitches: number;
  /** The first of them by name, at most `namedSwitchLimit`. */
  firstScopedSwitches: Array<{ id: string; name: string }>;
}

export async function advertiserReferences(db: Db, id: string): Promise<AdvertiserReferences> {
  // One after the other: inside a transaction the queries share one connection anyway.
  const campaigns = await db.campaign.count({ where: { advertiserId: id } });
  const apiKeys = await db.apiKey.count({ where: { advertiserId: id } });
  const scopedSwitches = await countSwitchesScopedTo(db, 'advertiser', id);
  const firstScopedSwitches = scopedSwitches === 0 ? [] : await firstSwitchesScopedTo(db, 'advertiser', id, namedSwitchLimit);
  return { campaigns, apiKeys, scopedSwitches, firstScopedSwitches };
}

export async function deleteAdvertiser(db: Db, id: string): Promise<void> {
  await db.advertiser.delete({ where: { id } });
}
