import { Prisma } from '../generated/prisma/client';
import type { Db } from './db';

/** How long a recorded response is replayed; an older key counts as unused. */
export const IDEMPOTENCY_RETENTION_MS = 24 * 3_600_000;

/** A response kept for an Idempotency-Key. */
export interface RecordedResponse {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface IdempotencyRecordKey {
  actorKeyId: string;
  key: string;
}

/**
 * Serialises requests with the same key until the caller's transaction ends (a transaction
 * advisory lock), so a concurrent retry waits for the first attempt and then replays it.
 */
export async function lockIdempotencyKey(db: Db, record: IdempotencyRecordKey): Promise<void> {
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${record.actorKeyId}:${record.key}`}, 0))`;
}

/** The response recorded for a key within the retention, with the fingerprint of its request. */
export async function findRecordedResponse(
  db: Db,
  record: IdempotencyRecordKey,
  now: Date,
): Promise<(RecordedResponse & { requestHash: string; method: string; path: string }) | null> {
  const row = await db.idempotencyRecord.findUnique({ where: { actorKeyId_key: { actorKeyId: record.actorKeyId, key: record.key } } });
  if (row === null) return null;
  if (row.createdAt.getTime() < now.getTime() - IDEMPOTENCY_RETENTION_MS) {
    await db.idempotencyRecord.delete({ where: { id: row.id } });
    return null;
  }
  return {
    status: row.status,
    body: row.body,
    headers: row.headers as Record<string, string>,
    requestHash: row.requestHash,
    method: row.method,
    path: row.path,
  };
}

/** Records the response of a write, in the write's transaction. */
export async function recordResponse(
  db: Db,
  record: IdempotencyRecordKey & { requestHash: string; method: string; path: string },
  response: RecordedResponse,
): Promise<void> {
  await db.idempotencyRecord.create({
    data: {
      actorKeyId: record.actorKeyId,
      key: record.key,
      requestHash: record.requestHash,
      method: record.method,
      path: record.path,
      status: response.status,
      // A 204 has no body; JSON null stands for it.
      body: response.body === undefined || response.body === null ? Prisma.JsonNull : (response.body as Prisma.InputJsonValue),
      headers: response.headers,
    },
  });
}

/** Deletes records past the retention; returns how many. */
export async function purgeExpiredIdempotencyRecords(db: Db, now: Date): Promise<number> {
  const { count } = await db.idempotencyRecord.deleteMany({
    where: { createdAt: { lt: new Date(now.getTime() - IDEMPOTENCY_RETENTION_MS) } },
  });
  return count;
}
