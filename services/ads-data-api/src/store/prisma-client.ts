import { PrismaPg } from '@prisma/adapter-pg';

import { config } from '../config';
import { PrismaClient } from '../generated/prisma/client';
import { logger } from '../logger';
import { databaseOutageOf } from './database-outage';
import { poolConfigOf } from './database-url';

export { PrismaClient };

/**
 * A Prisma client on the pg driver adapter (no engine binary). One per process is enough:
 * the adapter keeps a connection pool.
 */
export function createPrismaClient(databaseUrl: string = config.databaseUrl): PrismaClient {
  const adapter = new PrismaPg(poolConfigOf(databaseUrl), {
    // A lost database makes every idle connection fail at once: that is one outage, logged once.
    onPoolError: (error) => {
      if (!databaseOutageOf(client).noteFailure(error)) logger.error({ err: error }, 'idle PostgreSQL connection failed');
    },
  });
  const client: PrismaClient = new PrismaClient({ adapter });
  return client;
}
