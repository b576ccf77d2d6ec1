import type { RedisContext } from './redis-context';

/** What changed, as announced on the inventory-changed channel. */
export interface InventoryChange {
  entity: 'advertiser' | 'campaign' | 'ad' | 'site' | 'placement' | 'featureSwitch' | 'import';
  id: string;
}

/**
 * Announces an inventory write so cache-warming rebuilds the serving index. A lost notice
 * only delays the next index (warming also runs on a schedule), so a Redis failure is logged,
 * never turned into a failed write.
 */
export async function publishInventoryChanged({ redis, keys, logger }: RedisContext, change: InventoryChange): Promise<void> {
  try {
    await redis.publish(keys.inventoryChangedChannel, JSON.stringify({ ...change, at: new Date().toISOString() }));
  } catch (error) {
    logger.warn({ err: error, change }, 'could not publish inventory-changed notice');
  }
}
