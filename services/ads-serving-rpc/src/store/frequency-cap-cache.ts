import type { RedisKeys } from '@ads/ads-client';
import type { Redis } from 'ioredis';
import type { IndexedCampaign } from '../domain/decision-index';
import { impressionsInWindow } from '../domain/frequency-cap';

interface CapEntry {
  /** Impression times (ms) of one user key for one campaign, as far as this process knows. */
  times: number[];
  /** When they were read from Redis; 0 when only this process's own impressions are known. */
  fetchedAt: number;
}

/**
 * Frequency-cap counts per user key and campaign, cached in bounded memory. Redis holds the
 * truth (impressions counted by every instance); a cached count is trusted for `freshMs`.
 * While Redis is away, the impressions this process counted are the best knowledge left.
 */
export class FrequencyCapCache {
  private readonly entries = new Map<string, CapEntry>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly options: { freshMs: number; maxEntries: number; timeoutMs: number },
  ) {}

  /**
   * The user's impressions inside the cap window, or undefined when Redis must be asked. With
   * Redis away, a user this process knows nothing of counts as capped: a cap is a promise to
   * the advertiser, so the capped campaigns sit out (as they do when a read times out) rather
   * than serve that user without limit.
   */
  count(userKey: string, campaign: IndexedCampaign, nowMs: number, redisAvailable: boolean): number | undefined {
    const entry = this.entries.get(entryKey(userKey, campaign.id));
    const windowMs = campaign.frequencyCap?.windowMs ?? 0;
    if (entry !== undefined && (nowMs - entry.fetchedAt <= this.options.freshMs || !redisAvailable)) return impressionsInWindow(entry.times, windowMs, nowMs);
    return redisAvailable ? undefined : Number.POSITIVE_INFINITY;
  }

  /**
   * Reads the windows of several campaigns in one pipelined round trip, bounded by the
   * timeout; false when Redis did not answer in time (the caller decides without them).
   */
  async fetch(userKey: string, campaigns: readonly IndexedCampaign[], nowMs: number): Promise<boolean> {
    const pipeline = this.redis.pipeline();
    for (const campaign of campaigns) {
      pipeline.zrangebyscore(this.keys.frequencyCap(userKey, campaign.id), `(${nowMs - (campaign.frequencyCap?.windowMs ?? 0)}`, '+inf', 'WITHSCORES');
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.options.timeoutMs);
    });
    try {
      const results = await Promise.race([pipeline.exec(), timeout]);
      if (results === null) return false;
      results.forEach(([error, value], at) => {
        if (error !== null) return;
        const pairs = value as string[];
        const times: number[] = [];
        for (let index = 1; index < pairs.length; index += 2) times.push(Number(pairs[index]));
        this.set(entryKey(userKey, campaigns[at]!.id), { times, fetchedAt: nowMs });
      });
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** An impression this process counted (or buffered): known before Redis is read again. */
  recordImpression(userKey: string, campaignId: string, atMs: number): void {
    const key = entryKey(userKey, campaignId);
    const entry = this.entries.get(key);
    if (entry === undefined) this.set(key, { times: [atMs], fetchedAt: 0 });
    else entry.times.push(atMs);
  }

  private set(key: string, entry: CapEntry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    // A Map iterates in insertion order: the first key is the least recently written.
    if (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

function entryKey(userKey: string, campaignId: string): string {
  return `${userKey}\u0000${campaignId}`;
}
