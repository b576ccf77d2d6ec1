import { MAX_OPPORTUNITY_SAMPLE_SIZE, type RedisClient, type RedisKeys } from '@ads/ads-client';

/** A pending period as read: its member and the score (ms of its last flush) as Redis spelled it. */
export interface PendingOpportunity {
  member: string;
  score: string;
}

/** A day's sample as read: the lowest entries (at most the ingest's bound) and how many the set holds. */
export interface OpportunitySampleRead {
  members: { json: string; priority: number }[];
  size: number;
}

// Removes the member only if no flush has touched it since it was read (same score). Only the
// pending set is touched, and it is KEYS[1]: one slot (`{fc}`) on a cluster.
const REMOVE_IF_UNCHANGED_SCRIPT = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0`;

/**
 * Serving's opportunity keys (all in `{fc}`), as the roll-up reads them: the pending periods,
 * an hour's counts, a day's sample. The roll-up never deletes the counts or samples (they
 * expire); it removes a pending member only when its score is still the one it read.
 */
export class OpportunityPendingStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** Pending periods whose last flush is at or before `flushedBy` (ms), oldest flush first. */
  async flushedBy(flushedBy: number): Promise<PendingOpportunity[]> {
    const raw = await this.redis.zrangebyscore(this.keys.opportunityPending, '-inf', flushedBy, 'WITHSCORES');
    const pending: PendingOpportunity[] = [];
    for (let at = 0; at + 1 < raw.length; at += 2) pending.push({ member: raw[at]!, score: raw[at + 1]! });
    return pending;
  }

  /** Every placement key of an hour's counts with its requests (strings as stored). */
  async hourCounts(hourBucket: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.opportunityCounts(hourBucket));
  }

  /** The requests of a day: the sum of its 24 hours' counts over every placement. */
  async dayRequests(hourBuckets: readonly string[]): Promise<number> {
    const pipeline = this.redis.pipeline();
    for (const bucket of hourBuckets) pipeline.hvals(this.keys.opportunityCounts(bucket));
    const answers = (await pipeline.exec()) ?? [];
    let total = 0;
    for (const [error, values] of answers) {
      if (error !== null) throw error;
      for (const value of values as string[]) total += Number(value);
    }
    return total;
  }

  /** A day's sample: the lowest `MAX_OPPORTUNITY_SAMPLE_SIZE` entries with their priorities, and the set's size. */
  async daySample(dayBucket: string): Promise<OpportunitySampleRead> {
    const key = this.keys.opportunitySample(dayBucket);
    const [ranged, size] = await Promise.all([
      this.redis.zrange(key, 0, MAX_OPPORTUNITY_SAMPLE_SIZE - 1, 'WITHSCORES'),
      this.redis.zcard(key),
    ]);
    const members: OpportunitySampleRead['members'] = [];
    for (let at = 0; at + 1 < ranged.length; at += 2) members.push({ json: ranged[at]!, priority: Number(ranged[at + 1]) });
    return { members, size };
  }

  /** Removes a pending member if its score is still `score`; false when a flush moved it since (it rolls again). */
  async removeIfUnchanged(pending: PendingOpportunity): Promise<boolean> {
    const removed = await this.redis.eval(REMOVE_IF_UNCHANGED_SCRIPT, 1, this.keys.opportunityPending, pending.member, pending.score);
    return removed === 1;
  }
}
