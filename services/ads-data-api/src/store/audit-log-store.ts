import type { z } from 'zod';
import type { rest } from '@ads/ads-client';
import { Prisma } from '../generated/prisma/client';
import type { AuditLog } from '../generated/prisma/client';
import { containsText, readViewPage, type KeysetPage } from './keyset-page';
import type { Db } from './db';

/** One change to record: `action` is `entity.verb`, e.g. `campaign.update`. */
export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

function jsonOrDbNull(value: unknown): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null || value === undefined ? Prisma.DbNull : value;
}

/** Appends to the audit log, inside the caller's transaction so it commits with the write. */
export async function recordAudit(db: Db, actor: { keyId: string | null; requestId: string | null }, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      actorKeyId: actor.keyId,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId,
      before: jsonOrDbNull(entry.before),
      after: jsonOrDbNull(entry.after),
      requestId: actor.requestId,
    },
  });
}

export type AuditLogEntryView = z.infer<typeof rest.auditLogEntry>;

function toView(row: AuditLog): AuditLogEntryView {
  return {
    id: row.id,
    actorKeyId: row.actorKeyId,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    before: row.before,
    after: row.after,
    at: row.at.toISOString(),
    requestId: row.requestId,
  };
}

/** A page of the audit log, newest first by default. */
export function listAuditLog(db: Db, query: z.output<typeof rest.auditLogListQuery>): Promise<KeysetPage<AuditLogEntryView>> {
  const where: Prisma.AuditLogWhereInput = {
    entityType: query.entityType,
    entityId: query.entityId,
    actorKeyId: query.actorKeyId,
    action: query.action === undefined ? undefined : query.action.includes('.') ? query.action : containsText(query.action),
    at: { gte: query.from === undefined ? undefined : new Date(query.from), lt: query.to === undefined ? undefined : new Date(query.to) },
  };
  return readViewPage(query, {
    sortKinds: { at: 'date' },
    where,
    find: (args) => db.auditLog.findMany(args as Prisma.AuditLogFindManyArgs),
    view: toView,
  });
}
