import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisClient } from '../redis/redis-client.js';
import { parseRedisClusterUrl, redactRedisUrl, type RedisClusterUrl } from '../redis/redis-url.js';
import { KitError } from './service-error.js';

/**
 * The three ways a service uses Redis, each with one retry policy:
 *
 * - `command`: a one-shot command (warm, score, roll back). It must fail fast with a clear
 *   error when Redis is away: connecting is tried 3 times (200, 400, 600 ms apart), a command
 *   is retried twice across reconnects, then the command ends with REDIS_UNAVAILABLE (exit 5).
 * - `server`: the hot path of a long-running server (serving's reads and writes). A command
 *   fails at once while Redis is away (no offline queue, no retry, 2 s timeout) so the caller
 *   falls back to memory instead of waiting; the connection keeps coming back (100 ms more per
 *   attempt, at most 1 s apart).
 * - `worker`: BullMQ workers, schedulers, stream consumers and pub/sub subscribers of a
 *   long-running process. Commands wait for the reconnection instead of failing (BullMQ and
 *   blocking reads need `maxRetriesPerRequest: null`), reconnecting every 200 ms more, at most
 *   2 s apart; subscriptions are renewed after a reconnect.
 *
 * A `redis+cluster://host:port,host:port` URL opens ioredis' Cluster client with the same
 * policy: the reconnect delays become its `clusterRetryStrategy`, `lazyConnect` and the offline
 * queue are the cluster's, the rest are the options of each node's connection.
 */
export type RedisRole = 'command' | 'server' | 'worker';

const POLICIES: Record<RedisRole, RedisOptions> = {
  command: {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => (attempt > 3 ? null : 200 * attempt),
  },
  server: {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 2_000,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  },
  worker: {
    connectTimeout: 5_000,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  },
};

export interface ConnectRedisOptions {
  /** REDIS_URL: redis://, rediss://, or redis+cluster:// for a cluster. */
  url: string;
  /** Shown by CLIENT LIST and in the log lines of this connection. */
  name: string;
  logger: Logger;
  /** Options of this role that a caller must change (say, a shorter commandTimeout). */
  overrides?: RedisOptions;
}

/**
 * Opens a Redis connection for a role. A `command` connection is connected before this
 * resolves (or it throws REDIS_UNAVAILABLE naming the redacted URL); the long-running roles
 * connect in the background and log when the connection is lost and when it is back.
 */
export async function connectRedis(role: RedisRole, options: ConnectRedisOptions): Promise<RedisClient> {
  const redis = openRedis(role, options);
  if (role !== 'command') return redis;
  // connect() rejects with "Connection is closed." once the retries are spent; the socket's own
  // error (ECONNREFUSED, ENOTFOUND, WRONGPASS...) says more.
  let socketError: Error | undefined;
  const keep = (error: Error) => (socketError = error);
  redis.on('error', keep);
  redis.on('node error', keep);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const reason = (socketError ?? (error as Error)).message;
    throw new KitError('REDIS_UNAVAILABLE', `Redis at ${redactRedisUrl(options.url)} is unreachable: ${reason}`, {
      cause: socketError ?? error,
    });
  } finally {
    redis.off('error', keep);
    redis.off('node error', keep);
  }
  return redis;
}

/** The same connection as {@link connectRedis}, returned at once (a `command` one is not connected yet). */
export function openRedis(role: RedisRole, { url, name, logger, overrides }: ConnectRedisOptions): RedisClient {
  const cluster = parseRedisClusterUrl(url);
  if (typeof cluster === 'string') throw new KitError('REDIS_UNAVAILABLE', `Redis at ${redactRedisUrl(url)}: the URL ${cluster}`);
  const redis =
    cluster === undefined
      ? new Redis(url, { ...POLICIES[role], connectionName: name, ...overrides })
      : new Cluster(cluster.nodes, clusterOptions(role, name, cluster, overrides));
  watchConnection(redis, logger, name, role);
  return redis;
}

/** The role's policy for a Cluster: the cluster takes what is about the whole, each node the rest. */
function clusterOptions(
  role: RedisRole,
  name: string,
  { username, password, tls }: RedisClusterUrl,
  overrides: RedisOptions = {},
): ClusterOptions {
  const { retryStrategy, lazyConnect, enableOfflineQueue, enableReadyCheck, ...nodeOptions } = { ...POLICIES[role], ...overrides };
  return {
    ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: retryStrategy }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(enableReadyCheck === undefined ? {} : { enableReadyCheck }),
    redisOptions: { ...nodeOptions, connectionName: name, username, password, ...(tls ? { tls: {} } : {}) },
  };
}

// ioredis emits an error per reconnect attempt: log the transitions, not every attempt. A loss
// is a `reconnecting` (ioredis emits it only when it will connect again), never a `close`: a
// connection closed on purpose (quit, disconnect) also emits `close`, and its status is still
// `close` at that moment. A `command` connection that never came up is not "lost" either
// (connectRedis throws REDIS_UNAVAILABLE for it; a warning would only repeat that in JSON).
function watchConnection(redis: RedisClient, logger: Logger, name: string, role: RedisRole): void {
  let lost = false;
  let everReady = false;
  let lastError: string | undefined;
  redis.on('error', (error: Error) => {
    lastError = error.message;
    logger.debug({ err: error, connection: name }, 'redis connection error');
  });
  // A cluster reports the errors of its nodes' connections apart.
  redis.on('node error', (error: Error, node?: string) => {
    lastError = error.message;
    logger.debug({ err: error, connection: name, node }, 'redis cluster node error');
  });
  redis.on('reconnecting', (retryInMs: number) => {
    if (!lost && (everReady || role !== 'command')) logger.warn({ connection: name, error: lastError, retryInMs }, 'redis connection lost');
    lost = true;
  });
  redis.on('ready', () => {
    if (lost) logger.info({ connection: name }, 'redis connection back');
    lost = false;
    everReady = true;
    lastError = undefined;
  });
}
