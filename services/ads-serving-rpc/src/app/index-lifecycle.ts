import {
  ScoreStore,
  ServingIndexStore,
  isScoreVersionFresh,
  type AdScore,
  type RedisKeys,
  type ScoreVersionMeta,
  type RedisClient,
} from '@ads/ads-client';
import { subscribeWhenReady } from '@ads/ads-client/service';
import type { Logger } from 'pino';
import { campaignBlock, livenessChangesAt, refreshCampaignLiveness, refreshDueCampaignLiveness } from '../domain/campaign-liveness';
import {
  DEFAULT_AD_SCORE,
  DecisionIndexBuilder,
  applyScores,
  findAd,
  rebuildCandidateGroups,
  type DecisionIndex,
  type IndexedAd,
  type IndexedCampaign,
} from '../domain/decision-index';
import { spendLimits, type CampaignBudget, type SpendLimits } from '../domain/pacing';
import { ZoneClock } from '../domain/zone-clock';
import type { ServingMetrics } from './serving-metrics';
import { PacingState } from '../store/pacing-state';
import { SpendLeaseBook } from '../store/spend-lease-book';

interface LoadedScores {
  version: string | null;
  /** Meta of the version in use; null when defaults are in use (no version, or a stale one). */
  meta: ScoreVersionMeta | null;
  scoreOf: (adId: string) => AdScore;
}

/** Campaigns refreshed between two yields to the event loop. */
const LIVENESS_SLICE = 500;

const NO_SCORES: LoadedScores = { version: null, meta: null, scoreOf: () => DEFAULT_AD_SCORE };

/** What the beacon's atomic checks need of a campaign: its cap and its budgets. */
export type ChargedCampaign = CampaignBudget &
  Pick<IndexedCampaign, 'id' | 'advertiserId' | 'spentMicros' | 'liveSpendBaselineMicros' | 'frequencyCap'>;

/** What a beacon needs of the ad it counts, whether the ad is still served or was dropped. */
export interface TrackedAd {
  /** Null when the landing page is not a usable http(s) URL: clicks are refused uncounted. */
  landingUrl: string | null;
  /** Its campaign's time zone, cap and budgets (a copy once the campaign left the index). */
  campaign: ChargedCampaign;
}

/** How long a campaign refused a spend lease sits out before a decision asks again. */
export const LEASE_RETRY_MS = 1_000;

interface RetiredAd extends TrackedAd {
  retiredAt: number;
}

/** Retired ads kept at most (oldest forgotten first): about 100 bytes each. */
const MAX_RETIRED_ADS = 100_000;

function trackedAdOf(ad: IndexedAd, campaign: ChargedCampaign = ad.campaign): TrackedAd {
  return { landingUrl: ad.landingUrl, campaign };
}

/** A dropped campaign's limits, copied so that the dropped index version can be collected. */
function chargedCampaignOf(campaign: IndexedCampaign): ChargedCampaign {
  const {
    id,
    advertiserId,
    spentMicros,
    liveSpendBaselineMicros,
    frequencyCap,
    totalBudgetMicros,
    dailyBudgetMicros,
    spendsNothing,
    pacing,
    flightStartMs,
    flightEndMs,
    hours,
    timeZone,
  } = campaign;
  return {
    id,
    advertiserId,
    spentMicros,
    liveSpendBaselineMicros,
    frequencyCap,
    totalBudgetMicros,
    dailyBudgetMicros,
    spendsNothing,
    pacing,
    flightStartMs,
    flightEndMs,
    hours,
    timeZone,
  };
}

/**
 * Keeps the in-memory decision index current: loads the index version cache-warming
 * published (at start, on its announcement, and by polling in case one was missed), the
 * newest fresh score version, and refreshes which campaigns may serve (flight, day-parting,
 * pacing) on a timer. Loads happen in the background; decisions always see a whole index.
 */
