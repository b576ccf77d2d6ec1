import { RedisKeys, ServingIndexStore } from '@ads/ads-client';
import { connectRedis, createLogger, printJsonLine } from '@ads/ads-client/service';
import { redisConfigFromProcessEnvironment } from '../config';
import { CacheWarmingError } from '../errors';

const SERVICE = 'cache-warming';

/**
 * `cache-warming rollback`: makes the previous index version current again and announces it
 * (every serving instance loads it), keeping the one it replaces as previous, so that running
 * it again rolls forward. Throws NO_PREVIOUS_VERSION when there is none to go back to.
 */
export async function rollbackCommand(options: { json?: boolean }): Promise<void> {
  const config = redisConfigFromProcessEnvironment();
  const logger = createLogger({ service: SERVICE, level: config.logLevel, kind: 'command' });
  const redis = await connectRedis('command', { url: config.redisUrl, name: SERVICE, logger });
  try {
    const result = await new ServingIndexStore(redis, new RedisKeys(config.redisKeyPrefix)).rollback().catch((error: unknown) => {
      throw new CacheWarmingError('INDEX_WRITE_FAILED', `rollback failed: ${(error as Error).message}`, { cause: error });
    });
    if (result.outcome === 'none')
      throw new CacheWarmingError(
        'NO_PREVIOUS_VERSION',
        `there is no previous index version (current: ${result.current ?? 'none'}); nothing changed`,
      );
    if (result.outcome === 'gone') {
      throw new CacheWarmingError(
        'NO_PREVIOUS_VERSION',
        `the previous index version ${result.previous} no longer exists in Redis; ${result.current} stays current`,
      );
    }
    logger.info({ current: result.current, replaced: result.previous }, 'rolled back to the previous index version');
    if (options.json === true) printJsonLine({ ok: true, outcome: result.outcome, current: result.current, previous: result.previous });
    else
      process.stdout.write(
        `rolled back: index version ${result.current} is current again (${result.previous} kept as previous; run rollback again to undo)\n`,
      );
  } finally {
    redis.disconnect();
  }
}
