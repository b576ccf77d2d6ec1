import {
  MICROS_PER_MINOR_UNIT,
  ServingIndexError,
  parsePropertyExpression,
  eCpmMicros,
  spendPerEvent,
  type AdScore,
  type ServingIndex,
  type ServingIndexCampaign,
} from '@ads/ads-client';
import { compileAudienceTargeting, type AudienceTargeting } from './audience-targeting';
import type { FrequencyCapRule } from './frequency-cap';
import { compileKillSwitches, switchesArePartial, switchesFullyOff, type KillSwitches } from './kill-switches';
import { LivenessSchedule } from './liveness-schedule';
import { lotteryWeight } from './lottery-weight';
import { necessaryPropertyAtoms, type PropertyAtom } from './property-atoms';
import { compilePropertyMatcher, type PropertyMatcher } from './property-matcher';
import { trackingToken } from './tracking-url';

export type AdFormat = 'native' | 'banner';
export const PRIORITY_TIERS = ['sponsorship', 'standard', 'house'] as const;
export type PriorityTier = (typeof PRIORITY_TIERS)[number];

/** A campaign compiled for decisions. `live` is the only field that changes after loading. */
export interface IndexedCampaign {
  /** Position in the index's `campaigns` (the liveness schedule's key). */
  ordinal: number;
  id: string;
  advertiserId: string;
  timeZone: string;
  flightStartMs: number;
  flightEndMs: number;
  totalBudgetMicros: number;
  /** Null: no daily limit. */
  dailyBudgetMicros: number | null;
  spendsNothing: boolean;
  spentMicros: number;
  liveSpendBaselineMicros: number;
  pacing: 'even' | 'asap';
  priority: PriorityTier;
  bidType: 'CPM' | 'CPC';
  bidAmount: number;
  frequencyCap: FrequencyCapRule | null;
  audience: AudienceTargeting;
  /** Key-value targeting compiled at load; null: none. */
  properties: PropertyMatcher | null;
  /**
   * Atoms of which at least one holds whenever `properties` matches (`necessaryPropertyAtoms`):
   * the ads sit in the property groups of these atoms. Null: none derivable (or no targeting).
   */
  propertyAtoms: readonly PropertyAtom[] | null;
  hours: readonly number[];
  weekdays: readonly number[];
  exclusionLabel: string | null;
  impressionSpendMicros: number;
  clickSpendMicros: number;
  /** The advertiser has a partial (percentage) kill switch, checked per user key. */
  advertiserSwitchPartial: boolean;
  /** The advertiser's kill switch is off for everyone. */
  advertiserSwitchedOff: boolean;
  /** May serve now: flight, day-parting, pacing and kill switches (refreshed in the background). */
  live: boolean;
  /** Why not, when not live (for logs and tests). */
  blockedBy: string | null;
  /**
   * Until when (ms) decisions leave the campaign out because Redis refused it a spend lease:
   * what is left of its budget is spent or leased to other instances. 0: not held back.
   */
  budgetHeldUntilMs: number;
  /** The campaign's ads (a handful: cheaper than a map of every ad by id). */
  ads: IndexedAd[];
  /** `"campaignId":…,"advertiserId":…` as JSON text, shared by the decided ads of its ads. */
  decidedJson: string;
  /** The campaign's part of its ads' tracking tokens (`trackingToken.campaign`). */
  trackingPart: string;
}

export interface AdContents {
  title: string;
  body: string;
  imageUrl: string | null;
  width: number | null;
  height: number | null;
}

