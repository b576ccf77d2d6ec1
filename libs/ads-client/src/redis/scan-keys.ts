import { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client.js';

/**
 * The keys matching a glob pattern, a SCAN batch at a time. On a cluster SCAN sees one node's
 * keys only, so every master is scanned in turn. A key may come twice (SCAN's guarantee).
 */
export async function* scanKeys(redis: RedisClient, pattern: string, count = 1000): AsyncGenerator<string[]> {
  const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (found.length > 0) yield found;
    } while (cursor !== '0');
  }
}
