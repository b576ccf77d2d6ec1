import { OPPORTUNITY_KEY_TTL_SECONDS, samplePriority, type RedisClient, type RedisKeys } from '@ads/ads-client';
import type { Logger } from 'pino';
import {
  OpportunityTally,
  type OpportunityDaySample,
  type OpportunityHourCounts,
  type OpportunityRequest,
} from '../domain/opportunity-tally';

/** The counters a recorder moves (ServingMetrics has them). */
export interface OpportunityMetrics {
  opportunitiesRecorded: { inc(value?: number): void };
  opportunitySamplesFlushed: { inc(value?: number): void };
  opportunityFlushFailures: { inc(value?: number): void };
}

/** What one flush came to. */
export interface OpportunityFlushResult {
  /** True when Redis took everything (or there was nothing to write). */
  ok: boolean;
  /** Hour × placement counters written. */
  counters: number;
  /** Sampled requests written. */
  samples: number;
}

interface Increment {
  at: number;
  hour: OpportunityHourCounts;
  placementKey: string;
  requests: number;
}

interface DayWrite {
  addAt: number;
  thresholdAt: number;
  day: OpportunityDaySample;
}

/**
 * Records ad requests (opportunities) for inventory forecasting: `record` counts them in
 * memory on the hot path (see `OpportunityTally`), `flush` moves them to Redis in one pipeline
 * on the `{fc}` keys: the hour counts (HINCRBY), the day samples (ZADD, trimmed to the k lowest
 * priorities), the merged sample's threshold read back so this process stops keeping requests
 * that would be trimmed, and the periods marked pending for the roll-up. What Redis does not
 * take stays in memory for the next flush: counts are added back (only those whose command
 * failed, so none is counted twice), samples are kept (at most k per day).
 */
export class OpportunityRecorder {
  readonly tally: OpportunityTally;
  private flushing: Promise<OpportunityFlushResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;
  /** Pending marks (`h:…`, `d:…`) a failed flush could not set, for the next one. */
  private readonly unmarked = new Set<string>();

  constructor(
    private readonly deps: {
      redis: RedisClient;
      keys: RedisKeys;
      logger: Logger;
      metrics: OpportunityMetrics | undefined;
      sampleSize: number;
      flushMs: number;
      keyTtlSeconds?: number;
    },
  ) {
    this.tally = new OpportunityTally(deps.sampleSize);
  }

  /** Counts one decision request (see `OpportunityTally.record`). Never throws for Redis: it is not touched here. */
  record(known: ReadonlyMap<string, unknown>, request: OpportunityRequest, keywords: readonly string[], atMs: number): void {
    const counted = this.tally.record(known, request, keywords, atMs);
    if (counted > 0) this.deps.metrics?.opportunitiesRecorded.inc(counted);
  }

  /** Flushes every `flushMs`. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(
      () => void this.flush().catch((error: unknown) => this.deps.logger.error({ err: error }, 'opportunity flush failed unexpectedly')),
      this.deps.flushMs,
    );
    this.timer.unref();
  }

  /** Stops the timer and flushes what is left (once more if a flush was running). */
  async stop(): Promise<OpportunityFlushResult> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    const result = await this.flush();
    const left = { counters: this.tally.countersHeld, samples: this.tally.samplesHeld };
    if (left.counters > 0 || left.samples > 0) this.deps.logger.warn(left, 'stopping with opportunities Redis never took');
    return result;
  }

  /** Writes what is recorded to Redis; one at a time (a flush asked during another waits for it, then runs). */
  async flush(nowMs = Date.now()): Promise<OpportunityFlushResult> {
    while (this.flushing !== undefined) await this.flushing;
    this.flushing = this.write(nowMs).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async write(nowMs: number): Promise<OpportunityFlushResult> {
    const { redis, keys, sampleSize, logger, metrics } = this.deps;
    const ttl = this.deps.keyTtlSeconds ?? OPPORTUNITY_KEY_TTL_SECONDS;
    const { hours, days } = this.tally.take();
    if (hours.length === 0 && days.length === 0 && this.unmarked.size === 0) return { ok: true, counters: 0, samples: 0 };
    const pipeline = redis.pipeline();
    let commands = 0;
    const increments: Increment[] = [];
    const marks = new Set(this.unmarked);
    for (const hour of hours) {
      const key = keys.opportunityCounts(hour.hour);
      for (const [placementKey, requests] of hour.counts) {
        pipeline.hincrby(key, placementKey, requests);
        increments.push({ at: commands++, hour, placementKey, requests });
      }
      pipeline.expire(key, ttl);
      commands += 1;
      marks.add(`h:${hour.hour}`);
    }
    const writes: DayWrite[] = [];
    for (const day of days) {
      const key = keys.opportunitySample(day.day);
      const members: (string | number)[] = [];
      for (const sample of day.samples) members.push(samplePriority(sample.visitor), JSON.stringify(sample));
      pipeline.zadd(key, ...members);
      pipeline.zremrangebyrank(key, sampleSize, -1);
      pipeline.zrange(key, sampleSize - 1, sampleSize - 1, 'WITHSCORES');
      pipeline.expire(key, ttl);
      writes.push({ addAt: commands, thresholdAt: commands + 2, day });
      commands += 4;
      marks.add(`d:${day.day}`);
    }
    const markAt = commands;
    pipeline.zadd(keys.opportunityPending, ...[...marks].flatMap((member) => [nowMs, member]));

    let results: [Error | null, unknown][] | null;
    let thrown: unknown;
    try {
      results = await pipeline.exec();
    } catch (error) {
      results = null;
      thrown = error;
    }
    const failedAt = (at: number): Error | null => (results === null ? new Error('no reply') : (results[at]?.[0] ?? null));
    let ok = true;
    let counters = 0;
    for (const increment of increments) {
      if (failedAt(increment.at) === null) counters += 1;
      else {
        ok = false;
        this.tally.restoreCount(increment.hour.startMs, increment.placementKey, increment.requests);
      }
    }
    let samples = 0;
    for (const { addAt, thresholdAt, day } of writes) {
      if (failedAt(addAt) !== null) {
        ok = false;
        this.tally.restoreSamples(day.startMs, day.samples);
        continue;
      }
      samples += day.samples.length;
      const kth = failedAt(thresholdAt) === null ? (results![thresholdAt]![1] as string[]) : [];
      if (kth.length === 2) this.tally.learnThreshold(day.startMs, Number(kth[1]));
    }
    this.unmarked.clear();
    if (failedAt(markAt) !== null) {
      ok = false;
      for (const mark of marks) this.unmarked.add(mark);
    }
    if (samples > 0) metrics?.opportunitySamplesFlushed.inc(samples);
    if (ok) {
      if (this.failing) logger.info({ counters, samples }, 'opportunities reach Redis again');
      this.failing = false;
    } else {
      metrics?.opportunityFlushFailures.inc();
      this.failed(thrown ?? results?.find(([error]) => error !== null)?.[0]);
    }
    return { ok, counters, samples };
  }

  /** Logs the first failure of an outage only; what failed stays in memory. */
  private failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.deps.logger.warn(
      { err: error, counters: this.tally.countersHeld, samples: this.tally.samplesHeld },
      'opportunities not flushed to Redis; kept in memory for the next flush (logged once per outage)',
    );
  }
}
