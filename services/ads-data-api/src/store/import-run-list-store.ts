import type { z } from 'zod';
import type { rest } from '@ads/ads-client';
import type { ImportRun, Prisma } from '../generated/prisma/client';
import { readKeysetPage, type KeysetPage } from './keyset-page';
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

export async function listImportRuns(db: Db, query: z.output<typeof rest.importRunListQuery>): Promise<KeysetPage<ImportRunView>> {
  const { limit, cursor, sort, ...filters } = query;
  const where: Prisma.ImportRunWhereInput = { status: filters.status, format: filters.format };
  const page = await readKeysetPage({
    sort,
    sortKinds: { createdAt: 'date' },
    limit,
    cursor,
    filters,
    where,
    find: (args) => db.importRun.findMany(args as Prisma.ImportRunFindManyArgs),
  });
  return { rows: page.rows.map(toImportRunView), nextCursor: page.nextCursor };
}

export function findImportRun(db: Db, id: string): Promise<ImportRun | null> {
  return db.importRun.findUnique({ where: { id } });
}
