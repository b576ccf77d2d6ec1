import { randomUUID } from 'node:crypto';
import {
  InvalidParamsError,
  PreEncodedResult,
  type CallContext,
  type DecisionResponse,
  type DecisionWarning,
  type serving,
} from '@ads/ads-client';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { frequencyCapEnforced, selectAds, type Selection, type SelectionOptions, type SelectionRequest } from '../domain/ad-selection';
import { nextDecisionId } from '../domain/decision-id';
import type { DecisionIndex, IndexedAd, IndexedCampaign } from '../domain/decision-index';
import { ServingError } from '../errors';
import { seededRng } from '../domain/rng';
import { TRACKING_PATH_PREFIX, trackingToken, type TrackingSigner } from '../domain/tracking-url';
import type { IndexLifecycle } from './index-lifecycle';
import type { ServingMetrics } from './serving-metrics';
import type { FrequencyCapCache } from '../store/frequency-cap-cache';
import { spreadLeaseMs, type CapHoldRequest, type LimitReservations, type SpendLeaseRequest } from '../store/limit-reservations';
import type { SpendLeaseBook } from '../store/spend-lease-book';
import type { OpportunityRecorder } from '../store/opportunity-recorder';

export type ParsedDecisionRequest = z.output<typeof serving.decisionRequest>;

/** A decision as serving answers it: its JSON text, the value parsed from it on demand. */
export type DecisionAnswer = PreEncodedResult<DecisionResponse>;

/** The header that places a request's recorded opportunity at another instant (with `FORECAST_REPLAY` only). */
export const REPLAY_AT_HEADER = 'x-ads-replay-at';

/** Rounds of asking Redis for holds and leases before the ads still without one are dropped. */
export const MAX_LIMIT_ROUNDS = 3;

/**
 * Background leases per round trip: small enough that a round costs the event loop well under
 * a millisecond and Redis a millisecond or so, so decisions' own holds and leases (on the same
 * connection) never queue long behind one.
 */
const RENEWALS_PER_ROUND_TRIP = 100;
const RENEWAL_TIMEOUT_MS = 1_000;

/** What the chosen ads of one selection still need from Redis before they may be shown. */
interface LimitNeeds {
  holds: CapHoldRequest[];
  leases: SpendLeaseRequest[];
}

/** One decision's dealings with Redis so far: the holds it has, the campaigns it must leave out. */
interface LimitPass {
  held: Map<string, CapHoldRequest>;
  excluded: string[];
}

/**
 * `serving.decide`: runs the selection on the in-memory index and signs the tracking URLs of
 * every chosen ad. Delivery limits are decided in Redis, atomically: a capped ad is shown only
 * with a hold in the user's frequency cap, and a paid (CPM) ad only against a spend lease of
 * its campaign. Most decisions need neither round trip (no capped ad, and the lease this
 * process holds pays); otherwise the holds and leases of the whole decision are asked in one
 * pipelined round trip bounded by a short timeout, and the selection is run again with the
 * same random seed without what Redis refused. The answer's JSON is assembled from each ad's
 * pre-encoded part.
 */
export class DecisionMaker {
  private baseUrlValue = '';
  /** `<base>/t/`: each ad's tracking URL is this and its token. */
  private trackingBase = TRACKING_PATH_PREFIX;
  // Set just before each (synchronous) selection pass; the options below read them, so that
  // no closure is created per request.
  private readonly pass = { now: 0, redisAvailable: true, held: undefined as ReadonlyMap<string, CapHoldRequest> | undefined };
  // Reused by every selection pass (each is synchronous); only the generator changes.
  private readonly selection: SelectionOptions;
  private renewing = false;
  private preleasedVersion: string | undefined;

