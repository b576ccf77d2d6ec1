import { PrismaPg } from '@prisma/adapter-pg';

import { config } from '../config';
import { PrismaClient } from '../generated/prisma/client';
import { logger } from '../logger';
import { poolConfigOf } from './database-url';

export { PrismaClient };

/**
 * A Prisma client on the pg driver adapter (no engine binary). One per process is enough:
 * the adapter keeps a connection pool.
 */
export function createPrismaClient(databaseUrl: string = config.databaseUrl): PrismaClient {
  const adapter = new PrismaPg(poolConfigOf(databaseUrl), {
    onPoolError: (error) => logger.error({ err: error }, 'idle PostgreSQL connection failed'),
  });
  return new PrismaClient({ adapter });
}
