import { PrismaPg } from '@prisma/adapter-pg';
import type { Logger } from 'pino';

import { PrismaClient } from '../generated/prisma/client';
import { trackDatabaseOutages } from './database-outage';
import { poolConfigOf } from './database-url';

export { PrismaClient };

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
  const client: PrismaClient = new PrismaClient({ adapter });
  const outage = trackDatabaseOutages(client, logger);
  return client;
}