  constructor(
    private readonly deps: {
      lifecycle: IndexLifecycle;
      frequencyCaps: FrequencyCapCache;
      reservations: LimitReservations;
      leases: SpendLeaseBook;
      signer: TrackingSigner;
      metrics: ServingMetrics | undefined;
      logger: Logger;
      explorationRate: number;
      trackingUrlTtlSeconds: number;
      /** Records each request's opportunities for forecasting; undefined: recording is off. */
      opportunities?: OpportunityRecorder | undefined;
      /** Honour `x-ads-replay-at` (FORECAST_REPLAY): for the forecast accuracy replay, never in production. */
      replay?: boolean;
    },
  ) {
    this.selection = {
      rng: Math.random,
      explorationRate: deps.explorationRate,
      nowMs: 0,
      frequencyCount: (campaign, request) => {
        const { held, now, redisAvailable } = this.pass;
        if (held !== undefined && held.has(campaign.id)) return 0;
        // Not known here: assume room, the hold will tell (with Redis away the cache answers).
        return deps.frequencyCaps.count(request.userKey, campaign, now, redisAvailable) ?? 0;
      },
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
    this.trackingBase = `${url}${TRACKING_PATH_PREFIX}`;
  }

  decide(
    input: ParsedDecisionRequest,
    context?: Partial<Pick<CallContext, 'requestId' | 'headers'>>,
  ): DecisionAnswer | Promise<DecisionAnswer> {
    const started = performance.now();
    const placements = input.placements;
    for (let at = 1; at < placements.length; at += 1) {
      const { divName } = placements[at]!;
      for (let before = 0; before < at; before += 1) {
        if (placements[before]!.divName === divName) {
          throw new InvalidParamsError(
            `invalid params: placements.${at}.divName: "${divName}" is used twice; divName must be unique in a request`,
            [{ path: ['placements', at, 'divName'], message: 'must be unique in a request', code: 'custom' }],
          );
        }
      }
    }
    const replayAt = this.deps.replay === true ? replayInstant(context?.headers?.[REPLAY_AT_HEADER]) : undefined;
    const newUser = input.userKey === undefined;
    const userKey = input.userKey ?? randomUUID().replaceAll('-', '');
    const decisionId = nextDecisionId();
    const index = this.deps.lifecycle.current;
    const now = Date.now();
    if (index === undefined) return this.answer(started, input, decisionId, userKey, undefined, now);
    const request: SelectionRequest = {
      placements,
      userKey,
      consent: input.consent,
      newUser,
      country: input.country,
      device: input.device,
      keywords: input.keywords.length > 1 ? [...new Set(input.keywords)] : input.keywords,
      properties: input.properties,
    };
    this.deps.opportunities?.record(index.placements, input, request.keywords, replayAt ?? now);
    // One seed for every pass: a later pass replays the first draw for draw until an ad
    // Redis refused is drawn, and draws again from there.
    const seed = (Math.random() * 2 ** 32) >>> 0;
    const selection = this.select(index, request, now, seed, undefined);
    const needs = this.limitNeeds(index, selection, request, decisionId, now, undefined);
    if (needs === undefined) return this.answer(started, input, decisionId, userKey, selection, now);
    return this.decideWithLimits(started, input, request, decisionId, selection, needs, now, seed, context);
  }

  /**
   * Asks Redis for the holds and leases the chosen ads need, decides again without what was
   * refused, and repeats for ads the new pass chose (at most `MAX_LIMIT_ROUNDS` times; ads
   * still without a hold or lease then are dropped). Holds taken for ads that did not make it
   * into the answer are given back.
   */
  private async decideWithLimits(
    started: number,
    input: ParsedDecisionRequest,
    request: SelectionRequest,
    decisionId: string,
    first: Selection,
    firstNeeds: LimitNeeds,
    now: number,
    seed: number,
    context: Partial<Pick<CallContext, 'requestId'>> | undefined,
  ): Promise<DecisionAnswer> {
    const { reservations, frequencyCaps, leases, lifecycle, metrics, logger } = this.deps;
    const pass: LimitPass = { held: new Map(), excluded: [] };
    let selection: Selection | undefined = first;
    let needs: LimitNeeds | undefined = firstNeeds;
    for (let round = 0; needs !== undefined && selection !== undefined; round += 1) {
      if (round === MAX_LIMIT_ROUNDS) {
        selection = withoutCampaigns(selection, [
          ...needs.holds.map((hold) => hold.campaignId),
          ...needs.leases.map((lease) => lease.campaignId),
        ]);
        break;
      }
      const indexAsked = lifecycle.current;
      const excludedBefore = pass.excluded.length;
      const reply = await reservations.reserve(needs.holds, needs.leases, now);
      if (reply === undefined) {
        logger.debug(
          { requestId: context?.requestId, holds: needs.holds.length, leases: needs.leases.length },
          'Redis did not answer holds and leases in time; those ads sit this decision out',
        );
        for (const hold of needs.holds) pass.excluded.push(hold.campaignId);
        for (const lease of needs.leases) pass.excluded.push(lease.campaignId);
        metrics?.limitReservations.labels('cap_hold', 'timeout').inc(needs.holds.length);
        metrics?.limitReservations.labels('spend_lease', 'timeout').inc(needs.leases.length);
      } else {
        needs.holds.forEach((hold, at) => {
          const result = reply.holds[at]!;
          if (Number.isFinite(result.count))
            frequencyCaps.remember(request.userKey, hold.campaignId, result.count, now, result.fullUntilMs);
          if (result.granted) pass.held.set(hold.campaignId, hold);
          else pass.excluded.push(hold.campaignId);
          metrics?.limitReservations.labels('cap_hold', result.granted ? 'granted' : 'refused').inc();
        });
        needs.leases.forEach((lease, at) => {
          const result = reply.leases[at]!;
          if (result.grantedMicros > 0) leases.grant(lease.campaignId, result.grantedMicros, result.untilMs, now, result.long);
          else {
            lifecycle.budgetHeld(lease.campaignId, now);
            pass.excluded.push(lease.campaignId);
          }
          metrics?.limitReservations.labels('spend_lease', result.grantedMicros > 0 ? 'granted' : 'refused').inc();
        });
      }
      // The index may have been swapped while waiting: the new one decides. When Redis granted
      // everything on the same index, the selection stands as it was.
      const index = lifecycle.current;
      const unchanged = index === indexAsked && pass.excluded.length === excludedBefore;
      if (!unchanged) selection = index === undefined ? undefined : this.select(index, request, now, seed, pass);
      needs =
        index === undefined || selection === undefined ? undefined : this.limitNeeds(index, selection, request, decisionId, now, pass);
    }
    const shown = new Set(selection?.slots.flatMap((slot) => slot.ads.map((ad) => ad.campaign.id)));
    reservations.release([...pass.held.values()].filter((hold) => !shown.has(hold.campaignId)));
    return this.answer(started, input, decisionId, request.userKey, selection, now);
  }

  /**
   * Keeps leases ahead of decisions, in the background: takes a first lease for every live paid
   * campaign that holds none once per index version, and renews the leases that
   * lapse within `horizonMs` (long ones, and short ones in use), so that decisions seldom wait
   * for Redis. A refused lease or renewal is left alone: the next decision asks again.
   */
  async renewLeases(horizonMs: number): Promise<void> {
    const { lifecycle } = this.deps;
    const index = lifecycle.current;
    if (index === undefined || !lifecycle.redisAvailable || this.renewing) return;
    this.renewing = true;
    try {
      await this.renewLeasesOf(index, horizonMs);
    } finally {
      this.renewing = false;
    }
  }

  private async renewLeasesOf(index: DecisionIndex, horizonMs: number): Promise<void> {
    const { leases, reservations, logger } = this.deps;
    const now = Date.now();
    const requests: SpendLeaseRequest[] = [];
    const renewing = new Set<string>();
    for (const campaignId of leases.dueForRenewal(now, now + horizonMs)) {
      const campaign = index.campaignsById.get(campaignId);
      if (campaign !== undefined && campaign.live) {
        requests.push(this.leaseRequest(campaign, now, spreadLeaseMs(reservations.leaseMs)));
        renewing.add(campaignId);
      }
    }
    // First leases once per index version: asking every time for campaigns with nothing left
    // would cost a round trip per refresh each; those ask when a decision draws them.
    if (index.version !== this.preleasedVersion) {
      this.preleasedVersion = index.version;
      for (const campaign of index.campaigns) {
        if (campaign.live && campaign.impressionSpendMicros > 0 && campaign.budgetHeldUntilMs <= now && !leases.holds(campaign.id, now)) {
          requests.push(this.leaseRequest(campaign, now, spreadLeaseMs(reservations.leaseMs)));
        }
      }
    }
    for (let from = 0; from < requests.length; from += RENEWALS_PER_ROUND_TRIP) {
      const slice = requests.slice(from, from + RENEWALS_PER_ROUND_TRIP);
      const reply = await reservations.reserve([], slice, now, RENEWAL_TIMEOUT_MS);
      if (reply === undefined) {
        logger.debug({ leases: slice.length }, 'lease renewals timed out; those leases lapse and decisions ask again');
        return;
      }
      reply.leases.forEach((result, at) => {
        const campaignId = slice[at]!.campaignId;
        if (result.grantedMicros <= 0) return;
        if (renewing.has(campaignId)) leases.renew(campaignId, result.grantedMicros, result.untilMs, result.long);
        else leases.grant(campaignId, result.grantedMicros, result.untilMs, now, result.long);
      });
    }
  }

  private select(index: DecisionIndex, request: SelectionRequest, now: number, seed: number, pass: LimitPass | undefined): Selection {
    this.pass.now = now;
    this.pass.redisAvailable = this.deps.lifecycle.redisAvailable;
    this.pass.held = pass?.held;
    this.selection.nowMs = now;
    this.selection.excludedCampaigns = pass?.excluded;
    this.selection.rng = seededRng(seed);
    return selectAds(index, request, this.selection);
  }

  /**
   * The holds and leases the chosen ads still need, or undefined when none: a capped ad needs
   * a hold in the user's cap (unless this decision holds one), a paid CPM ad a lease that pays
   * for it. With Redis away neither can be had: the cache and the process's own pacing decide
   * (see the README).
   */
  private limitNeeds(
    index: DecisionIndex,
    selection: Selection,
    request: SelectionRequest,
    decisionId: string,
    now: number,
    pass: LimitPass | undefined,
  ): LimitNeeds | undefined {
    if (!this.deps.lifecycle.redisAvailable) return undefined;
    let needs: LimitNeeds | undefined;
    for (const slot of selection.slots) {
      for (const ad of slot.ads) {
        const campaign = ad.campaign;
        if (
          campaign.frequencyCap !== null &&
          pass?.held.has(campaign.id) !== true &&
          frequencyCapEnforced(index, index.placements.get(slot.placementKey), campaign, request.userKey)
        ) {
          needs ??= { holds: [], leases: [] };
          needs.holds.push({ userKey: request.userKey, campaignId: campaign.id, frequencyCap: campaign.frequencyCap, decisionId });
        }
        if (campaign.impressionSpendMicros > 0 && !this.deps.leases.covers(campaign.id, campaign.impressionSpendMicros, now)) {
          needs ??= { holds: [], leases: [] };
          needs.leases.push(this.leaseRequest(campaign, now));
        }
      }
    }
    return needs;
  }

  /** `longLeaseMs`: a background lease's spread lifetime (decisions' own leases live the whole lease time). */
  private leaseRequest(campaign: IndexedCampaign, now: number, longLeaseMs?: number): SpendLeaseRequest {
    const { day, limits } = this.deps.lifecycle.spendLimitsOf(campaign, now);
    return {
      ...(longLeaseMs === undefined ? {} : { longLeaseMs }),
      campaignId: campaign.id,
      priceMicros: campaign.impressionSpendMicros,
      day,
      todayLimitMicros: limits.todayMicros,
      totalBudgetMicros: limits.totalMicros,
      spentMicros: campaign.spentMicros,
      liveSpendBaselineMicros: campaign.liveSpendBaselineMicros,
    };
  }

  /**
   * The shown ads take what they hold: each paid CPM ad its price from its campaign's lease;
   * with Redis away, each capped ad a place in the cache (nothing else knows of it).
   */
  private commitLimits(selection: Selection, userKey: string, now: number): void {
    const redisAvailable = this.deps.lifecycle.redisAvailable;
    for (const slot of selection.slots) {
      for (const ad of slot.ads) {
        const campaign = ad.campaign;
        if (campaign.impressionSpendMicros > 0) this.deps.leases.spend(campaign.id, campaign.impressionSpendMicros, now);
        if (!redisAvailable && campaign.frequencyCap !== null) this.deps.frequencyCaps.recordLocally(userKey, campaign.id, now);
      }
    }
  }

  /** Signs the chosen ads' URLs and writes the answer's JSON; counts the decision. */
  private answer(
    started: number,
    input: ParsedDecisionRequest,
    decisionId: string,
    userKey: string,
    selection: Selection | undefined,
    now: number,
  ): DecisionAnswer {
    if (selection !== undefined) this.commitLimits(selection, userKey, now);
    const expiresAt = Math.floor(now / 1000) + this.deps.trackingUrlTtlSeconds;
    // Decision ids are base64url and user keys are [A-Za-z0-9_-] (checked by the contract or
    // generated as hex): nothing to escape. divNames are the caller's and are escaped.
    let json = `{"decisionId":"${decisionId}","userKey":"${userKey}","decisions":{`;
    const decisionPart = trackingToken.decision(decisionId, userKey, expiresAt);
    let slotsRequested = 0;
    let adsDecided = 0;
    let warnings = '';
    for (let at = 0; at < input.placements.length; at += 1) {
      const placement = input.placements[at]!;
      slotsRequested += placement.count;
      if (selection?.slots[at]!.unknownPlacement === true)
        warnings += `${warnings === '' ? '' : ','}${unknownPlacementWarning(placement.divName, placement.placementKey)}`;
      json += `${at === 0 ? '' : ','}${JSON.stringify(placement.divName)}:[`;
      // selectAds answers one slot per placement, in request order.
      const ads = selection?.slots[at]!.ads;
      if (ads !== undefined && ads.length > 0) {
        const placementPart = trackingToken.placement(placement.placementKey);
        for (let position = 0; position < ads.length; position += 1) {
          json += `${position === 0 ? '' : ','}${this.decidedAdJson(ads[position]!, placementPart, decisionPart)}`;
        }
        adsDecided += ads.length;
      }
      json += ']';
    }
    json += warnings === '' ? '}}' : `},"warnings":[${warnings}]}`;
    const metrics = this.deps.metrics;
    if (metrics !== undefined) {
      metrics.decisions.inc();
      metrics.slotsRequested.inc(slotsRequested);
      if (adsDecided > 0) metrics.adsDecided.inc(adsDecided);
      metrics.decideSeconds.observe((performance.now() - started) / 1000);
    }
    return new PreEncodedResult<DecisionResponse>(json);
  }

  private decidedAdJson(ad: IndexedAd, placementPart: string, decisionPart: string): string {
    const campaign = ad.campaign;
    // One token per ad (one HMAC): its three beacons are the tracking URL plus /i, /v and /c.
    const token = this.deps.signer.tokenOf(trackingToken.of(ad.id, campaign.trackingPart, placementPart, decisionPart));
    // Formats are enum words; ids are escaped (only the campaign's are encoded ahead: an ad's
    // own id would cost the index more memory than it saves time).
    return `{"adId":${JSON.stringify(ad.id)},${campaign.decidedJson},"format":"${ad.format}","contents":${ad.contentsJson},"trackingUrl":"${this.trackingBase}${token}"}`;
  }
}

const REPLAY_ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The instant of an `x-ads-replay-at` header (epoch ms or an ISO 8601 instant with its offset),
 * undefined when absent; an InvalidParamsError naming the header when malformed.
 */
function replayInstant(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? (value.length === 1 ? value[0]! : '') : value.trim();
  const at = /^\d{1,15}$/.test(text) ? Number(text) : REPLAY_ISO_INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isFinite(at) && at <= 8.64e15) return at;
  const message = 'must be epoch milliseconds or an ISO 8601 instant with its offset (2026-03-02T12:00:00Z), given once';
  throw new InvalidParamsError(`invalid params: header ${REPLAY_AT_HEADER}: ${message}; got ${JSON.stringify(value)}`, [
    { path: [REPLAY_AT_HEADER], message, code: 'custom' },
  ]);
}

/** The warning of a slot whose placement key the index does not know: the other slots are served. */
function unknownPlacementWarning(divName: string, placementKey: string): string {
  const warning: DecisionWarning = {
    divName,
    placementKey,
    code: 'PLACEMENT_UNKNOWN',
    message: `no placement has the key ${JSON.stringify(placementKey)}: check data-ads-placement (keys are listed on the placement pages of the dashboard)`,
  };
  return JSON.stringify(warning);
}

/** The selection without the ads of some campaigns (those Redis would not let this decision show). */
function withoutCampaigns(selection: Selection, campaignIds: readonly string[]): Selection {
  return { slots: selection.slots.map((slot) => ({ ...slot, ads: slot.ads.filter((ad) => !campaignIds.includes(ad.campaign.id)) })) };
}
