import type { z } from 'zod';
import type { inventory, rest } from '@ads/ads-client';
import type { FeatureSwitch, Prisma } from '../generated/prisma/client';
import { containsText, readViewPage, type KeysetPage } from './keyset-page';
import { lockRow, type Db } from './db';

export type FeatureSwitchView = z.infer<typeof rest.featureSwitchResource>;

// The column is NOT NULL with '' as "no description"; the contract says null for that.
function descriptionColumn(description: string | null): string {
  return description ?? '';
}

export function toFeatureSwitchView(row: FeatureSwitch): FeatureSwitchView {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    percentage: row.percentage,
    scope: row.scope,
    scopeId: row.scopeId,
    description: row.description === '' ? null : row.description,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function listFeatureSwitches(db: Db, query: z.output<typeof rest.featureSwitchListQuery>): Promise<KeysetPage<FeatureSwitchView>> {
  const where: Prisma.FeatureSwitchWhereInput = {
    scope: query.scope,
    scopeId: query.scopeId,
    enabled: query.enabled,
    name: containsText(query.q),
  };
  return readViewPage(query, {
    sortKinds: { createdAt: 'date', name: 'string' },
    where,
    find: (args) => db.featureSwitch.findMany(args as Prisma.FeatureSwitchFindManyArgs),
    view: toFeatureSwitchView,
  });
}

export function findFeatureSwitch(db: Db, id: string): Promise<FeatureSwitch | null> {
  return db.featureSwitch.findUnique({ where: { id } });
}

export async function lockFeatureSwitch(db: Db, id: string): Promise<FeatureSwitch | null> {
  if (!(await lockRow(db, 'feature_switch', id))) return null;
  return findFeatureSwitch(db, id);
}

export function createFeatureSwitch(db: Db, body: z.output<typeof inventory.featureSwitchCreate>): Promise<FeatureSwitch> {
  return db.featureSwitch.create({
    data: {
      name: body.name,
      enabled: body.enabled,
      percentage: body.percentage,
      scope: body.scope,
      scopeId: body.scopeId,
      description: descriptionColumn(body.description),
    },
  });
}

export function updateFeatureSwitch(db: Db, id: string, patch: z.output<typeof inventory.featureSwitchUpdate>): Promise<FeatureSwitch> {
  const { description, ...rest } = patch;
  return db.featureSwitch.update({
    where: { id },
    data: { ...rest, ...(description === undefined ? {} : { description: descriptionColumn(description) }), version: { increment: 1 } },
  });
}

export async function deleteFeatureSwitch(db: Db, id: string): Promise<void> {
  await db.featureSwitch.delete({ where: { id } });
}

/** How many switches are scoped to a placement or an advertiser. */
export function countSwitchesScopedTo(db: Db, scope: 'placement' | 'advertiser', scopeId: string): Promise<number> {
  return db.featureSwitch.count({ where: { scope, scopeId } });
}

/** The first `limit` switches (by name) scoped to a placement or an advertiser, for a refusal to name. */
export function firstSwitchesScopedTo(
  db: Db,
  scope: 'placement' | 'advertiser',
  scopeId: string,
  limit: number,
): Promise<Array<{ id: string; name: string }>> {
  return db.featureSwitch.findMany({
    where: { scope, scopeId },
    select: { id: true, name: true },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: limit,
  });
}
