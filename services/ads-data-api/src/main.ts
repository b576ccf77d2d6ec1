// Entry point of the ads-data-api server: REST (/api/v1), RPC (/rpc) and the dashboard on one port.
import { Redis } from 'ioredis';
import { RedisKeys } from '@ads/ads-client';
import { createApp } from './app';
import { config } from './config';
import { logger } from './logger';
import { createDataApiRpcServer } from './rpc/data-api-rpc-server';
import { createPrismaClient } from './store/prisma-client';

const prisma = createPrismaClient(config.databaseUrl);
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
redis.on('error', (error) => logger.warn({ err: error }, 'Redis connection problem'));
const keys = new RedisKeys(config.redisKeyPrefix);
const dependencies = { prisma, redis, keys, config };

const app = createApp(dependencies, { rpcServer: createDataApiRpcServer(dependencies) });
const server = app.listen(config.port, () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info({ port }, 'ads-data-api listening');
});
server.keepAliveTimeout = 65_000;

let stopping = false;
function shutdown(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'ads-data-api stopping');
  server.close(() => {
    Promise.allSettled([prisma.$disconnect(), redis.quit()]).finally(() => process.exit(0));
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
