import { rest } from '@ads/ads-client';
import { defineRoute, type RestRoute } from './rest-route';
import { allRoles } from './every-role';

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
    handle: ({ principal }) => Promise.resolve({ status: 200, body: principal }),
  }),
];
