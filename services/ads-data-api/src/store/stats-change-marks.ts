import { TimeSeriesStore, type TimeSeriesLevel } from '@ads/ads-client';
import type { PrismaClient } from '../generated/prisma/client';
import type { RedisContext } from './redis-context';

/**
 * After a stats batch reached the database: marks every ad, campaign and advertiser it changed,
 * from the oldest hour it changed for each, so that reports stop trusting their warmed series
 * from that hour on until a warm reads the database again (`TimeSeriesStore.markChanged`).
 * Called for replays too: a first delivery that failed between its commit and its marks is
 * marked when it is sent again. Throws when Redis refuses, so that the caller sends it again.
 */
export async function markStatsChanged(
  prisma: PrismaClient,
  cache: RedisContext,
  batch: { batchId: string; rows: readonly { adId: string; hour: string }[] },
): Promise<void> {
  const oldestHourByAd = new Map<string, number>();
  for (const row of batch.rows) {
    const adId = row.adId.toLowerCase();
    const hourMs = Date.parse(row.hour);
    oldestHourByAd.set(adId, Math.min(oldestHourByAd.get(adId) ?? Infinity, hourMs));
  }
  const owners = await prisma.$queryRaw<Array<{ ad_id: string; campaign_id: string; advertiser_id: string }>>`
    SELECT a.id::text AS ad_id, a.campaign_id::text AS campaign_id, c.advertiser_id::text AS advertiser_id
      FROM ad a JOIN campaign c ON c.id = a.campaign_id
     WHERE a.id = ANY(${[...oldestHourByAd.keys()]}::uuid[])`;
  const oldest = new Map<string, { level: TimeSeriesLevel; id: string; fromMs: number }>();
  const note = (level: TimeSeriesLevel, id: string, fromMs: number) => {
    const key = `${level}:${id}`;
    const known = oldest.get(key);
    if (known === undefined || fromMs < known.fromMs) oldest.set(key, { level, id, fromMs });
  };
  for (const owner of owners) {
    const fromMs = oldestHourByAd.get(owner.ad_id)!;
    note('ad', owner.ad_id, fromMs);
    note('campaign', owner.campaign_id, fromMs);
    note('advertiser', owner.advertiser_id, fromMs);
  }
  try {
    await new TimeSeriesStore(cache.redis, cache.keys).markChanged([...oldest.values()]);
  } catch (error) {
    cache.logger.error(
      { err: error, batchId: batch.batchId },
      'stats batch is in the database but its time-series change marks are not; it must be sent again',
    );
    throw error;
  }
}
