import { rest, type CallContext, type ModelStore, type inventory } from '@ads/ads-client';
import type { z } from 'zod';
import type { PrismaClient } from '../generated/prisma/client';
import type { Principal } from '../domain/principal';
import { recordAudit } from './audit-log-store';
import { publishInventoryChanged } from './inventory-notices';
import {
  createPlacement,
  findPlacement,
  listPlacements,
  lockPlacement,
  toPlacementView,
  updatePlacement,
  type PlacementView,
} from './placement-store';
import type { RedisContext } from './redis-context';

type PlacementCreate = z.output<typeof inventory.placementCreate>;
type PlacementUpdate = z.output<typeof inventory.placementUpdate>;
interface PlacementFilters {
  siteId?: string | undefined;
  status?: 'active' | 'archived' | undefined;
  format?: 'native' | 'banner' | undefined;
  q?: string | undefined;
}

function actorOf(context: CallContext): { keyId: string | null; requestId: string } {
  return { keyId: (context.principal as Principal | undefined)?.keyId ?? null, requestId: context.requestId };
}

/**
 * The placements model of the RPC, on the same store functions as REST: writes run in one
 * transaction with their audit row, then announce the inventory change.
 */
export function placementModelStore(
  store: RedisContext & { prisma: PrismaClient },
): ModelStore<PlacementView, PlacementCreate, PlacementUpdate, PlacementFilters> {
  const { prisma } = store;
  return {
    get: async (id) => {
      const row = await findPlacement(prisma, id);
      return row === null ? null : toPlacementView(row);
    },
    list: async ({ filters, cursor, limit }) => {
      // REST's list query supplies the defaults (sort) and checks the cursor; the model's own
      // limit (up to 2,000) replaces REST's 200-row cap.
      const query = { ...rest.placementListQuery.parse({ ...filters, ...(cursor === undefined ? {} : { cursor }) }), limit };
      const page = await listPlacements(prisma, query);
      return { items: page.rows, nextCursor: page.nextCursor };
    },
    create: async (body, context) => {
      const view = await prisma.$transaction(async (tx) => {
        const created = toPlacementView(await createPlacement(tx, body));
        await recordAudit(tx, actorOf(context), {
          action: 'placement.create',
          entityType: 'placement',
          entityId: created.id,
          before: null,
          after: created,
        });
        return created;
      });
      await publishInventoryChanged(store, { entity: 'placement', id: view.id });
      return view;
    },
    update: async (id, patch, context) => {
      const view = await prisma.$transaction(async (tx) => {
        const before = await lockPlacement(tx, id);
        if (before === null) return null;
        const after = toPlacementView(await updatePlacement(tx, id, patch));
        await recordAudit(tx, actorOf(context), {
          action: 'placement.update',
          entityType: 'placement',
          entityId: id,
          before: toPlacementView(before),
          after,
        });
        return after;
      });
      if (view !== null) await publishInventoryChanged(store, { entity: 'placement', id });
      return view;
    },
  };
}
