import { TimeSeriesStore, localDay, utcHoursOfLocalDay } from '@ads/ads-client';
import type { RedisKeys } from '@ads/ads-client';
import type { Redis } from 'ioredis';

/** A campaign's spend in its current local day, as pacing reads it. */
export interface TodaySpend {
  dayStartMs: number;
  dayEndMs: number;
  /** The real-time counter serving paces with (0 when absent). */
  counterMicros: number;
  /** The warmed hourly series of the campaign over the day's hours so far (database totals). */
  seriesMicros: number;
}

/**
 * Reads, for each campaign, today's spend from the two sources in Redis: serving's counter
 * (`campaignDaySpend`, up to the second) and the warmed hourly series (the database's view,
 * minutes behind). Pipelined: one round trip for the counters, one for the series.
 */
export async function readTodaySpend(
  redis: Redis,
  keys: RedisKeys,
  campaigns: readonly { id: string; timeZone: string }[],
  nowMs: number,
): Promise<Map<string, TodaySpend>> {
  const days = campaigns.map((campaign) => localDay(nowMs, campaign.timeZone));
  const counters = campaigns.length === 0 ? [] : await redis.mget(campaigns.map((campaign, index) => keys.campaignDaySpend(campaign.id, days[index]!.day)));
  const series = await new TimeSeriesStore(redis, keys).readBuckets(
    campaigns.map((campaign, index) => ({
      level: 'campaign' as const,
      id: campaign.id,
      granularity: 'hour' as const,
      buckets: utcHoursOfLocalDay(days[index]!, nowMs),
    })),
  );
  const spend = new Map<string, TodaySpend>();
  campaigns.forEach((campaign, index) => {
    const counter = Number(counters[index] ?? 0);
    spend.set(campaign.id, {
      dayStartMs: days[index]!.startMs,
      dayEndMs: days[index]!.endMs,
      counterMicros: Number.isFinite(counter) ? counter : 0,
      seriesMicros: (series[index] ?? []).reduce((sum, point) => sum + (point?.spendMicros ?? 0), 0),
    });
  });
  return spend;
}