export interface IndexedAd {
  ordinal: number;
  id: string;
  format: AdFormat;
  campaign: IndexedCampaign;
  /**
   * The creative (`contents` of a decided ad) as JSON text, encoded once at load: answers are
   * assembled from it (JSON.stringify of the ads was the costliest step of a decision). It
   * replaces the parsed contents, so the index holds the creative once.
   */
  contentsJson: string;
  /**
   * The advertiser's landing page as a click redirects to it: normalised to ASCII by
   * `landingPage` (an IRI would make the Location header throw); null when it is not a usable
   * http(s) URL, and then clicks are refused before they are counted.
   */
  landingUrl: string | null;
  /** Lottery weight: eCPM times pacing factor (0 is allowed: such ads run on exploration only). */
  weight: number;
  /** Scratch of the selection's scan: the number of the last scan that looked at this ad. */
  scanStamp: number;
}

const NO_ORDINALS = new Int32Array(0);

/**
 * A list of candidate ads with the prefix sums of their weights, so that a weighted draw is a
 * binary search. The ads are held as their ordinals in the index's `ads` (typed arrays: the
 * garbage collector walks no per-candidate pointers): `members` is fixed at load, `ordinals`
 * the live subset, rebuilt when campaigns start or stop serving.
 */
export class CandidateGroup {
  members: Int32Array = NO_ORDINALS;
  ordinals: Int32Array = NO_ORDINALS;
  cumulative: Float64Array = new Float64Array(0);
  totalWeight = 0;
  // Members as the builder adds them; sealed into `members` when the index is finished.
  private adding: number[] | undefined = [];

  constructor(private readonly all: readonly IndexedAd[]) {}

  /** Live candidates. */
  get size(): number {
    return this.ordinals.length;
  }

  /** The live candidate at `position` (0 <= position < size). */
  adAt(position: number): IndexedAd {
    return this.all[this.ordinals[position]!]!;
  }

  /** Adds a member while the index is built. */
  add(ad: IndexedAd): void {
    this.adding!.push(ad.ordinal);
  }

  /** Ends the building: the members become fixed. */
  seal(): void {
    if (this.adding === undefined) return;
    this.members = Int32Array.from(this.adding);
    this.adding = undefined;
  }

  rebuild(): void {
    const all = this.all;
    const members = this.members;
    let live = 0;
    for (let at = 0; at < members.length; at += 1) if (all[members[at]!]!.campaign.live) live += 1;
    // Most of the time every member is live: share the list instead of copying it.
    let ordinals = members;
    if (live < members.length) {
      ordinals = new Int32Array(live);
      let to = 0;
      for (let at = 0; at < members.length; at += 1) if (all[members[at]!]!.campaign.live) ordinals[to++] = members[at]!;
    }
    const cumulative = new Float64Array(ordinals.length);
    let total = 0;
    for (let at = 0; at < ordinals.length; at += 1) {
      total += all[ordinals[at]!]!.weight;
      cumulative[at] = total;
    }
    this.ordinals = ordinals;
    this.cumulative = cumulative;
    this.totalWeight = total;
  }

  /** The ad whose weight range holds `x`, for 0 <= x < totalWeight. */
  pickByWeight(x: number): IndexedAd {
    const cumulative = this.cumulative;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! > x) high = middle;
      else low = middle + 1;
    }
    return this.adAt(low);
  }
}

/**
 * The candidates of one placement, tier and format, split by the most selective audience
 * dimension each campaign targets: keyword (an ad is in the group of each of its keywords),
 * else a page-property atom (in the group of each atom of its `propertyAtoms`), else country,
 * else device, else open. A request looks at the open group, its device's, its country's, its
 * keywords' and its slot's atoms' groups only, so its work does not grow with the inventory.
 */
export interface TierCandidates {
  open: CandidateGroup;
  byProperty: Map<string, PropertyKeyGroups>;
  byDevice: Map<string, CandidateGroup>;
  byCountry: Map<string, CandidateGroup>;
  byKeyword: Map<string, CandidateGroup>;
}

/** The property groups of one key: by value (a text, number or boolean), and "present". */
export interface PropertyKeyGroups {
  values: Map<string | number | boolean, CandidateGroup>;
  present: CandidateGroup | undefined;
}

