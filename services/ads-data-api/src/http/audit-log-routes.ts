import { rest } from '@ads/ads-client';
import { listAuditLog } from '../store/audit-log-store';
import { defineRoute, type RestRoute } from './rest-route';
import { pageResult } from './page-result';

export const auditLogRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/audit-log',
    operationId: 'listAuditLog',
    tag: 'Audit log',
    summary: 'List audit log entries',
    description: 'Every write of the REST API, newest first: who (`actorKeyId`), what (`action`), before and after, request id.',
    roles: ['admin'],
    query: rest.auditLogListQuery,
    write: false,
    success: { status: 200, description: 'A page of entries', schema: rest.pageOf(rest.auditLogEntry) },
    handle: async ({ db, query }) => pageResult(await listAuditLog(db, query)),
  }),
];
