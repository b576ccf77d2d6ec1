import { slotProperties, type PageProperties } from '@ads/ads-client';
import { audienceMatches, sharedKeywords, type Audience } from './audience-targeting';
import {
  PRIORITY_TIERS,
  type AdFormat,
  type CandidateGroup,
  type DecisionIndex,
  type IndexedAd,
  type IndexedCampaign,
  type IndexedPlacement,
  type PropertyKeyGroups,
} from './decision-index';
import { switchOnFor, switchesAllow, type ScopedSwitches } from './kill-switches';
import type { Rng } from './rng';
import { heldPropertyAtoms } from './property-atoms';

/** One slot of the page, as the decision request names it. */
export interface SlotRequest {
  divName: string;
  placementKey: string;
  count: number;
  formats?: readonly AdFormat[] | undefined;
  /** The slot's own properties: they extend the page's, and win on a shared key. */
  properties?: PageProperties | undefined;
}

export interface SelectionRequest extends Audience {
  placements: readonly SlotRequest[];
  userKey: string;
  /** Without consent no frequency-cap state exists, so capped campaigns are left out. */
  consent: boolean;
  /** The user key was generated for this request: it has no impressions anywhere yet. */
  newUser: boolean;
  /** The page's properties (key-value targeting). */
  properties?: PageProperties | undefined;
}

export interface SelectionOptions {
  rng: Rng;
  /** Share of draws made uniformly over the eligible ads, so that new or cheap ads get traffic. */
  explorationRate: number;
  /**
   * The user's count (impressions and holds) of a capped campaign inside its window, as far as
   * this decision may assume: a count not known here is for the caller to settle (serving
   * assumes room and lets the Redis hold decide).
   */
  frequencyCount: (campaign: IndexedCampaign, request: SelectionRequest) => number;
  /** The decision's time (ms): campaigns whose spend lease was refused sit out until a retry. */
  nowMs: number;
  /** Campaigns this decision must leave out (a hold or lease Redis did not answer in time). */
  excludedCampaigns?: readonly string[] | undefined;
}

export interface SelectedSlot {
  divName: string;
  placementKey: string;
  ads: IndexedAd[];
  /** The index has no placement of this key (a typo, or one not warmed yet): said in the answer. */
  unknownPlacement?: true;
}

export interface Selection {
  slots: SelectedSlot[];
}

const NO_PROPERTIES: PageProperties = {};

/** Up to this many candidates, a few rejected draws are enough before scanning them all. */
export const EXACT_SCAN_LIMIT = 64;
/** Rejected draws before scanning a small list (a scan of a few dozen costs about four draws). */
export const SMALL_LIST_DRAW_ATTEMPTS = 4;
/** Rejected draws before falling back to a scan of a large list. */
export const MAX_DRAW_ATTEMPTS = 32;
/** Most candidates a fallback scan looks at (from a random starting point) in a large list. */
export const FALLBACK_SCAN_LIMIT = 2_048;

/**
 * The state one response builds up: competitive exclusion and what is not known yet. A
 * response holds a few ads, so short arrays beat sets here.
 */
class ResponseState {
  readonly advertisers: string[] = [];
  readonly labels: string[] = [];
  /** The placement of the slot being filled (switches may be scoped to it). */
  placement: IndexedPlacement | undefined;
  /** The properties of the slot being filled (the page's, extended by the slot's). */
  slotProperties: PageProperties | undefined;

  constructor(
    readonly index: DecisionIndex,
    readonly request: SelectionRequest,
    readonly options: SelectionOptions,
  ) {}

