import type { RedisClient } from '../redis/redis-client.js';

/**
 * Subscribes a connection to channels once it is `ready`, and resolves when Redis confirmed.
 *
 * Not before: ioredis sends SUBSCRIBE at once on a connection that is still in its handshake
 * (SUBSCRIBE is allowed while Redis loads), so the handshake's own CLIENT SETINFO and the ready
 * check's INFO that follow it fail with "Connection in subscriber mode". ioredis then reconnects
 * and, since the connection was never `ready`, does not subscribe again: the subscriber stays
 * connected and deaf. Once subscribed on a ready connection, ioredis renews the subscription after
 * every reconnect (autoResubscribe).
 *
 * Waits for as long as the connection takes to become ready; `stopping` ends the wait (false).
 */
export async function subscribeWhenReady(redis: RedisClient, channels: readonly string[], stopping?: Promise<void>): Promise<boolean> {
  if (redis.status !== 'ready') {
    const ready = new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true)));
    if (!(await (stopping === undefined ? ready : Promise.race([ready, stopping.then(() => false)])))) return false;
  }
  await redis.subscribe(...channels);
  return true;
}
