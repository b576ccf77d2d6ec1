import type { TrackingEvent, TrackingEventType, RedisClient } from '@ads/ads-client';
import type { Logger } from 'pino';
import { RecentEvents } from '../domain/recent-events';
import { frequencyCapEnforced } from '../domain/ad-selection';
import { isOwnDecision } from '../domain/decision-id';
import { spendOfEvent, trackingEventId, type TrackingClaims, type TrackingSigner } from '../domain/tracking-url';
import type { IndexLifecycle, TrackedAd } from './index-lifecycle';
import type { ServingMetrics } from './serving-metrics';
import { EventBuffer } from '../store/event-buffer';
import type { ChargeLimits, CountOutcome, EventRecorder, PendingEvent } from '../store/event-recorder';
import type { FrequencyCapCache } from '../store/frequency-cap-cache';

/**
 * What a beacon came to. Outcomes with verified claims carry the ad they name as the index
 * knows it (or knew it before dropping it), so that a click's redirect needs no second lookup.
 */
export type TrackOutcome =
  | {
      kind: 'counted' | 'buffered' | 'duplicate' | 'dropped' | 'expired' | 'gone' | 'over-budget' | 'over-cap';
      claims: TrackingClaims;
      ad: TrackedAd | undefined;
    }
  | { kind: 'forged' }
  | { kind: 'invalid'; field: string; message: string };

/** How long a beacon waits for Redis before the event goes to the buffer instead. */
const COUNT_TIMEOUT_MS = 300;
const FLUSH_BATCH = 500;
const REPLAY_MARKER_GRACE_MS = 3_600_000;

/**
 * Beacons: checks the signed URL, refuses replays, and counts the event in Redis at once, or
 * keeps it in a bounded buffer while Redis is away and flushes it when Redis is back. An
 * event is counted once whatever the path (the replay marker is set in the same script).
 */
