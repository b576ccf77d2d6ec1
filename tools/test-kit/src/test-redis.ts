import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { Redis } from 'ioredis';

/**
 * A connection to the shared test Redis (REDIS_URL) and a key prefix of the test file's own.
 * Registers an `after` hook that deletes every key under the prefix and closes the connection.
 */
export function useTestRedis(): { redis: Redis; prefix: string } {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  const prefix = `test:${randomUUID()}:`;
  after(async () => {
    const found = await redis.keys(`${prefix}*`);
    if (found.length > 0) await redis.del(...found);
    redis.disconnect();
  });
  return { redis, prefix };
}
