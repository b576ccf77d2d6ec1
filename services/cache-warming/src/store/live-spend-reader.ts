import type { RedisKeys, RedisClient } from '@ads/ads-client';

/**
 * Reads the real-time spend counters (`campaignLiveSpend`) of a page's campaigns in one
 * round trip: they become the pacing baselines of the index version. The counters are lifetime
 * totals, so serving takes at least the live counter as total spend and uses the baseline only
 * for a counter Redis lost (then what it gained since this read adds to the database total).
 */
export async function readLiveSpend(redis: RedisClient, keys: RedisKeys, campaignIds: readonly string[]): Promise<Map<string, number>> {
  const spend = new Map<string, number>();
  if (campaignIds.length === 0) return spend;
  const values = await redis.mget(campaignIds.map((id) => keys.campaignLiveSpend(id)));
  campaignIds.forEach((id, at) => {
    const value = Number(values[at] ?? 0);
    spend.set(id, Number.isFinite(value) ? value : 0);
  });
  return spend;
}
