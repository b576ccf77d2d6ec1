import type { z } from 'zod';
import type { rest } from '@ads/ads-client';
import type { ImportRun, Prisma } from '../generated/prisma/client';
import { readViewPage, type KeysetPage } from './keyset-page';
import type { Db } from './db';

// Read side of import runs for the REST API (the dashboard's imports page). The RPC records
// them (import-store.ts).

export type ImportRunView = z.infer<typeof rest.importRunResource>;

export function toImportRunView(row: ImportRun): ImportRunView {
  return {
    id: row.id,
    source: row.source,
    format: row.format,
    status: row.status,
    total: row.totalCount,
    created: row.createdCount,
    updated: row.updatedCount,
    unchanged: row.unchangedCount,
    failed: row.failedCount,
    errors: Array.isArray(row.errors) ? (row.errors as ImportRunView['errors']) : [],
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

export function listImportRuns(db: Db, query: z.output<typeof rest.importRunListQuery>): Promise<KeysetPage<ImportRunView>> {
  const where: Prisma.ImportRunWhereInput = { status: query.status, format: query.format };
  return readViewPage(query, {
    sortKinds: { createdAt: 'date' },
    where,
    find: (args) => db.importRun.findMany(args as Prisma.ImportRunFindManyArgs),
    view: toImportRunView,
  });
}

export function findImportRun(db: Db, id: string): Promise<ImportRun | null> {
  return db.importRun.findUnique({ where: { id } });
}
