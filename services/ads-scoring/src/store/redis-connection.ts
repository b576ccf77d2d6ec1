import { redactRedisUrl } from '@ads/ads-client';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ScoringError } from '../errors';

/**
 * Connects to Redis for one command run. A command must fail fast with a clear error when
 * Redis is down, instead of ioredis' default of retrying forever.
 */
export async function openRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => (attempt > 3 ? null : 200 * attempt),
  });
  redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new ScoringError('REDIS_UNAVAILABLE', `Redis at ${redactRedisUrl(url)} is unreachable: ${(error as Error).message}`, { cause: error });
  }
  return redis;
}