export class IndexLifecycle {
  /** The index decisions run on; undefined until the first version is loaded. */
  current: DecisionIndex | undefined;
  readonly clock = new ZoneClock();
  readonly pacing: PacingState;
  /** The spend leases this process holds (pruned on the pacing refresh). */
  readonly leases = new SpendLeaseBook();
  private readonly indexStore: ServingIndexStore;
  private readonly scoreStore: ScoreStore;
  private scores: LoadedScores = NO_SCORES;
  private indexLoad: Promise<void> | undefined;
  private scoreLoad: Promise<void> | undefined;
  private rebuildQueued = false;
  private livenessRun: Promise<void> | undefined;
  /** Campaigns due for a liveness check, one slice at a time. */
  private readonly dueScratch = new Int32Array(LIVENESS_SLICE);
  private timers: NodeJS.Timeout[] = [];
  // Ads earlier versions served and the current one dropped (paused, ended, unapproved), by
  // campaign and ad id: their tracking URLs stay valid until they expire, so their beacons
  // still count and their clicks still land.
  private readonly retired = new Map<string, RetiredAd>();

  constructor(
    private readonly deps: {
      redis: RedisClient;
      subscriber: RedisClient;
      keys: RedisKeys;
      logger: Logger;
      metrics: ServingMetrics | undefined;
      indexPollMs: number;
      pacingRefreshMs: number;
      /** How long a dropped ad's beacons are still honoured: the tracking URLs' lifetime. */
      retiredAdsMs: number;
    },
  ) {
    this.indexStore = new ServingIndexStore(deps.redis, deps.keys);
    this.scoreStore = new ScoreStore(deps.redis, deps.keys);
    this.pacing = new PacingState(deps.redis, deps.keys);
  }

  get redisAvailable(): boolean {
    return this.deps.redis.status === 'ready';
  }

