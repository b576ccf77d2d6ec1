import type { Logger } from 'pino';
import type { RedisKeys, RedisClient } from '@ads/ads-client';

/**
 * What the store functions that touch Redis take: the connection, the key names under this
 * process' prefix, and the logger of the failures they report instead of throwing.
 */
export interface RedisContext {
  redis: RedisClient;
  keys: RedisKeys;
  logger: Logger;
}
