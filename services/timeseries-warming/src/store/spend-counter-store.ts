import { hourBucket, type RedisClient } from '@ads/ads-client';
import type { RedisKeys } from '@ads/ads-client';

// Raises the counter to the floor in one step, so increments serving makes meanwhile are kept:
// only the gap between the floor and the value at that instant is added. A counter this
// script creates expires; one serving created keeps the expiry serving gave it.
const RAISE_SCRIPT = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if current >= floor then return {current, 0} end
local existed = redis.call('EXISTS', KEYS[1])
redis.call('INCRBY', KEYS[1], floor - current)
if existed == 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
return {floor, floor - current}
`;

/** Seconds a day counter created by the reconciliation lives (the day, plus margin for late readers). */
export const CREATED_COUNTER_TTL_SECONDS = 3 * 86_400;

/** Serving's real-time spend counters, as the reconciliation reads and raises them. */
export class SpendCounterStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** The day counters of these campaigns (0 when absent). */
  async readDayCounters(requests: readonly { campaignId: string; day: string }[]): Promise<number[]> {
    if (requests.length === 0) return [];
    const values = await this.redis.mget(requests.map((request) => this.keys.campaignDaySpend(request.campaignId, request.day)));
    return values.map((value) => (value === null ? 0 : Number(value) || 0));
  }

  /**
   * Serving's spend per request: the sum of `spendMicros` of the ads' hour counters
   * (`adHourCounters`), or null when none of the ads has a counter for that hour.
   */
  async readLiveHourSpend(requests: readonly { adIds: readonly string[]; hourStartMs: number }[]): Promise<(number | null)[]> {
    const pipeline = this.redis.pipeline();
    let commands = 0;
    for (const request of requests) {
      const hour = hourBucket(request.hourStartMs);
      for (const adId of request.adIds) {
        pipeline.hget(this.keys.adHourCounters(adId, hour), 'spendMicros');
        commands += 1;
      }
    }
    const results = commands === 0 ? [] : ((await pipeline.exec()) ?? []);
    let next = 0;
    return requests.map((request) => {
      let sum: number | null = null;
      for (let index = 0; index < request.adIds.length; index += 1) {
        const [error, value] = results[next++] ?? [null, null];
        if (error !== null) throw error;
        if (value !== null) sum = (sum ?? 0) + (Number(value) || 0);
      }
      return sum;
    });
  }

  /** Raises a day counter to at least `floorMicros`; returns the value after and the amount added. */
  async raiseDayCounter(campaignId: string, day: string, floorMicros: number): Promise<{ valueMicros: number; raisedByMicros: number }> {
    const [valueMicros, raisedByMicros] = (await this.redis.eval(
      RAISE_SCRIPT,
      1,
      this.keys.campaignDaySpend(campaignId, day),
      String(Math.round(floorMicros)),
      String(CREATED_COUNTER_TTL_SECONDS),
    )) as [number, number];
    return { valueMicros, raisedByMicros };
  }
}
