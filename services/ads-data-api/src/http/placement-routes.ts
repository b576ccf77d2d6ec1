import { inventory, rest } from '@ads/ads-client';
import { isRowId } from '../domain/row-id';
import type { Placement } from '../generated/prisma/client';
import { countSwitchesScopedTo } from '../store/feature-switch-store';
import {
  createPlacement,
  deletePlacement,
  findPlacement,
  listPlacements,
  lockPlacement,
  toPlacementView,
  updatePlacement,
} from '../store/placement-store';
import { findSite } from '../store/site-store';
import { everyRole } from './every-role';
import { invalidFields, ruleConflict } from './invalid-fields';
import { archiveRoute, createRoute, deleteRoute, getRoute, listRoute, updateRoute, type RestResource } from './rest-resource';
import type { RestRoute } from './rest-route';

const placements: RestResource<Placement> = {
  path: '/placements',
  tag: 'Placements',
  singular: 'Placement',
  plural: 'Placements',
  noun: 'placement',
  pluralNoun: 'placements',
  entity: 'placement',
  notice: 'placement',
  versioned: true,
  schema: rest.placementResource,
  view: toPlacementView,
  find: (db, id) => findPlacement(db, id),
  lock: (db, id) => lockPlacement(db, id),
};

export const placementRoutes: RestRoute[] = [
  listRoute(placements, {
    summary: 'List placements',
    roles: everyRole,
    query: rest.placementListQuery,
    list: ({ db, query }) => listPlacements(db, query),
  }),
  createRoute(placements, {
    summary: 'Create a placement on a site',
    description: '`key` is what the embed sends (`data-placement`); it is unique across all sites.',
    roles: ['admin'],
    body: inventory.placementCreate,
    create: async ({ db, body }) => {
      const site = isRowId(body.siteId) ? await findSite(db, body.siteId) : null;
      if (site === null) throw invalidFields([{ field: 'siteId', message: `no site ${body.siteId}` }]);
      if (site.status === 'archived') {
        throw ruleConflict('cannot create the placement', [{ field: 'siteId', message: `site ${site.id} is archived` }]);
      }
      return createPlacement(db, body);
    },
  }),
  getRoute(placements, { summary: 'Read a placement', roles: everyRole }),
  updateRoute(placements, {
    summary: 'Change a placement',
    roles: ['admin'],
    body: inventory.placementUpdate,
    update: async ({ db, params, body }) => {
      const { allowedFormats, ...plain } = body;
      const after = await updatePlacement(db, params.id, {
        ...plain,
        ...(allowedFormats === undefined ? {} : { allowedFormats: [...new Set(allowedFormats)] }),
      });
      return { after };
    },
  }),
  archiveRoute(placements, {
    summary: 'Archive a placement',
    roles: ['admin'],
    archive: async (db, id) => ({ after: await updatePlacement(db, id, { status: 'archived' }) }),
  }),
  deleteRoute(placements, {
    summary: 'Delete a placement',
    description: 'Refused with 409 while feature switches are scoped to it.',
    roles: ['admin'],
    refusal: async ({ db, params }) => {
      const switches = await countSwitchesScopedTo(db, 'placement', params.id);
      return switches > 0 ? `${switches} feature switch(es) are scoped to placement ${params.id}; archive it instead` : undefined;
    },
    remove: deletePlacement,
  }),
];
