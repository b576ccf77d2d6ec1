import {
  FORECAST_LOOKBACK_DAYS,
  FORECAST_MAX_DAYS,
  localWallClock,
  samplePriority,
  type ForecastDay,
  type ForecastResponse,
  type OpportunitySample,
  type Targeting,
} from '@ads/ads-client';
import { admitsPlacement, forecastAudienceMatcher, hasAudienceTargeting, type ForecastPlacement } from './forecast-audience-matcher';
import { frequencyCapKeeps, type FrequencyCapRule } from './frequency-cap-simulation';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** Weeks of the lookback: each weekday-hour has this many past occurrences in it. */
const LOOKBACK_WEEKS = Math.floor(FORECAST_LOOKBACK_DAYS / 7);
/** A placement with fewer sampled requests takes the share of all the campaign's placements. */
export const MIN_PLACEMENT_SAMPLE = 30;
/** Click-through rate assumed for CPC when the lookback has no impressions. */
export const DEFAULT_PLATFORM_CTR = 0.002;
/** Competitors listed at most. */
const MAX_COMPETITORS = 10;
const TIER_RANK = { sponsorship: 0, standard: 1, house: 2 } as const;

export const FORECAST_MODEL_SENTENCE =
  "Each hour: the mean of the same hour on the same weekday over the last 4 weeks, on each placement the campaign may serve on, times the share of that placement's sampled requests the targeting matches; then booked campaigns of the same or a higher priority, the frequency cap, the budgets and pacing take their part.";

/** What a forecast needs of a campaign (proposed or booked). */
export interface ForecastCampaignTerms {
  flightStartMs: number;
  flightEndMs: number;
  timeZone: string;
  /** Minor units; 0: no total limit. */
  totalBudget: number;
  /** Minor units per day of `timeZone`; null: no daily limit. */
  dailyBudget: number | null;
  pacing: 'even' | 'asap';
  priority: keyof typeof TIER_RANK;
  bidType: 'CPM' | 'CPC';
  /** Minor units per thousand impressions (CPM) or per click (CPC). */
  bidAmount: number;
  frequencyCap: FrequencyCapRule | null;
  targeting: Targeting;
}

/** A booked (active) campaign, with what it has spent so far. */
export interface BookedCampaign extends ForecastCampaignTerms {
  id: string;
  name: string;
  spentMinor: number;
}

/** One row of `opportunity_hour`. */
export interface OpportunityHourCount {
  placementId: string;
  hourMs: number;
  requests: number;
}

/** One row of `opportunity_day`. */
export interface OpportunityDaySample {
  dayMs: number;
  sampleThreshold: number;
  sample: readonly OpportunitySample[];
}

export interface ForecastModelInput {
  campaign: ForecastCampaignTerms;
  /** What the campaign has spent already (a booked campaign forecast again), minor units. */
  spentMinor: number;
  goalImpressions: number | undefined;
  asOfMs: number;
  /** Active placements of active sites. */
  placements: readonly ForecastPlacement[];
  /** Request counts of the lookback (rows outside it are ignored). */
  hours: readonly OpportunityHourCount[];
  /** Day samples of the lookback (days not wholly inside it are ignored). */
  days: readonly OpportunityDaySample[];
  /** Active campaigns other than the one forecast; the model keeps those that compete. */
  booked: readonly BookedCampaign[];
  /** Platform clicks per impression over the lookback; null without impressions. */
  platformCtr: number | null;
}

interface ForecastHour {
  ms: number;
  day: number;
  /** The campaign's day-parting admits the hour. */
  allowed: boolean;
}

function dayPartingAllows(targeting: Targeting, timeZone: string, hourMs: number): boolean {
  if (targeting.hours.length === 0 && targeting.weekdays.length === 0) return true;
  const local = localWallClock(hourMs, timeZone);
  if (targeting.hours.length > 0 && !targeting.hours.includes(local.hour)) return false;
  return targeting.weekdays.length === 0 || targeting.weekdays.includes(local.weekday);
}

/**
 * The forecast's UTC hours, by local day of the campaign: whole hours from max(asOf, flight start)
 * to the flight's end, at most FORECAST_MAX_DAYS days. An hour belongs to the local day it starts in.
 */
