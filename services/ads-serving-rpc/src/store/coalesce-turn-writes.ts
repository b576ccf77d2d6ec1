import type { Socket } from 'node:net';
import type { RedisClient } from '@ads/ads-client';

/** Sockets corked until the end of the current turn of the event loop. */
const corked = new WeakSet<Socket>();

/**
 * Requests arrive on many connections in one turn of the event loop, and ioredis writes each
 * command (or each pipeline) to the socket at once: one write system call per beacon or per
 * decision's holds and leases, the largest single cost of a beacon. Corked until the turn's
 * check phase (setImmediate), the turn's commands leave in one write. Each still gets its own
 * reply, and whoever waits for it is answered only after that reply; a turn's commands wait at
 * most until the end of that turn. A Cluster client writes to several sockets: not corked.
 */
export function coalesceTurnWrites(redis: RedisClient): void {
  const stream = 'stream' in redis ? (redis.stream as Socket | undefined) : undefined;
  if (stream === undefined || !stream.writable || corked.has(stream)) return;
  stream.cork();
  corked.add(stream);
  setImmediate(() => {
    corked.delete(stream);
    stream.uncork();
  });
}
