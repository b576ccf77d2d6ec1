import { RedisKeys, RedisValueError, ScoreStore, newScoreVersionId, type RedisClient } from '@ads/ads-client';
import type { AdScore, InventorySnapshot } from '@ads/ads-client';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { splitLifetimeSpend } from '../domain/lifetime-spend';
import { pacingFactor } from '../domain/pacing-factor';
import { scoreAds } from '../domain/score-ads';
import { biggestMovers } from '../domain/score-movers';
import type { DataApiSource } from '../store/data-api-source';
import { guardRedis, redisFailure } from '../store/redis-failure';
import { readTodaySpend } from '../store/today-spend-reader';

const DAY_MS = 86_400_000;

/** One row of the movers table: an ad whose ranking value changed most since the last version. */
export interface MoverRow {
  adId: string;
  campaignId: string | null;
  campaignName: string | null;
  before: AdScore;
  after: AdScore;
  /** log2 of the change of eCPM × pacing (+1 doubled, −1 halved). */
  change: number;
}

/** What a run did, printed as JSON with --json. */
export interface ScoringSummary {
  version: string | null;
  dryRun: boolean;
  computedAt: string;
  window: { from: string; to: string; days: number };
  campaigns: number;
  ads: number;
  adsWithEvidence: number;
  globalCtr: number;
  defaults: AdScore;
  pacing: { behind: number; ahead: number; onPlan: number; budgetSpent: number; unpaced: number };
  previousVersion: string | null;
  retiredVersion: string | null;
  added: number;
  removed: number;
  movers: MoverRow[];
  durationMs: number;
}

export interface ScoringRunOptions {
  config: Config;
  source: DataApiSource;
  redis: RedisClient;
  logger: Logger;
  dryRun: boolean;
  moversLimit: number;
  nowMs?: number;
}

/**
 * One scoring run: read the inventory and the window's performance through ads-data-api,
 * today's spend from Redis, score every servable ad, then (unless dry run) write a new version
 * and flip to it. Nothing is written before every read succeeded, so a failing data API
 * leaves the current version in place.
 */
