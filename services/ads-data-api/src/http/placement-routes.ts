import { inventory, rest } from '@ads/ads-client';
import { isRowId } from '../domain/row-id';
import { DataApiError } from '../errors';
import {
  createPlacement,
  deletePlacement,
  findPlacement,
  listPlacements,
  lockPlacement,
  toPlacementView,
  updatePlacement,
} from '../store/placement-store';
import { countSwitchesScopedTo } from '../store/feature-switch-store';
import { findSite } from '../store/site-store';
import { defineRoute, type RestRoute } from './rest-route';
import { assertIfMatch, everyRole, idParams, invalidFields, notFound, pageResult, ruleConflict } from './route-helpers';

const tag = 'Placements';

export const placementRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/placements',
    operationId: 'listPlacements',
    tag,
    summary: 'List placements',
    roles: everyRole,
    query: rest.placementListQuery,
    write: false,
    success: { status: 200, description: 'A page of placements', schema: rest.pageOf(rest.placementResource) },
    handle: async ({ db, query }) => pageResult(await listPlacements(db, query)),
  }),
  defineRoute({
    method: 'post',
    path: '/placements',
    operationId: 'createPlacement',
    tag,
    summary: 'Create a placement on a site',
    description: '`key` is what the embed sends (`data-placement`); it is unique across all sites.',
    roles: ['admin'],
    body: inventory.placementCreate,
    write: true,
    success: { status: 201, description: 'The new placement', schema: rest.placementResource, etag: true },
    problems: [409],
    handle: async ({ db, body, audit, notify }) => {
      const site = isRowId(body.siteId) ? await findSite(db, body.siteId) : null;
      if (site === null) throw invalidFields([{ field: 'siteId', message: `no site ${body.siteId}` }]);
      if (site.status === 'archived') {
        throw ruleConflict('cannot create the placement', [{ field: 'siteId', message: `site ${site.id} is archived` }]);
      }
      const created = await createPlacement(db, body);
      const view = toPlacementView(created);
      await audit({ action: 'placement.create', entityType: 'placement', entityId: created.id, before: null, after: view });
      notify({ entity: 'placement', id: created.id });
      return { status: 201, body: view, version: created.version, location: `/placements/${created.id}` };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/placements/:id',
    operationId: 'getPlacement',
    tag,
    summary: 'Read a placement',
    roles: everyRole,
    params: idParams,
    write: false,
    success: { status: 200, description: 'The placement', schema: rest.placementResource, etag: true },
    problems: [404],
    handle: async ({ db, params }) => {
      const row = await findPlacement(db, params.id);
      if (row === null) throw notFound('placement', params.id);
      return { status: 200, body: toPlacementView(row), version: row.version };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/placements/:id',
    operationId: 'updatePlacement',
    tag,
    summary: 'Change a placement',
    roles: ['admin'],
    params: idParams,
    body: inventory.placementUpdate,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: 'The placement after the change', schema: rest.placementResource, etag: true },
    problems: [404, 412, 428],
    handle: async ({ db, params, body, ifMatch, audit, notify }) => {
      const before = await lockPlacement(db, params.id);
      if (before === null) throw notFound('placement', params.id);
      assertIfMatch(ifMatch, before.version, 'placement');
      const { allowedFormats, ...plain } = body;
      const after = await updatePlacement(db, params.id, {
        ...plain,
        ...(allowedFormats === undefined ? {} : { allowedFormats: [...new Set(allowedFormats)] }),
      });
      await audit({
        action: 'placement.update',
        entityType: 'placement',
        entityId: params.id,
        before: toPlacementView(before),
        after: toPlacementView(after),
      });
      notify({ entity: 'placement', id: params.id });
      return { status: 200, body: toPlacementView(after), version: after.version };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/placements/:id/archive',
    operationId: 'archivePlacement',
    tag,
    summary: 'Archive a placement',
    roles: ['admin'],
    params: idParams,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: 'The archived placement', schema: rest.placementResource, etag: true },
    problems: [404, 409, 412, 428],
    handle: async ({ db, params, ifMatch, audit, notify }) => {
      const before = await lockPlacement(db, params.id);
      if (before === null) throw notFound('placement', params.id);
      assertIfMatch(ifMatch, before.version, 'placement');
      if (before.status === 'archived') throw new DataApiError('CONFLICT', `placement ${params.id} is already archived`);
      const after = await updatePlacement(db, params.id, { status: 'archived' });
      await audit({
        action: 'placement.archive',
        entityType: 'placement',
        entityId: params.id,
        before: toPlacementView(before),
        after: toPlacementView(after),
      });
      notify({ entity: 'placement', id: params.id });
      return { status: 200, body: toPlacementView(after), version: after.version };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/placements/:id',
    operationId: 'deletePlacement',
    tag,
    summary: 'Delete a placement',
    description: 'Refused with 409 while feature switches are scoped to it.',
    roles: ['admin'],
    params: idParams,
    write: true,
    ifMatch: 'optional',
    success: { status: 204, description: 'Deleted' },
    problems: [404, 409, 412],
    handle: async ({ db, params, ifMatch, audit, notify }) => {
      const before = await lockPlacement(db, params.id);
      if (before === null) throw notFound('placement', params.id);
      assertIfMatch(ifMatch, before.version, 'placement');
      const switches = await countSwitchesScopedTo(db, 'placement', params.id);
      if (switches > 0) throw new DataApiError('CONFLICT', `${switches} feature switch(es) are scoped to placement ${params.id}; archive it instead`);
      await deletePlacement(db, params.id);
      await audit({ action: 'placement.delete', entityType: 'placement', entityId: params.id, before: toPlacementView(before), after: null });
      notify({ entity: 'placement', id: params.id });
      return { status: 204 };
    },
  }),
];
