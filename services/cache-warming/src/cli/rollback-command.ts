import { RedisKeys, ServingIndexStore, redactRedisUrl } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { loadRedisConfig } from '../config';
import { CacheWarmingError } from '../errors';
import { createLogger } from '../logger';
import { printFailure } from './json-output';

/**
 * `cache-warming rollback`: makes the previous index version current again and announces it
 * (every serving instance loads it), keeping the one it replaces as previous, so that running
 * it again rolls forward. Resolves to the exit code: 0 done, 5 no previous version, 4 Redis
 * unavailable, 2 bad environment.
 */
export async function rollback(options: { json?: boolean }, environment: Record<string, string | undefined>): Promise<number> {
  const fail = (error: CacheWarmingError): number => {
    process.stderr.write(`cache-warming: ${error.code}: ${error.message}\n`);
    if (options.json === true) printFailure(error.code, error.message);
    return error.exitCode;
  };
  let config;
  try {
    config = loadRedisConfig(environment);
  } catch (error) {
    if (error instanceof CacheWarmingError) return fail(error);
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const redis = new Redis(config.redisUrl, { lazyConnect: true, connectTimeout: 5_000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    return fail(new CacheWarmingError('REDIS_UNAVAILABLE', `cannot connect to Redis at ${redactRedisUrl(config.redisUrl)}: ${(error as Error).message}`, { cause: error }));
  }
  try {
    const result = await new ServingIndexStore(redis, new RedisKeys(config.redisKeyPrefix)).rollback();
    if (result.outcome === 'none') return fail(new CacheWarmingError('NO_PREVIOUS_VERSION', `there is no previous index version (current: ${result.current ?? 'none'}); nothing changed`));
    if (result.outcome === 'gone') {
      return fail(new CacheWarmingError('NO_PREVIOUS_VERSION', `the previous index version ${result.previous} no longer exists in Redis; ${result.current} stays current`));
    }
    logger.warn({ current: result.current, replaced: result.previous }, 'rolled back to the previous index version');
    process.stdout.write(
      options.json === true
        ? `${JSON.stringify({ ok: true, outcome: result.outcome, current: result.current, previous: result.previous })}\n`
        : `rolled back: index version ${result.current} is current again (${result.previous} kept as previous; run rollback again to undo)\n`,
    );
    return 0;
  } catch (error) {
    return fail(new CacheWarmingError('INDEX_WRITE_FAILED', `rollback failed: ${(error as Error).message}`, { cause: error }));
  } finally {
    redis.disconnect();
  }
}
