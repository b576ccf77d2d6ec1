import { rest } from '@ads/ads-client';
import { findImportRun, listImportRuns, toImportRunView } from '../store/import-run-list-store';
import { defineRoute, type RestRoute } from './rest-route';
import { idParams, notFound, pageResult } from './route-helpers';

const tag = 'Import runs';
// Import runs are not tied to one advertiser (a feed may carry many), so advertiser keys
// cannot be given a filtered view: they get 403. Importer keys read the runs they record.
const readers = ['admin', 'service', 'importer'] as const;

export const importRunRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/import-runs',
    operationId: 'listImportRuns',
    tag,
    summary: 'List feed import runs',
    description: 'Newest first. Admin, service and importer keys only: a run may span several advertisers.',
    roles: readers,
    query: rest.importRunListQuery,
    write: false,
    success: { status: 200, description: 'A page of import runs', schema: rest.pageOf(rest.importRunResource) },
    handle: async ({ db, query }) => pageResult(await listImportRuns(db, query)),
  }),
  defineRoute({
    method: 'get',
    path: '/import-runs/:id',
    operationId: 'getImportRun',
    tag,
    summary: 'Read an import run with its row errors',
    roles: readers,
    params: idParams,
    write: false,
    success: { status: 200, description: 'The import run', schema: rest.importRunResource },
    problems: [404],
    handle: async ({ db, params }) => {
      const row = await findImportRun(db, params.id);
      if (row === null) throw notFound('import run', params.id);
      return { status: 200, body: toImportRunView(row) };
    },
  }),
];
