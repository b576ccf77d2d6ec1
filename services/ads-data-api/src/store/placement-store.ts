import type { z } from 'zod';
import type { inventory, rest } from '@ads/ads-client';
import type { Placement, Prisma } from '../generated/prisma/client';
import { readViewPage, type KeysetPage } from './keyset-page';
import { lockRow, type Db } from './db';

export type PlacementView = z.infer<typeof rest.placementResource>;

export function toPlacementView(row: Placement): PlacementView {
  return {
    id: row.id,
    siteId: row.siteId,
    key: row.key,
    name: row.name,
    allowedFormats: row.allowedFormats,
    category: row.category,
    status: row.status as PlacementView['status'],
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function listPlacements(db: Db, query: z.output<typeof rest.placementListQuery>): Promise<KeysetPage<PlacementView>> {
  const where: Prisma.PlacementWhereInput = {
    status: query.status,
    siteId: query.siteId,
    ...(query.format === undefined ? {} : { allowedFormats: { has: query.format } }),
    ...(query.q === undefined
      ? {}
      : { OR: [{ name: { contains: query.q, mode: 'insensitive' } }, { key: { contains: query.q, mode: 'insensitive' } }] }),
  };
  return readViewPage(query, {
    sortKinds: { createdAt: 'date', name: 'string', key: 'string' },
    where,
    find: (args) => db.placement.findMany(args as Prisma.PlacementFindManyArgs),
    view: toPlacementView,
  });
}

export function findPlacement(db: Db, id: string): Promise<Placement | null> {
  return db.placement.findUnique({ where: { id } });
}

export async function lockPlacement(db: Db, id: string): Promise<Placement | null> {
  if (!(await lockRow(db, 'placement', id))) return null;
  return findPlacement(db, id);
}

export function createPlacement(db: Db, body: z.output<typeof inventory.placementCreate>): Promise<Placement> {
  return db.placement.create({
    data: {
      siteId: body.siteId,
      key: body.key,
      name: body.name,
      allowedFormats: [...new Set(body.allowedFormats)],
      category: body.category,
    },
  });
}

export function updatePlacement(db: Db, id: string, data: Prisma.PlacementUncheckedUpdateInput): Promise<Placement> {
  return db.placement.update({ where: { id }, data: { ...data, version: { increment: 1 } } });
}

export async function deletePlacement(db: Db, id: string): Promise<void> {
  await db.placement.delete({ where: { id } });
}
