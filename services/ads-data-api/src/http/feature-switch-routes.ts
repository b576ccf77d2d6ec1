import { inventory, rest } from '@ads/ads-client';
import { isRowId } from '../domain/row-id';
import type { FeatureSwitch } from '../generated/prisma/client';
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
import { invalidFields } from './invalid-fields';
import { createRoute, deleteRoute, getRoute, listRoute, updateRoute, type RestResource } from './rest-resource';
import type { RestRoute } from './rest-route';

const readers = ['admin', 'service'] as const;

const featureSwitches: RestResource<FeatureSwitch> = {
  path: '/feature-switches',
  tag: 'Feature switches',
  singular: 'FeatureSwitch',
  plural: 'FeatureSwitches',
  noun: 'feature switch',
  pluralNoun: 'feature switches',
  shortNoun: 'switch',
  entity: 'featureSwitch',
  notice: 'featureSwitch',
  versioned: true,
  schema: rest.featureSwitchResource,
  view: toFeatureSwitchView,
  find: (db, id) => findFeatureSwitch(db, id),
  lock: (db, id) => lockFeatureSwitch(db, id),
};

export const featureSwitchRoutes: RestRoute[] = [
  listRoute(featureSwitches, {
    summary: 'List feature switches',
    roles: readers,
    query: rest.featureSwitchListQuery,
    list: ({ db, query }) => listFeatureSwitches(db, query),
  }),
  createRoute(featureSwitches, {
    summary: 'Create a feature switch',
    description: '`scopeId` names an existing placement or advertiser for those scopes. One switch per name and scope.',
    roles: ['admin'],
    body: inventory.featureSwitchCreate,
    create: async ({ db, body }) => {
      if (body.scopeId !== null) {
        const target = !isRowId(body.scopeId)
          ? null
          : body.scope === 'placement'
            ? await findPlacement(db, body.scopeId)
            : await findAdvertiser(db, body.scopeId, undefined);
        if (target === null) throw invalidFields([{ field: 'scopeId', message: `no ${body.scope} ${body.scopeId}` }]);
      }
      return createFeatureSwitch(db, body);
    },
  }),
  getRoute(featureSwitches, { summary: 'Read a feature switch', roles: readers }),
  updateRoute(featureSwitches, {
    summary: 'Turn a switch on or off, or change its percentage',
    roles: ['admin'],
    body: inventory.featureSwitchUpdate,
    update: async ({ db, params, body }) => ({ after: await updateFeatureSwitch(db, params.id, body) }),
  }),
  deleteRoute(featureSwitches, { summary: 'Delete a feature switch', roles: ['admin'], remove: deleteFeatureSwitch }),
];
