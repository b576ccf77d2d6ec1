import { rest } from '@ads/ads-client';
import { defineRoute, type RestRoute } from './rest-route';
import { allRoles } from './route-helpers';

export const meRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    tag: 'Session',
    summary: 'Who the API key belongs to',
    roles: allRoles,
    write: false,
    success: { status: 200, description: 'The caller', schema: rest.principal },
    handle: async ({ principal }) => ({ status: 200, body: principal }),
  }),
];
