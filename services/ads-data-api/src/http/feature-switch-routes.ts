import { inventory, rest } from '@ads/ads-client';
import { isRowId } from '../domain/row-id';
import { findAdvertiser } from '../store/advertiser-store';
import {
  createFeatureSwitch,
  deleteFeatureSwitch,
  findFeatureSwitch,
  listFeatureSwitches,
  lockFeatureSwitch,
  toFeatureSwitchView,
  updateFeatureSwitch,
} from '../store/feature-switch-store';
import { findPlacement } from '../store/placement-store';
import { defineRoute, type RestRoute } from './rest-route';
import { assertIfMatch, idParams, invalidFields, notFound, pageResult } from './route-helpers';

const tag = 'Feature switches';
const readers = ['admin', 'service'] as const;

export const featureSwitchRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/feature-switches',
    operationId: 'listFeatureSwitches',
    tag,
    summary: 'List feature switches',
    roles: readers,
    query: rest.featureSwitchListQuery,
    write: false,
    success: { status: 200, description: 'A page of feature switches', schema: rest.pageOf(rest.featureSwitchResource) },
    handle: async ({ db, query }) => pageResult(await listFeatureSwitches(db, query)),
  }),
  defineRoute({
    method: 'post',
    path: '/feature-switches',
    operationId: 'createFeatureSwitch',
    tag,
    summary: 'Create a feature switch',
    description: '`scopeId` names an existing placement or advertiser for those scopes. One switch per name and scope.',
    roles: ['admin'],
    body: inventory.featureSwitchCreate,
    write: true,
    success: { status: 201, description: 'The new switch', schema: rest.featureSwitchResource, etag: true },
    problems: [409],
    handle: async ({ db, body, audit, notify }) => {
      if (body.scopeId !== null) {
        const target =
          !isRowId(body.scopeId) ? null : body.scope === 'placement' ? await findPlacement(db, body.scopeId) : await findAdvertiser(db, body.scopeId, undefined);
        if (target === null) throw invalidFields([{ field: 'scopeId', message: `no ${body.scope} ${body.scopeId}` }]);
      }
      const created = await createFeatureSwitch(db, body);
      const view = toFeatureSwitchView(created);
      await audit({ action: 'featureSwitch.create', entityType: 'featureSwitch', entityId: created.id, before: null, after: view });
      notify({ entity: 'featureSwitch', id: created.id });
      return { status: 201, body: view, version: created.version, location: `/feature-switches/${created.id}` };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/feature-switches/:id',
    operationId: 'getFeatureSwitch',
    tag,
    summary: 'Read a feature switch',
    roles: readers,
    params: idParams,
    write: false,
    success: { status: 200, description: 'The switch', schema: rest.featureSwitchResource, etag: true },
    problems: [404],
    handle: async ({ db, params }) => {
      const row = await findFeatureSwitch(db, params.id);
      if (row === null) throw notFound('feature switch', params.id);
      return { status: 200, body: toFeatureSwitchView(row), version: row.version };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/feature-switches/:id',
    operationId: 'updateFeatureSwitch',
    tag,
    summary: 'Turn a switch on or off, or change its percentage',
    roles: ['admin'],
    params: idParams,
    body: inventory.featureSwitchUpdate,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: 'The switch after the change', schema: rest.featureSwitchResource, etag: true },
    problems: [404, 412, 428],
    handle: async ({ db, params, body, ifMatch, audit, notify }) => {
      const before = await lockFeatureSwitch(db, params.id);
      if (before === null) throw notFound('feature switch', params.id);
      assertIfMatch(ifMatch, before.version, 'feature switch');
      const after = await updateFeatureSwitch(db, params.id, body);
      await audit({
        action: 'featureSwitch.update',
        entityType: 'featureSwitch',
        entityId: params.id,
        before: toFeatureSwitchView(before),
        after: toFeatureSwitchView(after),
      });
      notify({ entity: 'featureSwitch', id: params.id });
      return { status: 200, body: toFeatureSwitchView(after), version: after.version };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/feature-switches/:id',
    operationId: 'deleteFeatureSwitch',
    tag,
    summary: 'Delete a feature switch',
    roles: ['admin'],
    params: idParams,
    write: true,
    ifMatch: 'optional',
    success: { status: 204, description: 'Deleted' },
    problems: [404, 412],
    handle: async ({ db, params, ifMatch, audit, notify }) => {
      const before = await lockFeatureSwitch(db, params.id);
      if (before === null) throw notFound('feature switch', params.id);
      assertIfMatch(ifMatch, before.version, 'feature switch');
      await deleteFeatureSwitch(db, params.id);
      await audit({
        action: 'featureSwitch.delete',
        entityType: 'featureSwitch',
        entityId: params.id,
        before: toFeatureSwitchView(before),
        after: null,
      });
      notify({ entity: 'featureSwitch', id: params.id });
      return { status: 204 };
    },
  }),
];