export class EventTracker {
  private readonly buffer: EventBuffer<PendingEvent>;
  private readonly recent: RecentEvents;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      redis: RedisClient;
      recorder: EventRecorder;
      lifecycle: IndexLifecycle;
      frequencyCaps: FrequencyCapCache;
      signer: TrackingSigner;
      metrics: ServingMetrics | undefined;
      logger: Logger;
      bufferSize: number;
    },
  ) {
    this.buffer = new EventBuffer(deps.bufferSize);
    this.recent = new RecentEvents(Math.max(10_000, deps.bufferSize * 2));
  }

  get bufferSize(): number {
    return this.buffer.size;
  }

  start(): void {
    this.deps.redis.on('ready', () => this.flush());
    this.timer = setInterval(() => this.flush(), 1_000);
    this.timer.unref();
  }

  /** Stops the flush timer and makes a last attempt to flush (at shutdown). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    await this.flushing;
  }

  /**
   * Counts one beacon: `beacon` is its token (`/t/<token>/<event>`) or, for a URL signed the
   * legacy way (`/t/i?…`, accepted until such URLs expire), its query.
   */
  async track(type: TrackingEventType, beacon: string | URLSearchParams, nowMs = Date.now()): Promise<TrackOutcome> {
    const outcome = await this.count(type, beacon, nowMs);
    this.deps.metrics?.event(type, outcome.kind);
    return outcome;
  }

  private async count(type: TrackingEventType, beacon: string | URLSearchParams, nowMs: number): Promise<TrackOutcome> {
    const signer = this.deps.signer;
    const read = typeof beacon === 'string' ? signer.readToken(beacon, nowMs) : signer.readLegacy(type, beacon, nowMs);
    if (!read.ok) {
      const problem = read.problem;
      if (problem.kind !== 'expired') return problem.kind === 'invalid' ? problem : { kind: 'forged' };
      // An expired click still lands: the redirect needs the ad.
      return {
        kind: 'expired',
        claims: problem.claims,
        ad: this.deps.lifecycle.trackedAd(problem.claims.campaignId, problem.claims.adId, nowMs),
      };
    }
    const { claims } = read;
    // The ad as served, or as it was when a newer index dropped it (its URLs are still valid).
    const ad = this.deps.lifecycle.trackedAd(claims.campaignId, claims.adId, nowMs);
    const recentKey = `${claims.decisionId}\u0000${claims.adId}\u0000${type}`;
    if (this.recent.has(recentKey)) return { kind: 'duplicate', claims, ad };
    // A click is only worth counting when it can land.
    if (type === 'click' && (ad?.landingUrl ?? null) === null) return { kind: 'gone', claims, ad };
    const event: TrackingEvent = {
      type,
      eventId: trackingEventId(claims.decisionId, claims.adId, type),
      decisionId: claims.decisionId,
      adId: claims.adId,
      campaignId: claims.campaignId,
      advertiserId: claims.advertiserId,
      placementKey: claims.placementKey,
      userKey: claims.userKey,
      at: nowMs,
      spendMicros: spendOfEvent(type, claims),
    };
    const pending: PendingEvent = {
      event,
      day: this.deps.lifecycle.clock.at(ad?.campaign.timeZone ?? 'UTC', nowMs).day,
      frequencyCapWindowMs: ad?.campaign.frequencyCap?.windowMs ?? 0,
      seenUntilMs: claims.expiresAt * 1000 + REPLAY_MARKER_GRACE_MS,
      frequencyCapCount: type === 'impression' && ad !== undefined ? this.enforcedCap(ad, claims) : 0,
      limits: event.spendMicros > 0 && ad !== undefined ? this.chargeLimits(ad, nowMs) : null,
    };
    if (this.deps.redis.status === 'ready' && this.buffer.size === 0) {
      try {
        const outcome = await withTimeout(this.deps.recorder.count(pending, nowMs), COUNT_TIMEOUT_MS);
        this.recent.add(recentKey);
        if (outcome === 'counted') this.applyLocally(pending);
        // A charge refused: the budget is spent; this instance stops serving the campaign now
        // rather than at its next pacing refresh (CPC campaigns are not leased ahead).
        else if (outcome === 'over-budget') this.deps.lifecycle.budgetHeld(event.campaignId, nowMs);
        return { kind: outcome, claims, ad };
      } catch (error) {
        // A late answer is harmless: the buffered copy meets the replay marker and is dropped.
        this.deps.logger.debug({ err: error, eventId: event.eventId }, 'counting in Redis failed; buffering the event');
      }
    }
    if (!this.buffer.push(pending)) {
      this.deps.logger.warn({ eventId: event.eventId, capacity: this.buffer.capacity }, 'event buffer full; event dropped');
      return { kind: 'dropped', claims, ad };
    }
    this.recent.add(recentKey);
    this.applyLocally(pending);
    return { kind: 'buffered', claims, ad };
  }

  /** The cap an impression is checked against if its hold lapsed: 0 when uncapped or switched off. */
  private enforcedCap(ad: TrackedAd, claims: TrackingClaims): number {
    const cap = ad.campaign.frequencyCap;
    const index = this.deps.lifecycle.current;
    if (cap === null || index === undefined) return cap?.count ?? 0;
    const placement = index.placements.get(claims.placementKey);
    return frequencyCapEnforced(index, placement, ad.campaign, claims.userKey) ? cap.count : 0;
  }

  private chargeLimits(ad: TrackedAd, nowMs: number): ChargeLimits | null {
    const campaign = ad.campaign;
    if (campaign.spendsNothing) return null;
    const { limits } = this.deps.lifecycle.spendLimitsOf(campaign, nowMs);
    return {
      todayMicros: limits.todayMicros,
      totalMicros: limits.totalMicros,
      spentMicros: campaign.spentMicros,
      liveSpendBaselineMicros: campaign.liveSpendBaselineMicros,
    };
  }

  /** Pacing and caps learn of the event at once, before the next read from Redis. */
  private applyLocally(pending: PendingEvent): void {
    const { event } = pending;
    const campaign = this.deps.lifecycle.current?.campaignsById.get(event.campaignId);
    if (campaign === undefined) return;
    if (event.spendMicros > 0) this.deps.lifecycle.spent(campaign, pending.day, event.spendMicros);
    // While Redis is away the cache is all there is; this process recorded its own decisions.
    if (
      event.type === 'impression' &&
      campaign.frequencyCap !== null &&
      this.deps.redis.status !== 'ready' &&
      !isOwnDecision(event.decisionId)
    ) {
      this.deps.frequencyCaps.recordLocally(event.userKey, campaign.id, event.at);
    }
  }

  /** Drains the buffer into Redis in batches while Redis is ready. */
  flush(): void {
    if (this.flushing !== undefined || this.buffer.size === 0 || this.deps.redis.status !== 'ready') return;
    this.flushing = this.drain().finally(() => {
      this.flushing = undefined;
    });
  }

  private async drain(): Promise<void> {
    let counted = 0;
    let duplicates = 0;
    let refused = 0;
    try {
      while (this.buffer.size > 0 && this.deps.redis.status === 'ready') {
        const batch = this.buffer.peek(FLUSH_BATCH);
        const results = await this.deps.recorder.countMany(batch);
        const firstError = results.findIndex((result) => result instanceof Error);
        const done = firstError === -1 ? results.length : firstError;
        for (const result of results.slice(0, done) as CountOutcome[]) {
          if (result === 'counted') counted += 1;
          else if (result === 'duplicate') duplicates += 1;
          else refused += 1;
        }
        // Events after a failed one may have been counted: sending them again is harmless.
        this.buffer.drop(done);
        const failure = results[firstError];
        if (failure instanceof Error) throw failure;
      }
    } catch (error) {
      this.deps.logger.warn({ err: error, left: this.buffer.size }, 'flushing buffered events stopped; retrying when Redis is ready');
    } finally {
      if (counted + duplicates + refused > 0)
        this.deps.logger.info(
          { counted, duplicates, refusedByLimits: refused, left: this.buffer.size },
          'buffered events flushed to Redis',
        );
    }
  }
}

// One promise and one timer per beacon (not Promise.race's extra promise and an async frame).
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