  /** Every check that depends on the request or on what the response holds already. */
  eligible(ad: IndexedAd): boolean {
    const campaign = ad.campaign;
    if (!campaign.live || campaign.budgetHeldUntilMs > this.options.nowMs) return false;
    // An ad already chosen has its advertiser in the list, so this also prevents duplicates.
    if (this.advertisers.includes(campaign.advertiserId)) return false;
    if (campaign.exclusionLabel !== null && this.labels.includes(campaign.exclusionLabel) && this.excludes(campaign)) return false;
    if (!audienceMatches(campaign.audience, this.request)) return false;
    if (campaign.properties !== null && !campaign.properties(this.slotProperties ?? NO_PROPERTIES)) return false;
    if (
      campaign.advertiserSwitchPartial &&
      !switchesAllow(this.index.killSwitches.serving.advertisers.get(campaign.advertiserId), this.request.userKey)
    ) {
      return false;
    }
    const excluded = this.options.excludedCampaigns;
    if (excluded !== undefined && excluded.includes(campaign.id)) return false;
    if (campaign.frequencyCap !== null && frequencyCapEnforced(this.index, this.placement, campaign, this.request.userKey)) {
      if (!this.request.consent) return false;
      // A generated user key has no impressions anywhere yet.
      if (!this.request.newUser && this.options.frequencyCount(campaign, this.request) >= campaign.frequencyCap.count) return false;
    }
    return true;
  }

  take(ad: IndexedAd): void {
    this.advertisers.push(ad.campaign.advertiserId);
    if (ad.campaign.exclusionLabel !== null && this.excludes(ad.campaign)) this.labels.push(ad.campaign.exclusionLabel);
  }

  /** Whether competitive exclusion (`serving.competitive_exclusion`) holds for this campaign here. */
  private excludes(campaign: IndexedCampaign): boolean {
    return switchOnFor(this.index.killSwitches.competitiveExclusion, this.placement, campaign.advertiserId, this.request.userKey);
  }
}

/**
 * Chooses ads for every slot of a request: live flights, targeting, day-parting, caps, pacing
 * (through `campaign.live`), priority tiers (sponsorship, then standard, then house),
 * competitive exclusion across the whole response, and a weighted lottery by eCPM with an
 * exploration share. Each eligible ad i of the groups a draw looks at is chosen with
 * probability proportional to (1 - e) * w_i / W + e / N, where W and N are the total weight
 * and size of those groups; both the sampling and the scanning path draw from exactly this.
 */
export function selectAds(index: DecisionIndex, request: SelectionRequest, options: SelectionOptions): Selection {
  const state = new ResponseState(index, request, options);
  const slots: SelectedSlot[] = [];
  const { serving, houseAds } = index.killSwitches;
  const globalOn = switchesAllow(serving.global, request.userKey);
  const houseGlobalOn = switchesAllow(houseAds.global, request.userKey);
  for (const slot of request.placements) {
    const chosen: IndexedAd[] = [];
    slots.push({ divName: slot.divName, placementKey: slot.placementKey, ads: chosen });
    if (!globalOn) continue;
    const placement = index.placements.get(slot.placementKey);
    if (placement === undefined) {
      slots[slots.length - 1]!.unknownPlacement = true;
      continue;
    }
    if (!placementSwitchOn(serving, placement, request.userKey)) continue;
    state.placement = placement;
    state.slotProperties = slotProperties(request.properties, slot.properties);
    const formats =
      slot.formats === undefined ? placement.allowedFormats : placement.allowedFormats.filter((format) => slot.formats!.includes(format));
    const tiers =
      houseGlobalOn && placementSwitchOn(houseAds, placement, request.userKey) ? PRIORITY_TIERS.length : PRIORITY_TIERS.length - 1;
    let tier = 0;
    while (chosen.length < slot.count && tier < tiers) {
      const groups = candidateGroups(placement, tier, formats, request, state.slotProperties);
      const ad = groups.length === 0 ? undefined : draw(groups, state);
      if (ad === undefined) {
        // Nothing eligible left in this tier: the response only grows more restrictive.
        tier += 1;
        continue;
      }
      chosen.push(ad);
      state.take(ad);
    }
  }
  return { slots };
}

