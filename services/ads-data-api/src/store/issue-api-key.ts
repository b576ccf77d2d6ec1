import { issueApiKeySecret } from '../domain/api-key-secret';
import type { ApiKeyRole } from '../domain/principal';
import { isUuid } from '../domain/stats-rows';
import { DataApiError } from '../errors';
import type { PrismaClient } from '../generated/prisma/client';

/** A key as just created: the secret exists only here (the database keeps its SHA-256). */
export interface CreatedApiKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  advertiserId: string | null;
  prefix: string;
  secret: string;
}

/**
 * Creates an API key and its audit row in one transaction. An advertiser key needs an
 * existing advertiser; admin and service keys must not name one.
 */
export async function issueApiKey(
  prisma: PrismaClient,
  request: { role: ApiKeyRole; name: string; advertiserId?: string | null | undefined; actorKeyId?: string | null },
): Promise<CreatedApiKey> {
  const name = request.name.trim();
  if (name.length === 0 || name.length > 200) {
    throw new DataApiError('CLI_USAGE', 'name: must be 1 to 200 characters', {
      fields: [{ path: ['name'], message: 'must be 1 to 200 characters' }],
    });
  }
  const advertiserId = request.advertiserId ?? null;
  if (request.role === 'advertiser' && advertiserId === null) {
    throw new DataApiError('CLI_USAGE', 'advertiser: an advertiser key needs the id of its advertiser', {
      fields: [{ path: ['advertiser'], message: 'required for role advertiser' }],
    });
  }
  if (request.role !== 'advertiser' && advertiserId !== null) {
    throw new DataApiError('CLI_USAGE', `advertiser: only advertiser keys belong to an advertiser, not ${request.role} keys`, {
      fields: [{ path: ['advertiser'], message: `not allowed for role ${request.role}` }],
    });
  }
  if (advertiserId !== null) {
    const advertiser = isUuid(advertiserId)
      ? await prisma.advertiser.findUnique({ where: { id: advertiserId }, select: { id: true } })
      : null;
    if (advertiser === null) {
      throw new DataApiError('CLI_USAGE', `advertiser: no advertiser has id ${advertiserId.slice(0, 64)}`, {
        fields: [{ path: ['advertiser'], message: 'no advertiser has this id' }],
      });
    }
  }
  const issued = issueApiKeySecret();
  const row = await prisma.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: { name, role: request.role, advertiserId, prefix: issued.prefix, hash: issued.hash },
      select: { id: true, name: true, role: true, advertiserId: true, prefix: true },
    });
    await tx.auditLog.create({
      data: {
        actorKeyId: request.actorKeyId ?? null,
        action: 'api_key.create',
        entityType: 'api_key',
        entityId: created.id,
        after: created,
      },
    });
    return created;
  });
  return { ...row, secret: issued.secret };
}
