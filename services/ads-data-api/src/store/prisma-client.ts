import { PrismaPg } from '@prisma/adapter-pg';
import type { Logger } from 'pino';

import { PrismaClient } from '../generated/prisma/client';
import { trackDatabaseOutages } from './database-outage';
import { poolConfigOf } from './database-url';

export { PrismaClient };

/** Every interactive transaction's default: wait up to 10 s to start, run up to 30 s (as REST's). */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 30_000 };

/**
 * A Prisma client on the pg driver adapter (no engine binary). One per process is enough:
 * the adapter keeps a connection pool. An outage of the database is logged to `logger` once
 * (see `databaseOutageOf`).
 */
export function createPrismaClient(databaseUrl: string, logger: Logger): PrismaClient {
  const adapter = new PrismaPg(poolConfigOf(databaseUrl), {
    // A lost database makes every idle connection fail at once: that is one outage, logged once.
    onPoolError: (error) => {
      if (!outage.noteFailure(error)) logger.error({ err: error }, 'idle PostgreSQL connection failed');
    },
  });
  // Prisma waits 2 s for a pooled connection to start an interactive transaction by default: a
  // burst on a busy machine exhausts that and fails writes that would succeed a moment later.
  const client: PrismaClient = new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
  const outage = trackDatabaseOutages(client, logger);
  return client;
}