/** Whether a capped campaign's cap is enforced here (`serving.frequency_caps`, on unless switched off). */
export function frequencyCapEnforced(
  index: DecisionIndex,
  placement: IndexedPlacement | undefined,
  campaign: Pick<IndexedCampaign, 'advertiserId'>,
  userKey: string,
): boolean {
  return switchOnFor(index.killSwitches.frequencyCaps, placement, campaign.advertiserId, userKey);
}

function placementSwitchOn(switches: ScopedSwitches, placement: IndexedPlacement, userKey: string): boolean {
  return switchesAllow(switches.placements.get(placement.id), userKey) && switchesAllow(switches.placements.get(placement.key), userKey);
}

// Scratch list of candidateGroups(): each is used up by one draw before the next is made.
const tierGroups: CandidateGroup[] = [];

/**
 * The groups a request looks at in one tier: open, its device's, its country's, its
 * keywords', its slot's property atoms'. The list is reused by the next call.
 */
function candidateGroups(
  placement: IndexedPlacement,
  tier: number,
  formats: readonly AdFormat[],
  audience: Audience,
  properties: PageProperties | undefined,
): CandidateGroup[] {
  const groups = tierGroups;
  groups.length = 0;
  const byFormat = placement.tiers[tier]!;
  for (const format of formats) {
    const candidates = byFormat.get(format);
    if (candidates === undefined) continue;
    if (candidates.open.size > 0) groups.push(candidates.open);
    if (audience.device !== undefined) pushLive(groups, candidates.byDevice.get(audience.device));
    if (audience.country !== undefined) pushLive(groups, candidates.byCountry.get(audience.country));
    for (const keyword of audience.keywords) pushLive(groups, candidates.byKeyword.get(keyword));
    if (properties !== undefined && candidates.byProperty.size > 0) pushPropertyGroups(groups, candidates.byProperty, properties);
  }
  return groups;
}

function pushLive(groups: CandidateGroup[], group: CandidateGroup | undefined): void {
  if (group !== undefined && group.size > 0) groups.push(group);
}

/** The groups of the atoms a slot's properties hold: each key's "present" and its value's (each entry's for a list). */
function pushPropertyGroups(groups: CandidateGroup[], byProperty: Map<string, PropertyKeyGroups>, properties: PageProperties): void {
  for (const key in properties) {
    const byKey = byProperty.get(key);
    if (byKey === undefined) continue;
    pushLive(groups, byKey.present);
    const value = properties[key]!;
    if (typeof value !== 'object') {
      pushLive(groups, byKey.values.get(value));
      continue;
    }
    // A list may name an entry twice: its group is looked at once.
    for (const entry of value) {
      const group = byKey.values.get(entry);
      if (group !== undefined && group.size > 0 && !groups.includes(group)) groups.push(group);
    }
  }
}

/**
 * Draws by rejection sampling, then scans if the draws kept hitting ineligible ads. Either
 * way each eligible ad comes out with probability p_i / P(eligible): accepting a draw with
 * chance p_i only if it is eligible, and after k rejections choosing among the eligible with
 * p_i renormalised, add up to exactly that, whatever k is.
 */
function draw(groups: CandidateGroup[], state: ResponseState): IndexedAd | undefined {
  let totalWeight = 0;
  let size = 0;
  for (const group of groups) {
    totalWeight += group.totalWeight;
    size += group.size;
  }
  const { rng, explorationRate } = state.options;
  const keywords = state.request.keywords;
  const properties = state.slotProperties;
  const attempts = size <= EXACT_SCAN_LIMIT ? SMALL_LIST_DRAW_ATTEMPTS : MAX_DRAW_ATTEMPTS;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const ad =
      totalWeight <= 0 || rng() < explorationRate
        ? pickUniform(groups, Math.floor(rng() * size))
        : pickWeighted(groups, rng() * totalWeight);
    // An ad targeting several of the request's keywords sits in several of the groups: accept
    // it with 1/multiplicity so that it is not favoured.
    const targeted = ad.campaign.audience.keywords;
    if (targeted !== null) {
      if (keywords.length > 1) {
        const multiplicity = sharedKeywords(targeted, keywords);
        if (multiplicity > 1 && rng() * multiplicity >= 1) continue;
      }
    } else if (ad.campaign.propertyAtoms !== null && ad.campaign.propertyAtoms.length > 1 && properties !== undefined) {
      // The same for an ad in the groups of several atoms the slot holds.
      const multiplicity = heldPropertyAtoms(ad.campaign.propertyAtoms, properties);
      if (multiplicity > 1 && rng() * multiplicity >= 1) continue;
    }
    if (state.eligible(ad)) return ad;
  }
  return scan(groups, totalWeight, size, state, size <= FALLBACK_SCAN_LIMIT);
}

