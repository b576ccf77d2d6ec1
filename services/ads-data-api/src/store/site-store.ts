import type { z } from 'zod';
import type { inventory, rest } from '@ads/ads-client';
import type { Prisma, Site } from '../generated/prisma/client';
import { readKeysetPage, type KeysetPage } from './keyset-page';
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

export async function listSites(db: Db, query: z.output<typeof rest.siteListQuery>): Promise<KeysetPage<SiteView>> {
  const { limit, cursor, sort, ...filters } = query;
  const where: Prisma.SiteWhereInput = {
    status: filters.status,
    category: filters.category,
    ...(filters.q === undefined
      ? {}
      : { OR: [{ name: { contains: filters.q, mode: 'insensitive' } }, { domain: { contains: filters.q, mode: 'insensitive' } }] }),
  };
  const page = await readKeysetPage({
    sort,
    sortKinds: { createdAt: 'date', name: 'string', domain: 'string' },
    limit,
    cursor,
    filters,
    where,
    find: (args) => db.site.findMany(args as Prisma.SiteFindManyArgs),
  });
  return { rows: page.rows.map(toSiteView), nextCursor: page.nextCursor };
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

export function countPlacementsOf(db: Db, siteId: string): Promise<number> {
  return db.placement.count({ where: { siteId } });
}

export async function deleteSite(db: Db, id: string): Promise<void> {
  await db.site.delete({ where: { id } });
}