  async start(): Promise<void> {
    const { subscriber, keys, redis } = this.deps;
    subscriber.on('message', (channel: string) => {
      if (channel === keys.indexAnnounceChannel) this.checkIndex('announced');
      else if (channel === keys.scoresAnnounceChannel) this.checkScores('announced');
    });
    // After an outage, look again: an announcement may have been missed.
    redis.on('ready', () => {
      this.checkIndex('redis back');
      this.checkScores('redis back');
    });
    // Not awaited while Redis is away: serving starts and polls until the subscription is up.
    const subscribed = subscribeWhenReady(subscriber, [keys.indexAnnounceChannel, keys.scoresAnnounceChannel]).catch((error: unknown) => {
      this.deps.logger.warn({ err: error }, 'cannot subscribe to announcements; polling instead');
    });
    if (subscriber.status === 'ready') await subscribed;
    this.timers.push(
      setInterval(() => {
        this.checkIndex('poll');
        this.checkScores('poll');
      }, this.deps.indexPollMs),
      setInterval(() => void this.refreshPacing(), this.deps.pacingRefreshMs),
      // The clock moves flights and day-parts even when nothing else happens (and Redis is away).
      setInterval(() => this.refreshLiveness(), 1_000),
    );
    for (const timer of this.timers) timer.unref();
    if (this.redisAvailable) {
      this.checkScores('start');
      this.checkIndex('start');
      await this.indexLoad;
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /** The ad a beacon names, from the current index or, once dropped from it, while its URLs live. */
  trackedAd(campaignId: string, adId: string, nowMs = Date.now()): TrackedAd | undefined {
    const served = findAd(this.current, campaignId, adId);
    if (served !== undefined) return trackedAdOf(served);
    const retired = this.retired.get(retiredKey(campaignId, adId));
    return retired !== undefined && nowMs - retired.retiredAt <= this.deps.retiredAdsMs ? retired : undefined;
  }

  /** Remembers the ads of `previous` that `next` no longer has; forgets expired and returning ones. */
  private retire(previous: DecisionIndex | undefined, next: DecisionIndex, nowMs: number): void {
    for (const [key, ad] of this.retired) {
      // Oldest first: stop at the first one still within its time.
      if (nowMs - ad.retiredAt <= this.deps.retiredAdsMs) break;
      this.retired.delete(key);
    }
    if (this.retired.size > 0) for (const ad of next.ads) this.retired.delete(retiredKey(ad.campaign.id, ad.id));
    if (previous === undefined) return;
    const copies = new Map<IndexedCampaign, ChargedCampaign>();
    for (const ad of previous.ads) {
      if (findAd(next, ad.campaign.id, ad.id) !== undefined) continue;
      let campaign = copies.get(ad.campaign);
      if (campaign === undefined) copies.set(ad.campaign, (campaign = chargedCampaignOf(ad.campaign)));
      this.retired.set(retiredKey(ad.campaign.id, ad.id), { ...trackedAdOf(ad, campaign), retiredAt: nowMs });
      if (this.retired.size > MAX_RETIRED_ADS) this.retired.delete(this.retired.keys().next().value!);
    }
  }

  /**
   * The limits a spend lease or a charge of the campaign is checked against now, and the day
   * (campaign time zone) its spend goes to.
   */
  spendLimitsOf(campaign: ChargedCampaign, nowMs: number): { day: string; limits: SpendLimits } {
    const local = this.clock.at(campaign.timeZone, nowMs);
    const spend = this.pacing.spendOf(campaign, local.day);
    return { day: local.day, limits: spendLimits(campaign, spend, local.dayBounds, nowMs) };
  }

  /**
   * Redis refused the campaign a spend lease or a charge: decisions leave it out for a while
   * (a campaign the index no longer has needs nothing).
   */
  budgetHeld(campaignId: string, nowMs: number): void {
    const campaign = this.current?.campaignsById.get(campaignId);
    if (campaign !== undefined) campaign.budgetHeldUntilMs = nowMs + LEASE_RETRY_MS;
  }

  /** A campaign this process just spent on: stop it at once when its budget is gone. */
  spent(campaign: IndexedCampaign, day: string, micros: number): void {
    this.pacing.recordSpend(campaign, day, micros);
    if (!campaign.live) return;
    const now = Date.now();
    const blockedBy = campaignBlock(campaign, this.pacing.spendOf(campaign, day), this.clock, now);
    if (blockedBy !== null) {
      campaign.live = false;
      campaign.blockedBy = blockedBy;
      // Ahead of its even pace, it is looked at again on every refresh until it catches up.
      const index = this.current;
      if (index?.campaigns[campaign.ordinal] === campaign)
        index.liveness.schedule(campaign.ordinal, livenessChangesAt(campaign, blockedBy, this.clock, now));
      this.queueRebuild();
    }
  }

  private checkIndex(reason: string): void {
    if (this.indexLoad !== undefined || !this.redisAvailable) return;
    this.indexLoad = this.loadCurrentIndex(reason).finally(() => {
      this.indexLoad = undefined;
    });
  }

  private async loadCurrentIndex(reason: string): Promise<void> {
    const { logger, metrics } = this.deps;
    let version: string | null = null;
    try {
      version = await this.indexStore.currentVersion();
      if (version === null || version === this.current?.version) return;
      const started = Date.now();
      const head = await this.indexStore.readHead(version);
      const builder = new DecisionIndexBuilder(head.featureSwitches);
      for await (const chunk of this.indexStore.readCampaignChunks(head.meta)) builder.addCampaigns(chunk);
      const index = builder.finish(head.meta, head.placements);
      applyScores(index, this.scores.scoreOf);
      await this.pacing.refresh(index.campaigns, this.clock, Date.now()).catch((error: unknown) => {
        logger.warn(
          { err: error, version },
          'could not read pacing counters for the new index; using its database totals until the next refresh',
        );
      });
      refreshCampaignLiveness(index, (campaign, day) => this.pacing.spendOf(campaign, day), this.clock, Date.now());
      rebuildCandidateGroups(index);
      const previous = this.current?.version ?? null;
      this.retire(this.current, index, Date.now());
      this.current = index;
      this.pacing.retain(new Set(index.campaigns.map((campaign) => campaign.id)));
      metrics?.indexLoads.labels('loaded').inc();
      logger.info(
        {
          version,
          previous,
          reason,
          campaigns: index.campaigns.length,
          ads: index.ads.length,
          placements: index.placements.size,
          loadMs: Date.now() - started,
        },
        'index version loaded',
      );
    } catch (error) {
      metrics?.indexLoads.labels('failed').inc();
      logger.error({ err: error, version, reason }, 'could not load the index version; serving goes on with the one in memory');
    }
  }

  private checkScores(reason: string): void {
    if (this.scoreLoad !== undefined || !this.redisAvailable) return;
    this.scoreLoad = this.loadScores(reason).finally(() => {
      this.scoreLoad = undefined;
    });
  }

  private async loadScores(reason: string): Promise<void> {
    const { logger } = this.deps;
    try {
      const version = await this.scoreStore.currentVersion();
      // Same version: nothing to do, unless the one in use has just grown stale.
      const inUse = this.scores.meta;
      if (version === this.scores.version && (inUse === null || isScoreVersionFresh(inUse))) return;
      let next = NO_SCORES;
      if (version !== null) {
        const loaded = await this.scoreStore.readVersion(version);
        if (loaded === null) {
          logger.warn({ version }, 'the current score version is gone; using default scores');
          next = { ...NO_SCORES, version };
        } else if (!isScoreVersionFresh(loaded.meta)) {
          logger.warn({ version, computedAt: loaded.meta.computedAt }, 'the current score version is stale; using default scores');
          next = { version, meta: null, scoreOf: () => loaded.meta.defaults };
        } else {
          const defaults = loaded.meta.defaults;
          next = { version, meta: loaded.meta, scoreOf: (adId) => loaded.scores.get(adId) ?? defaults };
          if (loaded.invalidAdIds.length > 0)
            logger.warn({ version, invalid: loaded.invalidAdIds.length }, 'some scores are invalid; their ads use the defaults');
        }
      }
      this.scores = next;
      if (this.current !== undefined) {
        applyScores(this.current, next.scoreOf);
        rebuildCandidateGroups(this.current);
      }
      logger.info({ version, reason }, 'scores loaded');
    } catch (error) {
      logger.error({ err: error, reason }, 'could not load scores; keeping the ones in memory');
    }
  }

  private async refreshPacing(): Promise<void> {
    const index = this.current;
    if (index === undefined || !this.redisAvailable) return;
    try {
      // A campaign whose spend moved is looked at on the liveness refresh that follows.
      await this.pacing.refresh(index.campaigns, this.clock, Date.now(), (campaign) => this.spendMoved(campaign));
      this.leases.prune(Date.now());
      this.refreshLiveness();
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not refresh the pacing counters; pacing on what this process knows');
    }
  }

  /** A new spend reading of the campaign: its liveness is due at once (on the current index). */
  private spendMoved(campaign: IndexedCampaign): void {
    const index = this.current;
    if (index === undefined) return;
    const same = index.campaigns[campaign.ordinal] === campaign ? campaign : index.campaignsById.get(campaign.id);
    if (same !== undefined) index.liveness.scheduleNoLaterThan(same.ordinal, 0);
  }

  /**
   * Refreshes the liveness of the campaigns whose verdict can have changed since they were last
   * looked at (the index's liveness schedule: a local hour boundary or a flight's start or end
   * passed, a new spend reading, or ahead of even pacing), in slices, yielding to requests in
   * between (one run at a time).
   */
  private refreshLiveness(): void {
    const index = this.current;
    if (index === undefined || this.livenessRun !== undefined) return;
    this.livenessRun = (async () => {
      const now = Date.now();
      // campaignBlock reads each campaign's spend at once and keeps nothing of it: one scratch object.
      const scratch = { totalSpentMicros: 0, todaySpentMicros: 0 };
      const spendOf = (campaign: IndexedCampaign, day: string) => this.pacing.spendInto(campaign, day, scratch);
      const due = this.dueScratch;
      let changed = 0;
      for (let slice = 0; ; slice += 1) {
        if (slice > 0) await new Promise((resolve) => setImmediate(resolve));
        const refreshed = refreshDueCampaignLiveness(index, spendOf, this.clock, now, due);
        changed += refreshed.changed;
        if (refreshed.checked < due.length) break;
      }
      if (changed > 0 && index === this.current) rebuildCandidateGroups(index);
    })().finally(() => {
      this.livenessRun = undefined;
    });
  }

  // Several campaigns may run out in a burst of beacons: rebuild once, after the burst.
  private queueRebuild(): void {
    if (this.rebuildQueued) return;
    this.rebuildQueued = true;
    setImmediate(() => {
      this.rebuildQueued = false;
      if (this.current !== undefined) rebuildCandidateGroups(this.current);
    });
  }
}

function retiredKey(campaignId: string, adId: string): string {
  return `${campaignId}\u0000${adId}`;
}