function planHours(campaign: ForecastCampaignTerms, asOfMs: number) {
  const hours: ForecastHour[] = [];
  const dates: string[] = [];
  const firstMs = Math.ceil(Math.max(asOfMs, campaign.flightStartMs) / HOUR_MS) * HOUR_MS;
  let cut = false;
  let endMs = firstMs;
  for (let ms = firstMs; ms < campaign.flightEndMs; ms += HOUR_MS) {
    const local = localWallClock(ms, campaign.timeZone);
    if (local.date !== dates.at(-1)) {
      if (dates.length === FORECAST_MAX_DAYS) {
        cut = true;
        break;
      }
      dates.push(local.date);
    }
    const targeting = campaign.targeting;
    const allowed =
      (targeting.hours.length === 0 || targeting.hours.includes(local.hour)) &&
      (targeting.weekdays.length === 0 || targeting.weekdays.includes(local.weekday));
    hours.push({ ms, day: dates.length - 1, allowed });
    endMs = ms + HOUR_MS;
  }
  // Days of the flight past the cut (24-hour days are close enough to spread a budget over).
  const flightDays = dates.length + (cut ? Math.ceil((campaign.flightEndMs - endMs) / DAY_MS) : 0);
  return { hours, dates, cut, flightDays, firstMs, endMs };
}

/** Minor units one impression costs (CPC: the bid times the click-through rate). */
function pricePerImpression(terms: Pick<ForecastCampaignTerms, 'bidType' | 'bidAmount'>, ctr: number): number {
  return terms.bidType === 'CPM' ? terms.bidAmount / 1000 : terms.bidAmount * ctr;
}

/**
 * The impressions a booked campaign wants on a day: its daily budget, or its remaining total
 * budget spread over its remaining flight days (even pacing) or all of it (asap), at its price.
 * Infinity when no budget limits it or it bids 0.
 */
function bookedDemand(campaign: BookedCampaign, remainingMinor: number, remainingDays: number, ctr: number): number {
  const price = pricePerImpression(campaign, ctr);
  if (price <= 0) return Infinity;
  let budget = Infinity;
  if (campaign.dailyBudget !== null) budget = campaign.dailyBudget;
  if (campaign.totalBudget > 0) budget = Math.min(budget, campaign.pacing === 'even' ? remainingMinor / remainingDays : remainingMinor);
  return budget === Infinity ? Infinity : Math.max(0, budget) / price;
}

/**
 * The sample's clusters for one placement: a visitor's requests of one day are one cluster (a
 * visitor's requests are sampled together). Keeps the sums the ratio estimator's variance needs.
 */
class ShareClusters {
  private count = 0;
  private entries = 0;
  private yy = 0;
  private ym = 0;
  private mm = 0;
  private readonly today = new Map<number, number>();
  private requests: number[] = [];
  private matching: number[] = [];

  add(visitor: number, matches: boolean): void {
    let at = this.today.get(visitor);
    if (at === undefined) {
      at = this.requests.length;
      this.today.set(visitor, at);
      this.requests.push(0);
      this.matching.push(0);
    }
    this.requests[at]! += 1;
    if (matches) this.matching[at]! += 1;
  }

  /** Ends a day: its visitors become clusters. */
  closeDay(): void {
    for (let at = 0; at < this.requests.length; at += 1) {
      const m = this.requests[at]!;
      const y = this.matching[at]!;
      this.count += 1;
      this.entries += m;
      this.yy += y * y;
      this.ym += y * m;
      this.mm += m * m;
    }
    this.today.clear();
    this.requests = [];
    this.matching = [];
  }

  /** Adds another placement's clusters. */
  absorb(other: ShareClusters): void {
    this.count += other.count;
    this.entries += other.entries;
    this.yy += other.yy;
    this.ym += other.ym;
    this.mm += other.mm;
  }

  /** Ratio estimator variance of the matching share r: n/(n−1) Σ (y_i − r m_i)² / (Σ m_i)². */
  shareVariance(share: number): number {
    if (this.count < 2 || this.entries === 0) return 0;
    const squares = Math.max(0, this.yy - 2 * share * this.ym + share * share * this.mm);
    return ((this.count / (this.count - 1)) * squares) / this.entries ** 2;
  }
}

