import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * The command connection: commands fail at once while Redis is away (no offline queue, no
 * retries of in-flight commands), so that callers fall back to memory instead of waiting;
 * the connection itself keeps trying to come back.
 */
export function createCommandConnection(url: string, logger: Logger, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 2_000,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  watchConnection(redis, logger, name);
  return redis;
}

/** The pub/sub connection: subscriptions are renewed by ioredis after a reconnect. */
export function createSubscriberConnection(url: string, logger: Logger, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    connectTimeout: 2_000,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
  watchConnection(redis, logger, name);
  return redis;
}

// ioredis emits an error per reconnect attempt: log the transitions, not every attempt.
function watchConnection(redis: Redis, logger: Logger, name: string): void {
  let lost = false;
  redis.on('error', (error) => logger.debug({ err: error, connection: name }, 'redis connection error'));
  redis.on('close', () => {
    if (!lost) logger.warn({ connection: name }, 'redis connection lost; serving from memory and buffering events');
    lost = true;
  });
  redis.on('ready', () => {
    if (lost) logger.info({ connection: name }, 'redis connection back');
    lost = false;
  });
}
