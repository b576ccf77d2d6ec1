import { randomBytes, randomUUID } from 'node:crypto';
import { InvalidParamsError, PreEncodedResult, type CallContext, type DecisionResponse, type serving } from '@ads/ads-client';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { selectAds, type Selection, type SelectionOptions, type SelectionRequest } from './domain/ad-selection';
import type { DecisionIndex, IndexedAd } from './domain/decision-index';
import { ServingError } from './errors';
import { seededRng } from './domain/rng';
import { beaconBases, trackingQuery, type BeaconBases, type TrackingSigner } from './domain/tracking-url';
import type { IndexLifecycle } from './index-lifecycle';
import type { ServingMetrics } from './metrics';
import type { FrequencyCapCache } from './store/frequency-cap-cache';

export type ParsedDecisionRequest = z.output<typeof serving.decisionRequest>;

/** A decision as serving answers it: its JSON text, the value parsed from it on demand. */
export type DecisionAnswer = PreEncodedResult<DecisionResponse>;

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
 * whose count is not cached, in one pipelined read bounded by a short timeout; otherwise the
 * decision is synchronous. The answer's JSON is assembled from each ad's pre-encoded part.
 */
export class DecisionMaker {
  private baseUrlValue = '';
  private bases: BeaconBases = beaconBases('');
  // Set just before each (synchronous) selection pass; the options below read them, so that
  // no closure is created per request.
  private readonly clock = { now: 0, redisAvailable: true };
  // Reused by every selection pass (each is synchronous); only the generator changes.
  private readonly selection: SelectionOptions;

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
      rng: Math.random,
      explorationRate: deps.explorationRate,
      frequencyCount: (campaign, request) => deps.frequencyCaps.count(request.userKey, campaign, this.clock.now, this.clock.redisAvailable),
    };
  }

  /** Base of tracking URLs; set once the server listens (the port may be chosen then). */
  get baseUrl(): string {
    return this.baseUrlValue;
  }

  set baseUrl(url: string) {
    // Tracking URLs go into the JSON answer unescaped: everything else in them is URL-safe ASCII.
    if (JSON.stringify(url) !== `"${url}"`) {
      throw new ServingError('CONFIG_INVALID', `tracking base URL ${JSON.stringify(url)} must not contain characters JSON escapes`);
    }
    this.baseUrlValue = url;
    this.bases = beaconBases(url);
  }

  decide(input: ParsedDecisionRequest, context?: Pick<CallContext, 'requestId'>): DecisionAnswer | Promise<DecisionAnswer> {
    const started = performance.now();
    const placements = input.placements;
    for (let at = 1; at < placements.length; at += 1) {
      const { divName } = placements[at]!;
      for (let before = 0; before < at; before += 1) {
        if (placements[before]!.divName === divName) {
          throw new InvalidParamsError(`invalid params: placements.${at}.divName: "${divName}" is used twice; divName must be unique in a request`, [
            { path: ['placements', at, 'divName'], message: 'must be unique in a request', code: 'custom' },
          ]);
        }
      }
    }
    const newUser = input.userKey === undefined;
    const userKey = input.userKey ?? randomUUID().replaceAll('-', '');
    const index = this.deps.lifecycle.current;
    if (index === undefined) return this.answer(started, input, userKey, undefined, Date.now());
    const request: SelectionRequest = {
      placements,
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
    const selection = this.select(index, request, now, seed);
    if (selection.unknownCaps.length === 0) return this.answer(started, input, userKey, selection, now);
    return this.decideWithCaps(started, input, request, selection.unknownCaps, now, seed, context);
  }

  private async decideWithCaps(
    started: number,
    input: ParsedDecisionRequest,
    request: SelectionRequest,
    unknownCaps: Selection['unknownCaps'],
    now: number,
    seed: number,
    context: Pick<CallContext, 'requestId'> | undefined,
  ): Promise<DecisionAnswer> {
    this.deps.metrics?.frequencyCapFetches.inc();
    const fetched = await this.deps.frequencyCaps.fetch(request.userKey, unknownCaps, now);
    if (!fetched) this.deps.logger.debug({ requestId: context?.requestId, campaigns: unknownCaps.length }, 'frequency-cap read timed out; capped campaigns sit this decision out');
    // The index may have been swapped while waiting: the new one decides.
    const index = this.deps.lifecycle.current;
    if (index === undefined) return this.answer(started, input, request.userKey, undefined, now);
    return this.answer(started, input, request.userKey, this.select(index, request, now, seed), now);
  }

  private select(index: DecisionIndex, request: SelectionRequest, now: number, seed: number): Selection {
    this.clock.now = now;
    this.clock.redisAvailable = this.deps.lifecycle.redisAvailable;
    this.selection.rng = seededRng(seed);
    return selectAds(index, request, this.selection);
  }

  /** Signs the chosen ads' URLs and writes the answer's JSON; counts the decision. */
  private answer(started: number, input: ParsedDecisionRequest, userKey: string, selection: Selection | undefined, now: number): DecisionAnswer {
    const decisionId = nextDecisionId();
    const expiresAt = Math.floor(now / 1000) + this.deps.trackingUrlTtlSeconds;
    // Decision ids are base64url and user keys are [A-Za-z0-9_-] (checked by the contract or
    // generated as hex): nothing to escape. divNames are the caller's and are escaped.
    let json = `{"decisionId":"${decisionId}","userKey":"${userKey}","decisions":{`;
    const decisionQuery = trackingQuery.decision(decisionId, userKey, expiresAt);
    let slotsRequested = 0;
    let adsDecided = 0;
    for (let at = 0; at < input.placements.length; at += 1) {
      const placement = input.placements[at]!;
      slotsRequested += placement.count;
      json += `${at === 0 ? '' : ','}${JSON.stringify(placement.divName)}:[`;
      // selectAds answers one slot per placement, in request order.
      const ads = selection?.slots[at]!.ads;
      if (ads !== undefined && ads.length > 0) {
        const placementQuery = trackingQuery.placement(placement.placementKey);
        for (let position = 0; position < ads.length; position += 1) {
          json += `${position === 0 ? '' : ','}${this.decidedAdJson(ads[position]!, placementQuery, decisionQuery)}`;
        }
        adsDecided += ads.length;
      }
      json += ']';
    }
    json += '}}';
    const metrics = this.deps.metrics;
    if (metrics !== undefined) {
      metrics.decisions.inc();
      metrics.slotsRequested.inc(slotsRequested);
      if (adsDecided > 0) metrics.adsDecided.inc(adsDecided);
      metrics.decideSeconds.observe((performance.now() - started) / 1000);
    }
    return new PreEncodedResult<DecisionResponse>(json);
  }

  private decidedAdJson(ad: IndexedAd, placementQuery: string, decisionQuery: string): string {
    const campaign = ad.campaign;
    const urls = this.deps.signer.urlsOf(this.bases, trackingQuery.of(ad.id, campaign.trackingQuery, placementQuery, decisionQuery));
    // Formats are enum words; ids are escaped (only the campaign's are encoded ahead: an ad's
    // own id would cost the index more memory than it saves time).
    return `{"adId":${JSON.stringify(ad.id)},${campaign.decidedJson},"format":"${ad.format}","contents":${ad.contentsJson},"clickUrl":"${urls.clickUrl}","impressionUrl":"${urls.impressionUrl}","viewableUrl":"${urls.viewableUrl}"}`;
  }
}