/** A day sample prepared once (memoised per sample array): each entry's audience as a number. */
interface PreparedDaySample {
  /** Distinct audiences of the day (country, device, keywords, properties) as keys. */
  audienceKeys: string[];
  /** Per entry: its audience's index in `audienceKeys`. */
  audienceOf: Int32Array;
}

const NO_COMPETITORS: number[] = [];
// Day samples are cached by the store between forecasts, so their preparation is kept with them.
const preparedSamples = new WeakMap<readonly OpportunitySample[], PreparedDaySample>();

function prepareDaySample(sample: readonly OpportunitySample[]): PreparedDaySample {
  const cached = preparedSamples.get(sample);
  if (cached !== undefined) return cached;
  const ids = new Map<string, number>();
  const audienceOf = new Int32Array(sample.length);
  sample.forEach((entry, index) => {
    const key = `${entry.country ?? ''}|${entry.device ?? ''}|${entry.keywords.join(',')}|${entry.properties === undefined ? '' : JSON.stringify(entry.properties)}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    audienceOf[index] = id;
  });
  const prepared = { audienceKeys: [...ids.keys()], audienceOf };
  preparedSamples.set(sample, prepared);
  return prepared;
}

interface Signature {
  competitors: number[];
  count: number;
}

function addSignature(signatures: Map<string, Signature>, competitors: number[], count = 1): void {
  const key = competitors.join(',');
  const found = signatures.get(key);
  if (found === undefined) signatures.set(key, { competitors, count });
  else found.count += count;
}

/**
 * Forecasts a proposed campaign by day from the opportunity history: pure, no I/O. See the
 * README's "Forecasting" section for the model in plain words; every simplification it makes is
 * said in the answer's `assumptions`.
 */
export function computeForecast(input: ForecastModelInput): ForecastResponse {
  const { campaign } = input;
  const assumptions: string[] = [];
  const lookbackEndMs = Math.floor(input.asOfMs / HOUR_MS) * HOUR_MS;
  const lookbackStartMs = lookbackEndMs - FORECAST_LOOKBACK_DAYS * DAY_MS;
  const plan = planHours(campaign, input.asOfMs);
  const ctr = input.platformCtr ?? DEFAULT_PLATFORM_CTR;

  // Competitors: active, other than this campaign, same or higher tier, flight overlapping the forecast.
  const competitors = input.booked.filter(
    (booked) =>
      TIER_RANK[booked.priority] <= TIER_RANK[campaign.priority] && booked.flightStartMs < plan.endMs && booked.flightEndMs > plan.firstMs,
  );

  // Placements: those the campaign or a competitor may serve on.
  const eligible: boolean[] = [];
  const admittedBy: boolean[][] = competitors.map(() => []);
  const placements: ForecastPlacement[] = [];
  for (const placement of input.placements) {
    const mine = admitsPlacement(campaign.targeting, placement);
    const theirs = competitors.map((booked) => admitsPlacement(booked.targeting, placement));
    if (!mine && !theirs.includes(true)) continue;
    eligible.push(mine);
    theirs.forEach((admits, at) => admittedBy[at]!.push(admits));
    placements.push(placement);
  }
  const byId = new Map(placements.map((placement, at) => [placement.id, at]));
  const byKey = new Map(placements.map((placement, at) => [placement.key, at]));

  // History: each placement's counts, and when its record begins.
  const series = placements.map(() => new Map<number, number>());
  const firstRecorded = placements.map(() => Infinity);
  const hoursWithData = new Set<number>();
  for (const row of input.hours) {
    const at = byId.get(row.placementId);
    if (at === undefined || row.hourMs < lookbackStartMs || row.hourMs >= lookbackEndMs) continue;
    series[at]!.set(row.hourMs, (series[at]!.get(row.hourMs) ?? 0) + row.requests);
    firstRecorded[at] = Math.min(firstRecorded[at]!, row.hourMs);
    if (eligible[at]) hoursWithData.add(row.hourMs);
  }
  let shortHistory = false;
  const expectedRequests = (at: number, hourMs: number): number => {
    const recorded = series[at]!;
    const since = firstRecorded[at]!;
    if (since === Infinity) return 0;
    // The same weekday-hour in each of the last weeks, once the placement's record had begun.
    let sum = 0;
    let count = 0;
    const firstWeek = Math.floor((hourMs - lookbackEndMs) / WEEK_MS) + 1;
    for (let week = firstWeek; week < firstWeek + LOOKBACK_WEEKS; week += 1) {
      const past = hourMs - week * WEEK_MS;
      if (past < lookbackStartMs) break;
      if (past < since) continue;
      sum += recorded.get(past) ?? 0;
      count += 1;
    }
    if (count > 0) return sum / count;
    // Less than a week of record: the same UTC hour on each day there is.
    const firstDay = Math.floor((hourMs - lookbackEndMs) / DAY_MS) + 1;
    for (let day = firstDay; hourMs - day * DAY_MS >= since; day += 1) {
      sum += recorded.get(hourMs - day * DAY_MS) ?? 0;
      count += 1;
    }
    if (count === 0) return 0;
    shortHistory = true;
    return sum / count;
  };
  const requests = placements.map((_, at) => plan.hours.map((hour) => expectedRequests(at, hour.ms)));

  // The sample: each entry evaluated once per campaign (this one and each competitor).
  const matches = forecastAudienceMatcher(campaign.targeting);
  const restricts = hasAudienceTargeting(campaign.targeting);
  const competitorMatches = competitors.map((booked) => forecastAudienceMatcher(booked.targeting));
  // Requests with the same audience (country, device, keywords, properties) match alike: each
  // campaign evaluates each distinct audience once, whatever the number of entries.
  const audienceIds = new Map<string, number>();
  const mineByAudience: boolean[] = [];
  const theirsByAudience = competitors.map((): boolean[] => []);
  const sampled = placements.map(() => 0);
  const matched = placements.map(() => 0);
  const competitorMatched = competitors.map(() => placements.map(() => 0));
  const signatures = placements.map(() => new Map<string, Signature>());
  const clusters = placements.map(() => new ShareClusters());
  const shared = competitors.map(() => 0);
  let capMatching = 0;
  let capKept = 0;
  let sampledDays = 0;
  const firstSampleDayMs = Math.floor(lookbackStartMs / DAY_MS) * DAY_MS;
  for (const day of input.days) {
    if (day.dayMs < firstSampleDayMs || day.dayMs + DAY_MS > lookbackEndMs) continue;
    sampledDays += 1;
    const cappedVisitors = new Map<number, number[]>();
    const prepared = prepareDaySample(day.sample);
    const audienceOfDay = prepared.audienceKeys.map((key) => {
      let id = audienceIds.get(key);
      if (id === undefined) {
        id = audienceIds.size;
        audienceIds.set(key, id);
      }
      return id;
    });
    for (let index = 0; index < day.sample.length; index += 1) {
      const entry = day.sample[index]!;
      const at = byKey.get(entry.placementKey);
      if (at === undefined) continue;
      sampled[at]! += 1;
      const audience = audienceOfDay[prepared.audienceOf[index]!]!;
      let mine = false;
      if (eligible[at]) {
        mine = mineByAudience[audience] ??= matches(entry);
      }
      let alsoMatched: number[] | undefined;
      for (let other = 0; other < competitors.length; other += 1) {
        if (!admittedBy[other]![at]) continue;
        const theirs = theirsByAudience[other]!;
        if (!(theirs[audience] ??= competitorMatches[other]!(entry))) continue;
        competitorMatched[other]![at]! += 1;
        if (mine) {
          (alsoMatched ??= []).push(other);
          shared[other]! += 1;
        }
      }
      if (!eligible[at]) continue;
      clusters[at]!.add(entry.visitor, mine);
      if (!mine) continue;
      matched[at]! += 1;
      addSignature(signatures[at]!, alsoMatched ?? NO_COMPETITORS);
      if (campaign.frequencyCap !== null && samplePriority(entry.visitor) < day.sampleThreshold) {
        const hours = cappedVisitors.get(entry.visitor);
        if (hours === undefined) cappedVisitors.set(entry.visitor, [entry.hour]);
        else hours.push(entry.hour);
      }
    }
    for (const placementClusters of clusters) placementClusters.closeDay();
    if (campaign.frequencyCap === null) continue;
    for (const hours of cappedVisitors.values()) {
      capMatching += hours.length;
      capKept += frequencyCapKeeps(hours, campaign.frequencyCap);
    }
  }

  // Matching shares per placement, with the pooled share for thinly sampled placements.
  let pooledSampled = 0;
  let pooledMatched = 0;
  const pooledSignatures = new Map<string, Signature>();
  const pooledClusters = new ShareClusters();
  placements.forEach((_, at) => {
    if (!eligible[at]) return;
    pooledSampled += sampled[at]!;
    pooledMatched += matched[at]!;
    for (const signature of signatures[at]!.values()) addSignature(pooledSignatures, signature.competitors, signature.count);
    pooledClusters.absorb(clusters[at]!);
  });
  const thin = (at: number) => sampled[at]! < MIN_PLACEMENT_SAMPLE;
  const pooledShare = pooledSampled > 0 ? pooledMatched / pooledSampled : 1;
  const shareOf = placements.map((_, at) => (!restricts ? 1 : thin(at) ? pooledShare : matched[at]! / sampled[at]!));
  const competitorShareOf = competitors.map((booked, other) => {
    if (!hasAudienceTargeting(booked.targeting)) return placements.map(() => 1);
    let pooledOf = 0;
    let pooledAll = 0;
    placements.forEach((_, at) => {
      if (!admittedBy[other]![at]) return;
      pooledOf += competitorMatched[other]![at]!;
      pooledAll += sampled[at]!;
    });
    const pooled = pooledAll > 0 ? pooledOf / pooledAll : 1;
    return placements.map((_, at) => (thin(at) ? pooled : competitorMatched[other]![at]! / sampled[at]!));
  });

  // Matching opportunities per hour, placement and day.
  const dayCount = plan.dates.length;
  const hourOpportunities = plan.hours.map(() => 0);
  const dayOpportunities = plan.dates.map(() => 0);
  const placementDayOpportunities = placements.map(() => plan.dates.map(() => 0));
  const placementRequests = placements.map(() => 0);
  plan.hours.forEach((hour, index) => {
    if (!hour.allowed) return;
    placements.forEach((_, at) => {
      if (!eligible[at]) return;
      const expected = requests[at]![index]! * shareOf[at]!;
      placementRequests[at]! += requests[at]![index]!;
      hourOpportunities[index]! += expected;
      dayOpportunities[hour.day]! += expected;
      placementDayOpportunities[at]![hour.day]! += expected;
    });
  });

  // Frequency cap, simulated on the complete visitors of the sample.
  let capShare = 1;
  if (campaign.frequencyCap !== null) {
    if (capMatching > 0) capShare = capKept / capMatching;
    else assumptions.push('No sampled visitor matches the targeting: the frequency cap is assumed to hold nothing back.');
  }

  // Competition, per day: each competitor's take share s = min(1, demand / its matching opportunities).
  const keptShare = plan.dates.map(() => 1);
  if (competitors.length > 0) {
    const takeShares = competitors.map((booked, other) => {
      const active = plan.hours.map(
        (hour) =>
          hour.ms >= booked.flightStartMs && hour.ms < booked.flightEndMs && dayPartingAllows(booked.targeting, booked.timeZone, hour.ms),
      );
      const theirOpportunities = plan.dates.map(() => 0);
      const presence = plan.dates.map(() => 0);
      plan.hours.forEach((hour, index) => {
        if (!active[index]) return;
        placements.forEach((_, at) => {
          if (admittedBy[other]![at]) theirOpportunities[hour.day]! += requests[at]![index]! * competitorShareOf[other]![at]!;
        });
        presence[hour.day]! += hourOpportunities[index]!;
      });
      let remaining = Math.max(0, booked.totalBudget - booked.spentMinor);
      const remainingDays = Math.max(1, Math.ceil((booked.flightEndMs - Math.max(input.asOfMs, booked.flightStartMs)) / DAY_MS));
      const price = pricePerImpression(booked, ctr);
      return plan.dates.map((_, day) => {
        const demand = bookedDemand(booked, remaining, remainingDays, ctr);
        const supply = theirOpportunities[day]!;
        remaining = Math.max(0, remaining - Math.min(demand, supply) * price);
        const take = demand === Infinity ? (supply > 0 ? 1 : 0) : supply > 0 ? Math.min(1, demand / supply) : 0;
        // Present in only some of this campaign's hours: the take counts in those only.
        const overlap = dayOpportunities[day]! > 0 ? presence[day]! / dayOpportunities[day]! : 0;
        return take * overlap;
      });
    });
    const keptOf = (signature: Signature, day: number): number => {
      let higherLeaves = 1;
      let sameTaken = 0;
      for (const other of signature.competitors) {
        const take = takeShares[other]![day]!;
        if (TIER_RANK[competitors[other]!.priority] < TIER_RANK[campaign.priority]) higherLeaves *= 1 - take;
        else sameTaken += take;
      }
      return higherLeaves / (1 + sameTaken);
    };
    const signatureShare = (entries: Map<string, Signature>, day: number): number => {
      let total = 0;
      let kept = 0;
      for (const signature of entries.values()) {
        total += signature.count;
        kept += signature.count * keptOf(signature, day);
      }
      return total > 0 ? kept / total : 1;
    };
    for (let day = 0; day < dayCount; day += 1) {
      if (dayOpportunities[day]! <= 0) continue;
      let kept = 0;
      placements.forEach((_, at) => {
        if (!eligible[at] || placementDayOpportunities[at]![day]! <= 0) return;
        const entries = thin(at) || matched[at] === 0 ? pooledSignatures : signatures[at]!;
        kept += placementDayOpportunities[at]![day]! * signatureShare(entries, day);
      });
      keptShare[day] = kept / dayOpportunities[day]!;
    }
  }

  // The campaign's own limits.
  const price = pricePerImpression(campaign, ctr);
  const remainingBudget = campaign.totalBudget > 0 ? Math.max(0, campaign.totalBudget - input.spentMinor) : Infinity;
  const dailyLimit = campaign.dailyBudget !== null && price > 0 ? campaign.dailyBudget / price : Infinity;
  const evenLimit = campaign.pacing === 'even' && price > 0 ? remainingBudget / Math.max(1, plan.flightDays) / price : Infinity;
  let asapLeft = campaign.pacing === 'asap' && price > 0 ? remainingBudget / price : Infinity;
  let spendExact = 0;
  const days: ForecastDay[] = plan.dates.map((date, day) => {
    const opportunities = dayOpportunities[day]!;
    const contested = 1 - keptShare[day]!;
    const available = opportunities * keptShare[day]! * capShare;
    const expected = Math.max(0, Math.min(available, dailyLimit, evenLimit, asapLeft));
    asapLeft -= expected;
    spendExact += expected * price;
    let limitedBy: ForecastDay['limitedBy'];
    if (expected < available - 1e-9) {
      limitedBy = expected >= dailyLimit - 1e-9 ? 'dailyBudget' : expected >= evenLimit - 1e-9 ? 'pacing' : 'totalBudget';
    } else {
      const competitionLoss = opportunities * contested;
      const capLoss = opportunities * keptShare[day]! * (1 - capShare);
      limitedBy = competitionLoss <= 0 && capLoss <= 0 ? 'opportunities' : competitionLoss >= capLoss ? 'competition' : 'frequencyCap';
    }
    const impressions = Math.floor(expected + 1e-9);
    return {
      date,
      opportunities: Math.round(opportunities),
      contestedShare: Math.round(contested * 10_000) / 10_000,
      expectedImpressions: impressions,
      expectedSpend: Math.floor(impressions * price + 1e-9),
      limitedBy,
    };
  });
  const totals = {
    opportunities: days.reduce((sum, day) => sum + day.opportunities, 0),
    expectedImpressions: days.reduce((sum, day) => sum + day.expectedImpressions, 0),
    expectedSpend: days.reduce((sum, day) => sum + day.expectedSpend, 0),
  };

  // Sampling error of the total opportunities: the matching shares are estimates.
  let variance = 0;
  let totalOpportunities = 0;
  let thinRequests = 0;
  placements.forEach((_, at) => {
    if (!eligible[at]) return;
    totalOpportunities += placementRequests[at]! * shareOf[at]!;
    if (!restricts) return;
    if (thin(at)) thinRequests += placementRequests[at]!;
    else variance += placementRequests[at]! ** 2 * clusters[at]!.shareVariance(shareOf[at]!);
  });
  if (restricts && thinRequests > 0) variance += thinRequests ** 2 * pooledClusters.shareVariance(pooledShare);
  const samplingError = totalOpportunities > 0 ? Math.round((Math.sqrt(variance) / totalOpportunities) * 10_000) / 10_000 : 0;

  const competitorList = competitors
    .map((booked, other) => ({
      campaignId: booked.id,
      name: booked.name,
      priority: booked.priority,
      sharedOpportunities: pooledMatched > 0 ? Math.round((shared[other]! / pooledMatched) * 10_000) / 10_000 : 0,
    }))
    .filter((competitor) => competitor.sharedOpportunities > 0)
    .sort((left, right) => right.sharedOpportunities - left.sharedOpportunities)
    .slice(0, MAX_COMPETITORS);

  // What the numbers rest on, in plain words.
  if (hoursWithData.size === 0)
    assumptions.push('No recorded requests yet on these placements: every figure is 0 until serving has recorded some.');
  assumptions.push(
    `Requests of an hour are the mean of the same UTC hour on the same weekday in each of the last ${LOOKBACK_WEEKS} weeks (${FORECAST_LOOKBACK_DAYS} days before asOf); an hour without a record after a placement's record began counts as 0.`,
  );
  if (shortHistory)
    assumptions.push(
      'Some placements have less than a week of record: their hours are the mean of the same UTC hour over the days recorded.',
    );
  if (restricts) {
    assumptions.push(
      "The audience mix of a placement is the same at every hour: the targeting's share of its sampled requests applies to every hour.",
    );
    if (pooledSampled === 0) assumptions.push('No sampled requests yet: the targeting is assumed to match every request.');
    else if (placements.some((_, at) => eligible[at] && thin(at) && placementRequests[at]! > 0))
      assumptions.push(
        `Placements with fewer than ${MIN_PLACEMENT_SAMPLE} sampled requests take the share of all this campaign's placements together.`,
      );
  }
  if (campaign.frequencyCap !== null)
    assumptions.push(
      "The frequency cap is simulated on the sample's complete visitors as if the campaign took each request it may, a visitor's requests of one hour spread evenly over it; windows longer than a day are cut at the UTC day.",
    );
  if (competitors.length > 0)
    assumptions.push(
      "Booked campaigns take a share of the requests they match: their daily demand (budget at their bid) over their matching opportunities, at most all. A higher tier takes first; among equal tiers the remainder is a lottery in proportion to those shares, this campaign's weight being 1. Their day-parting counts through the hours they share with this campaign.",
    );
  if (campaign.pacing === 'even' && remainingBudget !== Infinity)
    assumptions.push(
      'Even pacing spreads the remaining budget equally over the flight days; what a day cannot use is not carried to later days.',
    );
  if (campaign.bidType === 'CPC')
    assumptions.push(
      input.platformCtr === null
        ? `No impressions in the lookback: a click-through rate of ${DEFAULT_PLATFORM_CTR * 100}% is assumed for CPC spend.`
        : `CPC spend uses the platform's click-through rate over the lookback (${Math.round(ctr * 100_000) / 1000}%).`,
    );
  if (plan.dates.length === 0) assumptions.push('The flight ends before asOf: there is no day left to forecast.');
  if (plan.cut)
    assumptions.push(`The flight is longer than ${FORECAST_MAX_DAYS} days: only its first ${FORECAST_MAX_DAYS} days are forecast.`);
  assumptions.push(
    'The sampling error counts the estimated matching shares only (visitors as clusters); request counts are exact, and the model error of the weekly mean is not in it.',
  );

  const budgetReachable = remainingBudget === Infinity || spendExact >= remainingBudget * (1 - 1e-9);
  return {
    asOf: new Date(input.asOfMs).toISOString(),
    history: {
      from: new Date(lookbackStartMs).toISOString(),
      to: new Date(lookbackEndMs).toISOString(),
      lookbackDays: FORECAST_LOOKBACK_DAYS,
      hoursWithData: hoursWithData.size,
      model: FORECAST_MODEL_SENTENCE,
    },
    days,
    totals,
    budget: { totalBudget: campaign.totalBudget, expectedSpend: totals.expectedSpend, reachable: budgetReachable },
    goal:
      input.goalImpressions === undefined
        ? null
        : {
            impressions: input.goalImpressions,
            expectedImpressions: totals.expectedImpressions,
            reachable: totals.expectedImpressions >= input.goalImpressions,
          },
    competitors: competitorList,
    samplingError,
    assumptions: sampledDays === 0 && restricts ? [...assumptions, 'No day sample in the lookback yet.'] : assumptions,
  };
}
