import { randomBytes, randomUUID } from 'node:crypto';
import { InvalidParamsError, type CallContext, type DecidedAd, type DecisionResponse, type serving } from '@ads/ads-client';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { selectAds, type SelectionOptions, type SelectionRequest } from './domain/ad-selection';
import type { IndexedAd } from './domain/decision-index';
import { seededRng } from './domain/rng';
import type { TrackingSigner } from './domain/tracking-url';
import type { IndexLifecycle } from './index-lifecycle';
import type { ServingMetrics } from './metrics';
import type { FrequencyCapCache } from './store/frequency-cap-cache';

export type ParsedDecisionRequest = z.output<typeof serving.decisionRequest>;

// Decision ids: a random per-process prefix and a counter, unique across instances and far
// cheaper than a UUID per call (the URLs are signed, so ids need not be unguessable).
const decisionPrefix = randomBytes(6).toString('base64url');
let decisionCounter = 0;
function nextDecisionId(): string {
  decisionCounter += 1;
  return `${decisionPrefix}${decisionCounter.toString(36)}`;
}

/**
 * `serving.decide`: runs the selection on the in-memory index and signs the tracking URLs of
 * every chosen ad. Redis is read only when a capped campaign was drawn for a returning user
 * whose count is not cached, in one pipelined read bounded by a short timeout.
 */
export class DecisionMaker {
  /** Base of tracking URLs; set once the server listens (the port may be chosen then). */
  baseUrl = '';
  // Set just before each (synchronous) selection pass; the options below read them, so that
  // no closure is created per request.
  private readonly clock = { now: 0, redisAvailable: true };
  private readonly selection: Omit<SelectionOptions, 'rng'>;

  constructor(
    private readonly deps: {
      lifecycle: IndexLifecycle;
      frequencyCaps: FrequencyCapCache;
      signer: TrackingSigner;
      metrics: ServingMetrics | undefined;
      logger: Logger;
      explorationRate: number;
      trackingUrlTtlSeconds: number;
    },
  ) {
    this.selection = {
      explorationRate: deps.explorationRate,
      frequencyCount: (campaign, request) => deps.frequencyCaps.count(request.userKey, campaign, this.clock.now, this.clock.redisAvailable),
    };
  }

  async decide(input: ParsedDecisionRequest, context?: Pick<CallContext, 'requestId'>): Promise<DecisionResponse> {
    const started = performance.now();
    const { lifecycle, frequencyCaps, metrics } = this.deps;
    const divNames = new Set<string>();
    for (let at = 0; at < input.placements.length; at += 1) {
      const { divName } = input.placements[at]!;
      if (divNames.has(divName)) {
        throw new InvalidParamsError(`invalid params: placements.${at}.divName: "${divName}" is used twice; divName must be unique in a request`, [
          { path: ['placements', at, 'divName'], message: 'must be unique in a request', code: 'custom' },
        ]);
      }
      divNames.add(divName);
    }
    const newUser = input.userKey === undefined;
    const userKey = input.userKey ?? randomUUID().replaceAll('-', '');
    const decisionId = nextDecisionId();
    const decisions: Record<string, DecidedAd[]> = {};
    const index = lifecycle.current;
    let slotsRequested = 0;
    let adsDecided = 0;
    for (const placement of input.placements) {
      decisions[placement.divName] = [];
      slotsRequested += placement.count;
    }
    if (index !== undefined) {
      const request: SelectionRequest = {
        placements: input.placements,
        userKey,
        consent: input.consent,
        newUser,
        country: input.country,
        device: input.device,
        keywords: input.keywords.length > 1 ? [...new Set(input.keywords)] : input.keywords,
      };
      const now = Date.now();
      // One seed for both passes: the second replays the first draw for draw until a count
      // that was unknown turns out to allow (or refuse) the ad.
      const seed = (Math.random() * 2 ** 32) >>> 0;
      this.clock.now = now;
      this.clock.redisAvailable = lifecycle.redisAvailable;
      let selection = selectAds(index, request, { ...this.selection, rng: seededRng(seed) });
      if (selection.unknownCaps.length > 0) {
        metrics?.frequencyCapFetches.inc();
        const fetched = await frequencyCaps.fetch(userKey, selection.unknownCaps, now);
        if (!fetched) this.deps.logger.debug({ requestId: context?.requestId, campaigns: selection.unknownCaps.length }, 'frequency-cap read timed out; capped campaigns sit this decision out');
        this.clock.now = now;
        this.clock.redisAvailable = lifecycle.redisAvailable;
        selection = selectAds(index, request, { ...this.selection, rng: seededRng(seed) });
      }
      const expiresAt = Math.floor(now / 1000) + this.deps.trackingUrlTtlSeconds;
      for (const slot of selection.slots) {
        const list = decisions[slot.divName]!;
        for (const ad of slot.ads) list.push(this.decided(ad, decisionId, userKey, slot.placementKey, expiresAt));
        adsDecided += slot.ads.length;
      }
    }
    if (metrics !== undefined) {
      metrics.decisions.inc();
      metrics.slotsRequested.inc(slotsRequested);
      if (adsDecided > 0) metrics.adsDecided.inc(adsDecided);
      metrics.decideSeconds.observe((performance.now() - started) / 1000);
    }
    return { decisionId, userKey, decisions };
  }

  private decided(ad: IndexedAd, decisionId: string, userKey: string, placementKey: string, expiresAt: number): DecidedAd {
    const campaign = ad.campaign;
    const urls = this.deps.signer.urls(this.baseUrl, {
      decisionId,
      adId: ad.id,
      campaignId: campaign.id,
      advertiserId: campaign.advertiserId,
      placementKey,
      userKey,
      impressionSpendMicros: campaign.impressionSpendMicros,
      clickSpendMicros: campaign.clickSpendMicros,
      expiresAt,
    });
    return {
      adId: ad.id,
      campaignId: campaign.id,
      advertiserId: campaign.advertiserId,
      format: ad.format,
      contents: ad.contents,
      clickUrl: urls.clickUrl,
      impressionUrl: urls.impressionUrl,
      viewableUrl: urls.viewableUrl,
    };
  }
}