function propertyGroupIn(
  map: Map<string, PropertyKeyGroups>,
  atom: PropertyAtom,
  groups: CandidateGroup[],
  ads: readonly IndexedAd[],
): CandidateGroup {
  let byKey = map.get(atom.key);
  if (byKey === undefined) {
    byKey = { values: new Map(), present: undefined };
    map.set(atom.key, byKey);
  }
  if (atom.value !== undefined) return groupIn(byKey.values, atom.value, groups, ads);
  if (byKey.present === undefined) {
    byKey.present = new CandidateGroup(ads);
    groups.push(byKey.present);
  }
  return byKey.present;
}

export interface IndexedPlacement {
  id: string;
  key: string;
  siteId: string;
  allowedFormats: AdFormat[];
  /** Indexed by tier (PRIORITY_TIERS order), then format. */
  tiers: Map<AdFormat, TierCandidates>[];
}

export interface DecisionIndex {
  version: string;
  builtAt: string;
  campaigns: IndexedCampaign[];
  campaignsById: Map<string, IndexedCampaign>;
  ads: IndexedAd[];
  placements: Map<string, IndexedPlacement>;
  killSwitches: KillSwitches;
  groups: CandidateGroup[];
  /** When each campaign's liveness is to be looked at next (set by the liveness refresh). */
  liveness: LivenessSchedule;
}

/** Score for ads that ads-scoring has not scored (yet), or when its scores are stale. */
export const DEFAULT_AD_SCORE: AdScore = { pCtr: 0.01, eCpmMicros: 0, pacingFactor: 1 };

const MATCHES_NOTHING: PropertyMatcher = () => false;

function compilePropertyTargeting(text: string | null | undefined): Pick<IndexedCampaign, 'properties' | 'propertyAtoms'> {
  if (text === null || text === undefined) return { properties: null, propertyAtoms: null };
  const parsed = parsePropertyExpression(text);
  // The data API stores only expressions it parsed; one this version cannot read (a newer
  // language) must not serve everywhere: it matches nothing and sits in no group.
  if (!parsed.ok) return { properties: MATCHES_NOTHING, propertyAtoms: [] };
  return { properties: compilePropertyMatcher(parsed.expression), propertyAtoms: necessaryPropertyAtoms(parsed.expression) };
}

function compileCampaign(campaign: ServingIndexCampaign, ordinal: number, killSwitches: KillSwitches): IndexedCampaign {
  const spend = spendPerEvent(campaign.bidType, campaign.bidAmount);
  const advertiserRules = killSwitches.serving.advertisers.get(campaign.advertiserId);
  return {
    ordinal,
    id: campaign.id,
    advertiserId: campaign.advertiserId,
    timeZone: campaign.timeZone,
    flightStartMs: Date.parse(campaign.flightStart),
    flightEndMs: Date.parse(campaign.flightEnd),
    totalBudgetMicros: campaign.totalBudget * MICROS_PER_MINOR_UNIT,
    dailyBudgetMicros: campaign.dailyBudget === null ? null : campaign.dailyBudget * MICROS_PER_MINOR_UNIT,
    spendsNothing: campaign.bidAmount === 0,
    spentMicros: campaign.spentMicros,
    liveSpendBaselineMicros: campaign.liveSpendBaselineMicros,
    pacing: campaign.pacing,
    priority: campaign.priority,
    bidType: campaign.bidType,
    bidAmount: campaign.bidAmount,
    frequencyCap:
      campaign.frequencyCap === null ? null : { count: campaign.frequencyCap.count, windowMs: campaign.frequencyCap.windowSeconds * 1000 },
    audience: compileAudienceTargeting(campaign.targeting),
    ...compilePropertyTargeting(campaign.targeting.properties),
    hours: campaign.targeting.hours,
    weekdays: campaign.targeting.weekdays,
    exclusionLabel: campaign.exclusionLabel,
    impressionSpendMicros: spend.impressionMicros,
    clickSpendMicros: spend.clickMicros,
    advertiserSwitchPartial: switchesArePartial(advertiserRules),
    advertiserSwitchedOff: switchesFullyOff(advertiserRules),
    // Nothing serves until the first liveness refresh has looked at the clock and the budgets.
    live: false,
    blockedBy: 'not refreshed yet',
    budgetHeldUntilMs: 0,
    ads: [],
    decidedJson: flatText(`"campaignId":${JSON.stringify(campaign.id)},"advertiserId":${JSON.stringify(campaign.advertiserId)}`),
    trackingPart: flatText(trackingToken.campaign(campaign.id, campaign.advertiserId, spend.impressionMicros, spend.clickMicros)),
  };
}

