// The REST app alone on PORT, for the REST list benchmark (a separate process, so that the
// benchmark's HTTP client does not share an event loop with the server).
import { Redis } from 'ioredis';
import { RedisKeys } from '@ads/ads-client';

import { loadConfig } from '../src/config';
import { createApp } from '../src/http/data-api-app';
import { createPrismaClient } from '../src/store/prisma-client';
import { benchLogger as logger } from './support/bench-stack';

const config = loadConfig();
const prisma = createPrismaClient(config.databaseUrl, logger);
const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
const app = createApp({ prisma, redis, keys: new RedisKeys(config.redisKeyPrefix), config, logger });
const server = app.listen(config.port, '127.0.0.1', () => process.stdout.write(`listening ${config.port}\n`));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void Promise.allSettled([prisma.$disconnect(), redis.quit()]).finally(() => process.exit(0));
});
