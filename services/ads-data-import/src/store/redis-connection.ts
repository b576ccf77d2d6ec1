import { Redis } from 'ioredis';

/**
 * A Redis connection as BullMQ needs it (no per-command retry limit: blocking reads wait for
 * reconnection instead of failing) and as the roll-up uses it.
 */
export function connectRedis(url: string, connectionName: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, connectionName, enableReadyCheck: true });
}
