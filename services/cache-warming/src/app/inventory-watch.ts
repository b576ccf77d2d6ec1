import type { RedisKeys, RedisClient } from '@ads/ads-client';
import { subscribeWhenReady } from '@ads/ads-client/service';
import type { Logger } from 'pino';
import { CacheWarmingError } from '../errors';
import { WatchLoop } from './watch-loop';

export interface InventoryWatchOptions {
  /** The connection the builds use (role `worker`: it reconnects for as long as it takes). */
  redis: RedisClient;
  /** A connection of its own for the inventory-changed channel. */
  subscriber: RedisClient;
  /** REDIS_URL without its password, for the log. */
  redisUrl: string;
  keys: RedisKeys;
  logger: Logger;
  rebuild: (reason: string) => Promise<void>;
  debounceMs: number;
  maxWaitMs: number;
  intervalMs: number;
  /** Resolves when the process is asked to stop (SIGTERM, SIGINT). */
  stopping: Promise<void>;
}

/**
 * `run --watch`: waits for Redis (a daemon under Kubernetes or compose must not crash-loop while
 * Redis starts), then rebuilds at start, after inventory-changed notices and at the interval
 * (see {@link WatchLoop}) until `stopping` resolves; a rebuild in progress is waited for.
 */
export async function watchInventory(options: InventoryWatchOptions): Promise<void> {
  const { subscriber, keys, logger } = options;
  if (!(await waitForRedis(options))) {
    logger.info('stopping: Redis never answered');
    return;
  }
  const loop = new WatchLoop({
    rebuild: options.rebuild,
    debounceMs: options.debounceMs,
    maxWaitMs: options.maxWaitMs,
    intervalMs: options.intervalMs,
    logger,
  });
  subscriber.on('message', (channel) => {
    if (channel === keys.inventoryChangedChannel) loop.notify();
  });
  const subscribed = await subscribeWhenReady(subscriber, [keys.inventoryChangedChannel], options.stopping).catch((error: unknown) => {
    throw new CacheWarmingError(
      'REDIS_UNAVAILABLE',
      `could not subscribe to ${keys.inventoryChangedChannel}: ${(error as Error).message}`,
      { cause: error },
    );
  });
  if (!subscribed) {
    logger.info('stopping: the subscription never came up');
    return;
  }
  logger.info({ channel: keys.inventoryChangedChannel }, 'watching for inventory changes');
  // Every later `ready` is the subscription coming back (ioredis subscribes again): a notice
  // published while it was down is lost, so rebuild as if one had arrived.
  subscriber.on('ready', () => {
    logger.info({ channel: keys.inventoryChangedChannel }, 'subscription back; rebuilding in case a notice was missed');
    loop.notify();
  });
  loop.start();
  await options.stopping;
  logger.info('stopping: waiting for a rebuild in progress');
  await loop.stop();
}

/**
 * Waits until the builds' connection is ready, while ioredis reconnects by its retry strategy.
 * Logs the first failure and then about every 30 s (every attempt at debug level). False when
 * stopped first.
 */
async function waitForRedis({ redis, redisUrl, logger, stopping }: InventoryWatchOptions): Promise<boolean> {
  if (redis.status === 'ready') return true;
  let attempts = 0;
  let lastError = '';
  const onError = (error: Error) => {
    lastError = error.message;
  };
  const onReconnecting = (delayMs: number) => {
    attempts += 1;
    const retrying = { redisUrl, attempts, retryInMs: delayMs, error: lastError };
    if (attempts === 1 || attempts % 15 === 0) logger.warn(retrying, 'Redis unavailable; the watcher keeps retrying');
    else logger.debug(retrying, 'Redis still unavailable; retrying');
  };
  redis.on('error', onError);
  redis.on('reconnecting', onReconnecting);
  try {
    const ready = new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true)));
    const connected = await Promise.race([ready, stopping.then(() => false)]);
    if (connected && attempts > 0) logger.info({ redisUrl, attempts }, 'connected to Redis');
    return connected;
  } finally {
    redis.off('error', onError);
    redis.off('reconnecting', onReconnecting);
  }
}
