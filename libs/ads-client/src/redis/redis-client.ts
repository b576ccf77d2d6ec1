import type { Cluster, Redis } from 'ioredis';

/**
 * A connection as the kit opens it (`connectRedis`): one Redis, or ioredis' Cluster client
 * when REDIS_URL is a `redis+cluster://` URL. Both take the same commands; the key layout
 * (RedisKeys) keeps every multi-key command inside one slot.
 */
export type RedisClient = Redis | Cluster;
