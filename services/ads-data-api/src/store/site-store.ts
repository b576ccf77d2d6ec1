import type { z } from 'zod';
import type { inventory, rest } from '@ads/ads-client';
import type { Prisma, Site } from '../generated/prisma/client';
import { readViewPage, type KeysetPage } from './keyset-page';
import { lockRow, type Db } from './db';

export type SiteView = z.infer<typeof rest.siteResource>;

export function toSiteView(row: Site): SiteView {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    category: row.category,
    // `paused` exists in the database for publisher inventory but the API does not set it.
    status: row.status as SiteView['status'],
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function listSites(db: Db, query: z.output<typeof rest.siteListQuery>): Promise<KeysetPage<SiteView>> {
  const where: Prisma.SiteWhereInput = {
    status: query.status,
    category: query.category,
    ...(query.q === undefined
      ? {}
      : { OR: [{ name: { contains: query.q, mode: 'insensitive' } }, { domain: { contains: query.q, mode: 'insensitive' } }] }),
  };
  return readViewPage(query, {
    sortKinds: { createdAt: 'date', name: 'string', domain: 'string' },
    where,
    find: (args) => db.site.findMany(args as Prisma.SiteFindManyArgs),
    view: toSiteView,
  });
}

export function findSite(db: Db, id: string): Promise<Site | null> {
  return db.site.findUnique({ where: { id } });
}

export async function lockSite(db: Db, id: string): Promise<Site | null> {
  if (!(await lockRow(db, 'site', id))) return null;
  return findSite(db, id);
}

export function createSite(db: Db, body: z.output<typeof inventory.siteCreate>): Promise<Site> {
  return db.site.create({ data: { name: body.name, domain: body.domain, category: body.category } });
}

export function updateSite(db: Db, id: string, data: Prisma.SiteUncheckedUpdateInput): Promise<Site> {
  return db.site.update({ where: { id }, data: { ...data, version: { increment: 1 } } });
}

/** Archives the placements of a site that are not archived yet; returns their ids. */
export async function archivePlacementsOf(db: Db, siteId: string): Promise<string[]> {
  const placements = await db.placement.findMany({ where: { siteId, status: { not: 'archived' } }, select: { id: true } });
  if (placements.length === 0) return [];
  await db.placement.updateMany({
    where: { id: { in: placements.map((placement) => placement.id) } },
    data: { status: 'archived', version: { increment: 1 } },
  });
  return placements.map((placement) => placement.id);
}

/** How many campaign ids a site refusal names; the count covers the rest. */
export const namedCampaignLimit = 20;

/** What still refers to a site (a DELETE is refused while anything does). */
export interface SiteReferences {
  placements: number;
  /** Campaigns of any status whose targeting.siteIds name the site. */
  targetingCampaigns: number;
  /** The first of them by id, at most `namedCampaignLimit`. */
  targetingCampaignIds: string[];
}

/**
 * What refers to a site. Placements have a foreign key; targeting.siteIds is a text array no
 * constraint guards, so it is counted here (campaign writes store the site's own id spelling).
 */
export async function siteReferences(db: Db, siteId: string): Promise<SiteReferences> {
  // One after the other: inside a transaction the queries share one connection anyway.
  const placements = await db.placement.count({ where: { siteId } });
  const targeting: Prisma.CampaignWhereInput = { siteIds: { has: siteId } };
  const targetingCampaigns = await db.campaign.count({ where: targeting });
  const named =
    targetingCampaigns === 0
      ? []
      : await db.campaign.findMany({ where: targeting, select: { id: true }, orderBy: { id: 'asc' }, take: namedCampaignLimit });
  return { placements, targetingCampaigns, targetingCampaignIds: named.map((campaign) => campaign.id) };
}

export async function deleteSite(db: Db, id: string): Promise<void> {
  await db.site.delete({ where: { id } });
}
