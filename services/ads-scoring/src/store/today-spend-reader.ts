import { RedisValueError, TimeSeriesStore, localDay, utcHoursOfLocalDay, type RedisClient } from '@ads/ads-client';
import type { RedisKeys, TimeSeriesPoint } from '@ads/ads-client';
import type { Logger } from 'pino';
import { guardRedis, isWrongTypeReply } from './redis-failure';

/** A campaign's spend in its current local day, as pacing reads it. */
export interface TodaySpend {
  dayStartMs: number;
  dayEndMs: number;
  /** The real-time counter serving paces with (0 when absent or unreadable). */
  counterMicros: number;
  /** The warmed hourly series of the campaign over the day's hours so far (database totals; 0 when unreadable). */
  seriesMicros: number;
}

type SeriesRequest = Parameters<TimeSeriesStore['readBuckets']>[0][number];

/**
 * Reads, for each campaign, today's spend from the two sources in Redis: serving's counter
 * (`campaignDaySpend`, up to the second) and the warmed hourly series (the database's view,
 * minutes behind). Pipelined: one round trip for the counters, one for the series.
 *
 * A damaged value of one campaign (a malformed bucket, a key of the wrong type, a counter that
 * is not a number) is logged as a warning and read as 0 for that campaign only, so one bad key
 * does not stop scoring for every campaign; pacing then relies on the other source. A lost
 * connection throws REDIS_UNAVAILABLE.
 */
export async function readTodaySpend(
  redis: RedisClient,
  keys: RedisKeys,
  campaigns: readonly { id: string; timeZone: string }[],
  nowMs: number,
  logger: Logger,
): Promise<Map<string, TodaySpend>> {
  const days = campaigns.map((campaign) => localDay(nowMs, campaign.timeZone));
  const counterKeys = campaigns.map((campaign, index) => keys.campaignDaySpend(campaign.id, days[index]!.day));
  const counters = campaigns.length === 0 ? [] : await guardRedis(redis, 'reading the day spend counters', () => redis.mget(counterKeys));
  const store = new TimeSeriesStore(redis, keys);
  const requests: SeriesRequest[] = campaigns.map((campaign, index) => ({
    level: 'campaign',
    id: campaign.id,
    granularity: 'hour',
    buckets: utcHoursOfLocalDay(days[index]!, nowMs),
  }));
  const series = await guardRedis(redis, "reading today's warmed campaign series", () => readSeriesIsolated(store, requests, logger));
  const spend = new Map<string, TodaySpend>();
  campaigns.forEach((campaign, index) => {
    const raw = counters[index] ?? null;
    const counter = Number(raw ?? 0);
    if (!Number.isFinite(counter) || counter < 0) {
      logger.warn(
        { campaignId: campaign.id, key: counterKeys[index], value: raw },
        'day spend counter is not a spend in micros, read as 0',
      );
    }
    spend.set(campaign.id, {
      dayStartMs: days[index]!.startMs,
      dayEndMs: days[index]!.endMs,
      counterMicros: Number.isFinite(counter) && counter > 0 ? counter : 0,
      seriesMicros: (series[index] ?? []).reduce((sum, point) => sum + (point?.spendMicros ?? 0), 0),
    });
  });
  return spend;
}

/**
 * The series of all campaigns in one round trip; if a value is damaged, each campaign again on
 * its own, so only the damaged ones are left out (read as no series).
 */
async function readSeriesIsolated(
  store: TimeSeriesStore,
  requests: readonly SeriesRequest[],
  logger: Logger,
): Promise<(TimeSeriesPoint | null)[][]> {
  try {
    return await store.readBuckets(requests);
  } catch (error) {
    if (!isDamagedValue(error)) throw error;
  }
  return Promise.all(
    requests.map(async (request) => {
      try {
        return (await store.readBuckets([request]))[0] ?? [];
      } catch (error) {
        if (!isDamagedValue(error)) throw error;
        logger.warn(
          { err: error, campaignId: request.id, key: error instanceof RedisValueError ? error.key : undefined },
          "campaign's warmed series is damaged, pacing it without the series",
        );
        return [];
      }
    }),
  );
}

function isDamagedValue(error: unknown): boolean {
  return error instanceof RedisValueError || isWrongTypeReply(error);
}