// The same text as one flat string. JSON.stringify and template literals build V8 cons strings
// (a tree of the parts, each part kept): held for the life of an index version, 100,000 ads'
// answer parts were ~460,000 tree nodes (15 MB, and their parts besides) that every
// old-generation mark walks. A JSON round trip copies the text flat (lone surrogates too).
function flatText(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

function groupIn<Key>(map: Map<Key, CandidateGroup>, key: Key, groups: CandidateGroup[], ads: readonly IndexedAd[]): CandidateGroup {
  let group = map.get(key);
  if (group === undefined) {
    group = new CandidateGroup(ads);
    map.set(key, group);
    groups.push(group);
  }
  return group;
}

function sameOrdinals(left: readonly number[], right: readonly number[]): boolean {
  if (left.length !== right.length) return false;
  for (let at = 0; at < left.length; at += 1) if (left[at] !== right[at]) return false;
  return true;
}

function ordinalsHash(ordinals: readonly number[]): string {
  let hash = 0x811c9dc5;
  for (const ordinal of ordinals) hash = Math.imul(hash ^ ordinal, 0x01000193);
  return `${ordinals.length}:${hash >>> 0}`;
}

/**
 * Compiles an index version chunk by chunk (campaigns as they are read from Redis, then the
 * placements), so that the parsed version never has to be held whole. Placements whose
 * candidate lists are identical (common: most campaigns target no site or category) share
 * one set of candidate groups.
 */
export class DecisionIndexBuilder {
  private readonly campaigns: IndexedCampaign[] = [];
  private readonly campaignsById = new Map<string, IndexedCampaign>();
  private readonly ads: IndexedAd[] = [];
  private readonly killSwitches: KillSwitches;

  constructor(featureSwitches: ServingIndex['featureSwitches']) {
    this.killSwitches = compileKillSwitches(featureSwitches);
  }

  addCampaigns(sources: readonly ServingIndexCampaign[]): void {
    for (const source of sources) {
      const campaign = compileCampaign(source, this.campaigns.length, this.killSwitches);
      this.campaigns.push(campaign);
      this.campaignsById.set(campaign.id, campaign);
      for (const ad of source.ads) {
        const indexed: IndexedAd = {
          ordinal: this.ads.length,
          id: ad.id,
          format: ad.format,
          campaign,
          contentsJson: flatText(
            JSON.stringify({
              title: ad.title,
              body: ad.body,
              imageUrl: ad.imageUrl,
              width: ad.width,
              height: ad.height,
            } satisfies AdContents),
          ),
          landingUrl: landingPage(ad.clickUrl),
          weight: 0,
          scanStamp: 0,
        };
        this.ads.push(indexed);
        campaign.ads.push(indexed);
      }
    }
  }

  finish(meta: Pick<ServingIndex['meta'], 'version' | 'builtAt'>, sources: ServingIndex['placements']): DecisionIndex {
    const ads = this.ads;
    const groups: CandidateGroup[] = [];
    const shared = new Map<string, { ordinals: readonly number[]; byFormat: Map<AdFormat, TierCandidates> }[]>();
    const tierCandidates = (ordinals: readonly number[]): Map<AdFormat, TierCandidates> => {
      const key = ordinalsHash(ordinals);
      const same = shared.get(key)?.find((entry) => sameOrdinals(entry.ordinals, ordinals));
      if (same !== undefined) return same.byFormat;
      const byFormat = new Map<AdFormat, TierCandidates>();
      for (const ordinal of ordinals) {
        const ad = ads[ordinal];
        if (ad === undefined)
          throw new ServingIndexError('INDEX_INVALID', `index version ${meta.version} names ad ordinal ${ordinal} of ${ads.length}`);
        let candidates = byFormat.get(ad.format);
        if (candidates === undefined) {
          const open = new CandidateGroup(ads);
          groups.push(open);
          candidates = { open, byProperty: new Map(), byDevice: new Map(), byCountry: new Map(), byKeyword: new Map() };
          byFormat.set(ad.format, candidates);
        }
        const audience = ad.campaign.audience;
        if (audience.keywords !== null)
          for (const keyword of audience.keywords) groupIn(candidates.byKeyword, keyword, groups, ads).add(ad);
        else if (ad.campaign.propertyAtoms !== null)
          for (const atom of ad.campaign.propertyAtoms) propertyGroupIn(candidates.byProperty, atom, groups, ads).add(ad);
        else if (audience.countries !== null)
          for (const country of audience.countries) groupIn(candidates.byCountry, country, groups, ads).add(ad);
        else if (audience.devices !== null)
          for (const device of audience.devices) groupIn(candidates.byDevice, device, groups, ads).add(ad);
        else candidates.open.add(ad);
      }
      shared.set(key, [...(shared.get(key) ?? []), { ordinals, byFormat }]);
      return byFormat;
    };
    const placements = new Map<string, IndexedPlacement>();
    for (const source of sources) {
      const tiers = PRIORITY_TIERS.map((tier) => tierCandidates(source.candidates[tier]));
      placements.set(source.key, { id: source.id, key: source.key, siteId: source.siteId, allowedFormats: source.allowedFormats, tiers });
    }
    for (const group of groups) group.seal();
    applyScores({ ads }, () => DEFAULT_AD_SCORE);
    return {
      version: meta.version,
      builtAt: meta.builtAt,
      campaigns: this.campaigns,
      campaignsById: this.campaignsById,
      ads,
      placements,
      killSwitches: this.killSwitches,
      groups,
      liveness: new LivenessSchedule(this.campaigns.length),
    };
  }
}

/** An ad of the index by campaign and ad id (a beacon names both). */
export function findAd(index: DecisionIndex | undefined, campaignId: string, adId: string): IndexedAd | undefined {
  return index?.campaignsById.get(campaignId)?.ads.find((ad) => ad.id === adId);
}

/**
 * A landing page as a redirect can send it: the WHATWG serialisation (punycode host,
 * percent-encoded path and query, so only ASCII), or null unless it is an absolute http(s) URL.
 */
export function landingPage(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
}

/** Compiles a whole loaded index version (tests and tools; serving streams through the builder). */
export function buildDecisionIndex(index: ServingIndex): DecisionIndex {
  const builder = new DecisionIndexBuilder(index.featureSwitches);
  builder.addCampaigns(index.campaigns);
  return builder.finish(index.meta, index.placements);
}

/** Sets every ad's lottery weight from its score; call `rebuildCandidateGroups` afterwards. */
export function applyScores(index: Pick<DecisionIndex, 'ads'>, scoreOf: (adId: string) => AdScore): void {
  for (const ad of index.ads) {
    const score = scoreOf(ad.id);
    ad.weight = lotteryWeight(eCpmMicros(ad.campaign.bidType, ad.campaign.bidAmount, score.pCtr), score.pacingFactor);
  }
}

/** Rebuilds every group's live list and prefix sums (after liveness or weights changed). */
export function rebuildCandidateGroups(index: Pick<DecisionIndex, 'groups'>): void {
  for (const group of index.groups) group.rebuild();
}
