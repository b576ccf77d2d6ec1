import type { Logger } from 'pino';
import type { PrismaClient } from '../generated/prisma/client';
import { hashApiKeySecret } from '../domain/api-key-secret';
import type { Principal } from '../domain/principal';

// lastUsedAt is informative; writing it on every request would put a write on every read.
const LAST_USED_RESOLUTION_MS = 60_000;
const lastUsedWritten = new Map<string, number>();

/**
 * The principal of a bearer secret, or null when the key is unknown or revoked. A failure to
 * record when the key was last used goes to `logger` without failing the request.
 */
export async function authenticateApiKey(prisma: PrismaClient, secret: string, logger: Logger): Promise<Principal | null> {
  const key = await prisma.apiKey.findUnique({
    where: { hash: hashApiKeySecret(secret) },
    select: { id: true, role: true, advertiserId: true, revokedAt: true },
  });
  if (key === null || key.revokedAt !== null) return null;
  const now = Date.now();
  if ((lastUsedWritten.get(key.id) ?? 0) + LAST_USED_RESOLUTION_MS < now) {
    lastUsedWritten.set(key.id, now);
    prisma.apiKey
      .update({ where: { id: key.id }, data: { lastUsedAt: new Date(now) } })
      .catch((error: unknown) => logger.warn({ err: error, keyId: key.id }, 'could not record API key use'));
  }
  return { keyId: key.id, role: key.role, advertiserId: key.advertiserId };
}
