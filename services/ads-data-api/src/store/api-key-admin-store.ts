import type { z } from 'zod';
import type { rest } from '@ads/ads-client';
import type { ApiKey, Prisma } from '../generated/prisma/client';
import { issueApiKeySecret } from '../domain/api-key-secret';
import { readViewPage, type KeysetPage } from './keyset-page';
import { lockRow, type Db } from './db';

// Managing keys through the REST API (admin only). Authentication itself lives in
// api-key-store.ts.

export type ApiKeyView = z.infer<typeof rest.apiKey>;

/** A key as the API shows it: never the hash. */
export function toApiKeyView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    advertiserId: row.advertiserId,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export function listApiKeys(db: Db, query: z.output<typeof rest.apiKeyListQuery>): Promise<KeysetPage<ApiKeyView>> {
  const where: Prisma.ApiKeyWhereInput = {
    role: query.role,
    advertiserId: query.advertiserId,
    ...(query.revoked === undefined ? {} : { revokedAt: query.revoked ? { not: null } : null }),
  };
  return readViewPage(query, {
    sortKinds: { createdAt: 'date', name: 'string' },
    where,
    find: (args) => db.apiKey.findMany(args as Prisma.ApiKeyFindManyArgs),
    view: toApiKeyView,
  });
}

export function findApiKey(db: Db, id: string): Promise<ApiKey | null> {
  return db.apiKey.findUnique({ where: { id } });
}

export async function lockApiKey(db: Db, id: string): Promise<ApiKey | null> {
  if (!(await lockRow(db, 'api_key', id))) return null;
  return findApiKey(db, id);
}

/** Creates a key; the secret is returned here and stored nowhere (only its hash is). */
export async function createApiKey(db: Db, body: z.output<typeof rest.apiKeyCreate>): Promise<{ row: ApiKey; secret: string }> {
  const issued = issueApiKeySecret();
  const row = await db.apiKey.create({
    data: { name: body.name, role: body.role, advertiserId: body.advertiserId, prefix: issued.prefix, hash: issued.hash },
  });
  return { row, secret: issued.secret };
}

export function revokeApiKey(db: Db, id: string, at: Date): Promise<ApiKey> {
  return db.apiKey.update({ where: { id }, data: { revokedAt: at } });
}