export async function runScoring(options: ScoringRunOptions): Promise<ScoringSummary> {
  const { config, source, redis, logger } = options;
  const started = performance.now();
  const nowMs = options.nowMs ?? Date.now();
  const keys = new RedisKeys(config.redisKeyPrefix);
  const to = new Date(Math.ceil(nowMs / 3_600_000) * 3_600_000);
  const from = new Date(to.getTime() - config.windowDays * DAY_MS);

  const snapshot = await source.snapshot();
  const [adEvidence, campaignEvidence] = await Promise.all([source.evidence('ad', from, to), source.evidence('campaign', from, to)]);
  logger.info({ campaigns: snapshot.campaigns.length, adsWithStats: adEvidence.size }, 'performance read');

  const todaySpend = await readTodaySpend(redis, keys, snapshot.campaigns, nowMs, logger);
  const pacing = { behind: 0, ahead: 0, onPlan: 0, budgetSpent: 0, unpaced: 0 };
  const pacingFactors = new Map<string, number>();
  for (const campaign of snapshot.campaigns) {
    const spend = todaySpend.get(campaign.id)!;
    const outcome = pacingFactor(
      {
        pacing: campaign.pacing,
        dailyBudgetMinor: campaign.dailyBudget,
        totalBudgetMinor: campaign.totalBudget,
        // Today's spend is subtracted from the lifetime spend as one figure, so a lagging or
        // missing warmed series cannot count the hours since the last warm twice.
        ...splitLifetimeSpend({ spentMicros: campaign.spentMicros, counterMicros: spend.counterMicros, seriesMicros: spend.seriesMicros }),
        flightStartMs: Date.parse(campaign.flightStart),
        flightEndMs: Date.parse(campaign.flightEnd),
        dayStartMs: spend.dayStartMs,
        dayEndMs: spend.dayEndMs,
        nowMs,
      },
      config.pacing,
    );
    pacingFactors.set(campaign.id, outcome.factor);
    if (outcome.reason === 'budget-spent') pacing.budgetSpent += 1;
    else if (outcome.reason !== 'paced') pacing.unpaced += 1;
    else if (outcome.factor > 1.01) pacing.behind += 1;
    else if (outcome.factor < 0.99) pacing.ahead += 1;
    else pacing.onPlan += 1;
  }

  const outcome = scoreAds({
    campaigns: snapshot.campaigns.map((campaign) => ({
      id: campaign.id,
      bidType: campaign.bidType,
      bidAmount: campaign.bidAmount,
      adIds: campaign.ads.map((ad) => ad.id),
    })),
    adEvidence,
    campaignEvidence,
    pacingFactors,
    settings: { priorStrength: config.priorStrength, defaultCtr: config.defaultCtr },
  });

  const store = new ScoreStore(redis, keys);
  const previous = await readPreviousScores(redis, store, logger);
  const moves = biggestMovers(previous?.scores ?? null, outcome.scores, options.moversLimit);

  const computedAt = new Date(nowMs).toISOString();
  let version: string | null = null;
  let retiredVersion: string | null = null;
  if (!options.dryRun) {
    const written = newScoreVersionId(nowMs);
    version = written;
    const meta = { version: written, computedAt, ads: outcome.scores.size, defaults: outcome.defaults };
    // A version written but not flipped to expires on its own, so a failure here leaves the current one serving.
    await guardRedis(redis, `writing score version ${written}`, () => store.writeVersion(written, outcome.scores, meta));
    const flip = await guardRedis(redis, `publishing score version ${written}`, () =>
      store.publishVersion(written, { retireAfterSeconds: config.retireAfterSeconds }),
    );
    retiredVersion = flip.retired;
    logger.info({ version, previous: flip.previous, retired: flip.retired, ads: outcome.scores.size }, 'score version published');
  }

  const campaignOf = campaignsByAd(snapshot);
  return {
    version,
    dryRun: options.dryRun,
    computedAt,
    window: { from: from.toISOString(), to: to.toISOString(), days: config.windowDays },
    campaigns: snapshot.campaigns.length,
    ads: outcome.scores.size,
    adsWithEvidence: outcome.adsWithEvidence,
    globalCtr: outcome.globalCtr,
    defaults: outcome.defaults,
    pacing,
    previousVersion: previous?.version ?? null,
    retiredVersion,
    added: moves.added,
    removed: moves.removed,
    movers: moves.movers.map((move) => ({
      adId: move.adId,
      campaignId: campaignOf.get(move.adId)?.id ?? null,
      campaignName: campaignOf.get(move.adId)?.name ?? null,
      before: move.before,
      after: move.after,
      change: move.change,
    })),
    durationMs: Math.round(performance.now() - started),
  };
}

async function readPreviousScores(redis: RedisClient, store: ScoreStore, logger: Logger) {
  try {
    const previous = await store.readCurrent();
    if (previous !== null && previous.invalidAdIds.length > 0) {
      logger.warn(
        { version: previous.version, invalid: previous.invalidAdIds.length, sample: previous.invalidAdIds.slice(0, 5) },
        'previous score version has invalid entries',
      );
    }
    return previous;
  } catch (error) {
    if (error instanceof RedisValueError) {
      // A damaged previous version only costs the movers table; the new version replaces it.
      logger.warn({ err: error }, 'previous score version unreadable, movers not computed');
      return null;
    }
    throw redisFailure(redis, 'reading the current score version', error);
  }
}

function campaignsByAd(snapshot: InventorySnapshot): Map<string, { id: string; name: string }> {
  const byAd = new Map<string, { id: string; name: string }>();
  for (const campaign of snapshot.campaigns) for (const ad of campaign.ads) byAd.set(ad.id, { id: campaign.id, name: campaign.name });
  return byAd;
}
