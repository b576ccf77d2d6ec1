import { rest } from '@ads/ads-client';
import type { ImportRun } from '../generated/prisma/client';
import { findImportRun, listImportRuns, toImportRunView } from '../store/import-run-list-store';
import { getRoute, listRoute, type RestResource } from './rest-resource';
import type { RestRoute } from './rest-route';

// Import runs are not tied to one advertiser (a feed may carry many), so advertiser keys
// cannot be given a filtered view: they get 403. Importer keys read the runs they record.
const readers = ['admin', 'service', 'importer'] as const;

const importRuns: RestResource<ImportRun> = {
  path: '/import-runs',
  tag: 'Import runs',
  singular: 'ImportRun',
  plural: 'ImportRuns',
  noun: 'import run',
  pluralNoun: 'import runs',
  entity: 'importRun',
  versioned: false,
  schema: rest.importRunResource,
  view: toImportRunView,
  find: (db, id) => findImportRun(db, id),
};

export const importRunRoutes: RestRoute[] = [
  listRoute(importRuns, {
    summary: 'List feed import runs',
    description: 'Newest first. Admin, service and importer keys only: a run may span several advertisers.',
    roles: readers,
    query: rest.importRunListQuery,
    list: ({ db, query }) => listImportRuns(db, query),
  }),
  getRoute(importRuns, { summary: 'Read an import run with its row errors', roles: readers }),
];