function pickUniform(groups: CandidateGroup[], position: number): IndexedAd {
  let rest = position;
  for (const group of groups) {
    if (rest < group.size) return group.adAt(rest);
    rest -= group.size;
  }
  const last = groups[groups.length - 1]!;
  return last.adAt(last.size - 1);
}

function pickWeighted(groups: CandidateGroup[], point: number): IndexedAd {
  let rest = point;
  for (const group of groups) {
    if (rest < group.totalWeight) return group.pickByWeight(rest);
    rest -= group.totalWeight;
  }
  // Rounding can leave `rest` a hair above the last group's total.
  const last = [...groups].reverse().find((group) => group.totalWeight > 0)!;
  return last.pickByWeight(last.totalWeight * (1 - Number.EPSILON));
}

/**
 * Looks at the candidates one by one and draws among the eligible ones with the same
 * probabilities as the sampling path. Exhaustive for small lists; otherwise it reads
 * `FALLBACK_SCAN_LIMIT` candidates from a random point (a bounded cost, at the price of
 * missing an eligible ad deep in a huge list whose sampled part was all ineligible).
 */
// Scratch space of scan(): decisions are synchronous, so one set of arrays serves them all.
const scanEligible: IndexedAd[] = [];
const scanChances: number[] = [];
// Marks the ads one scan has looked at (an ad may sit in several keyword groups), by stamping
// them with a number no other scan uses: cheaper than a Set per scan.
let scanStamp = 0;

/**
 * Looks at the candidates one by one and draws among the eligible ones with the same
 * probabilities as the sampling path. Exhaustive for small lists; otherwise it reads
 * `FALLBACK_SCAN_LIMIT` candidates from a random point (a bounded cost, at the price of
 * missing an eligible ad deep in a huge list whose sampled part was all ineligible).
 */
function scan(
  groups: CandidateGroup[],
  totalWeight: number,
  size: number,
  state: ResponseState,
  exhaustive: boolean,
): IndexedAd | undefined {
  const { rng, explorationRate } = state.options;
  scanStamp = (scanStamp + 1) % Number.MAX_SAFE_INTEGER;
  const stamp = scanStamp;
  const eligible = scanEligible;
  const chances = scanChances;
  eligible.length = 0;
  chances.length = 0;
  let total = 0;
  let budget = exhaustive ? Infinity : FALLBACK_SCAN_LIMIT;
  for (const group of groups) {
    const length = group.size;
    const start = exhaustive ? 0 : Math.floor(rng() * length);
    for (let step = 0; step < length && budget > 0; step += 1, budget -= 1) {
      const ad = group.adAt((start + step) % length);
      if (ad.scanStamp === stamp) continue;
      ad.scanStamp = stamp;
      if (!state.eligible(ad)) continue;
      const chance = totalWeight > 0 ? ((1 - explorationRate) * ad.weight) / totalWeight + explorationRate / size : 1 / size;
      eligible.push(ad);
      chances.push(chance);
      total += chance;
    }
  }
  let chosen: IndexedAd | undefined;
  if (eligible.length > 0) {
    let point = rng() * total;
    chosen = eligible[eligible.length - 1];
    for (let at = 0; at < eligible.length; at += 1) {
      point -= chances[at]!;
      if (point < 0) {
        chosen = eligible[at];
        break;
      }
    }
  }
  eligible.length = 0;
  return chosen;
}
