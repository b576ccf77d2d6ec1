// A synthetic inventory of any size for the benchmark: campaigns of five ads, a realistic mix
// of audience targeting (open, country, device, keyword), tiers, caps and exclusion labels,
// ten placements on three sites. Deterministic for a given size (and options).
//
// The enforcement case adds limits: a larger share of capped campaigns, and campaigns whose
// budgets are nearly spent (`nearlySpentCampaigns`, `nearlySpentCounters`: the real-time
// spend counters serving reads, set so that a few dozen prices are left).
import { MICROS_PER_MINOR_UNIT, dayBucket, spendPerEvent, type RedisKeys, type RedisClient } from '@ads/ads-client';
import type { ServingIndexCampaign, ServingIndexParts, ServingIndexPlacement } from '@ads/ads-client';
import { OPEN_TARGETING, syntheticSnapshotAd } from '@ads/bench-kit';
import { seededRng } from '../src/domain/rng';

export const COUNTRIES = [
  'US',
  'GB',
  'DE',
  'FR',
  'ES',
  'IT',
  'NL',
  'SE',
  'PL',
  'CA',
  'AU',
  'JP',
  'BR',
  'MX',
  'IN',
  'ZA',
  'NG',
  'KR',
  'AR',
  'IE',
];
export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export const KEYWORDS = Array.from({ length: 500 }, (_, at) => `kw${at}`);
export const PLACEMENT_KEYS = Array.from({ length: 10 }, (_, at) => `site${at % 3}-slot${at}`);
const ADS_PER_CAMPAIGN = 5;

export interface SyntheticOptions {
  /** Share of campaigns with a frequency cap of 3 per hour (default 0.05). */
  cappedShare?: number;
  /**
   * Share of the paying campaigns whose budgets are nearly spent (default 0): they pace asap
   * (an even campaign that close to its budget is held back by pacing and would not be drawn
   * at all), and `nearlySpentCounters` gives their real-time spend.
   */
  nearlySpentShare?: number;
  /**
   * Share of campaigns with key-value targeting over page properties (default 0), chosen with a
   * generator of their own so that the rest of the inventory is the same with and without them.
   */
  propertyShare?: number;
}

export const SECTIONS = Array.from({ length: 10 }, (_, at) => `section${at}`);
export const ARTICLE_TAGS = Array.from({ length: 50 }, (_, at) => `tag${at}`);

/**
 * Key-value targeting as publishers' campaigns write it: mostly a section or tags (grouped by
 * those atoms), sometimes only a condition on presence, and a few with a NOT that no atom can
 * stand for (checked on every request).
 */
function syntheticPropertyExpression(rng: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
  const kind = rng();
  if (kind < 0.4) return `section = "${pick(SECTIONS)}" AND word_count >= ${Math.floor(rng() * 1000)}`;
  if (kind < 0.75) return `article_tags IN ("${pick(ARTICLE_TAGS)}", "${pick(ARTICLE_TAGS)}") OR section = "${pick(SECTIONS)}"`;
  if (kind < 0.95) return `has author AND NOT logged_in AND section IN ("${pick(SECTIONS)}", "${pick(SECTIONS)}")`;
  return `NOT logged_in AND word_count < ${Math.floor(rng() * 3000)}`;
}

export function syntheticInventory(adCount: number, version: string, options: SyntheticOptions = {}): ServingIndexParts {
  const cappedShare = options.cappedShare ?? 0.05;
  const rng = seededRng(adCount);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
  const campaigns: ServingIndexCampaign[] = [];
  for (let campaignAt = 0; campaignAt * ADS_PER_CAMPAIGN < adCount; campaignAt += 1) {
    const id = `c${campaignAt}`;
    const kind = rng();
    const targeting = { ...OPEN_TARGETING };
    if (kind < 0.2) targeting.countries = [pick(COUNTRIES), pick(COUNTRIES)];
    else if (kind < 0.4) targeting.devices = [pick(DEVICES)];
    else if (kind < 0.6) targeting.keywords = [pick(KEYWORDS), pick(KEYWORDS), pick(KEYWORDS)];
    const tier = rng();
    const cpc = rng() < 0.3;
    const ads = Math.min(ADS_PER_CAMPAIGN, adCount - campaignAt * ADS_PER_CAMPAIGN);
    campaigns.push({
      id,
      advertiserId: `adv${campaignAt % Math.max(1, Math.floor(adCount / 20))}`,
      name: id,
      flightStart: '2020-01-01T00:00:00Z',
      flightEnd: '2099-01-01T00:00:00Z',
      timeZone: pick(['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Tokyo']),
      totalBudget: 1_000_000_000,
      dailyBudget: rng() < 0.5 ? null : 500_000_000,
      spentMicros: 0,
      pacing: rng() < 0.5 ? 'even' : 'asap',
      priority: tier < 0.02 ? 'sponsorship' : tier < 0.92 ? 'standard' : 'house',
      bidType: cpc ? 'CPC' : 'CPM',
      bidAmount: tier >= 0.92 ? 0 : cpc ? 20 + Math.floor(rng() * 200) : 100 + Math.floor(rng() * 1000),
      frequencyCap: rng() < cappedShare ? { count: 3, windowSeconds: 3600 } : null,
      targeting,
      exclusionLabel: rng() < 0.1 ? `label${Math.floor(rng() * 20)}` : null,
      liveSpendBaselineMicros: 0,
      ads: Array.from({ length: ads }, (_, adAt) => syntheticSnapshotAd(id, adAt)),
    });
  }
  const placements: ServingIndexPlacement[] = PLACEMENT_KEYS.map((key, at) => {
    const candidates: ServingIndexPlacement['candidates'] = { sponsorship: [], standard: [], house: [] };
    let ordinal = 0;
    for (const campaign of campaigns) {
      for (const ad of campaign.ads) {
        // Banner ads fit half of the placements.
        if (ad.format === 'native' || at % 2 === 0) candidates[campaign.priority].push(ordinal);
        ordinal += 1;
      }
    }
    return {
      id: `p${at}`,
      key,
      siteId: `site${at % 3}`,
      siteDomain: `site${at % 3}.example`,
      allowedFormats: at % 2 === 0 ? ['native', 'banner'] : ['native'],
      category: null,
      candidates,
    };
  });
  for (const campaign of nearlySpentCampaigns(campaigns, options.nearlySpentShare ?? 0)) campaign.pacing = 'asap';
  const propertyShare = options.propertyShare ?? 0;
  if (propertyShare > 0) {
    const propertyRng = seededRng(campaigns.length * 11 + 3);
    for (const campaign of campaigns) {
      if (propertyRng() < propertyShare)
        campaign.targeting = { ...campaign.targeting, properties: syntheticPropertyExpression(propertyRng) };
    }
  }
  const now = new Date().toISOString();
  return { version, builtAt: now, asOf: now, placements, featureSwitches: [], campaigns };
}

/**
 * The campaigns (of those that pay: house campaigns bid 0 and no budget holds them) chosen to
 * have nearly spent budgets: `share` of them, drawn from a generator of their own so that the
 * rest of the inventory is the same with and without them.
 */
export function nearlySpentCampaigns(campaigns: readonly ServingIndexCampaign[], share: number): ServingIndexCampaign[] {
  if (share <= 0) return [];
  const rng = seededRng(campaigns.length * 7 + 1);
  return campaigns.filter((campaign) => campaign.bidAmount > 0 && rng() < share);
}

/** One campaign's real-time spend counters: lifetime (`campaignLiveSpend`) and today's in its zone (`campaignDaySpend`). */
export interface SpendCounters {
  campaignId: string;
  day: string;
  liveMicros: number;
  dayMicros: number;
}

/**
 * Spend counters that leave each nearly-spent campaign `pricesLeft` prices (an impression's at
 * CPM, a click's at CPC) of its total budget and, when it has one, of today's budget. The
 * synthetic index says nothing was spent before (`spentMicros` and the baseline 0), so the
 * live counter is the whole spend serving sees.
 */
export function nearlySpentCounters(parts: ServingIndexParts, share: number, pricesLeft: number, nowMs = Date.now()): SpendCounters[] {
  return nearlySpentCampaigns(parts.campaigns, share).map((campaign) => {
    const spend = spendPerEvent(campaign.bidType, campaign.bidAmount);
    const price = campaign.bidType === 'CPM' ? spend.impressionMicros : spend.clickMicros;
    const left = Math.round(pricesLeft * price);
    const liveMicros = Math.max(0, campaign.totalBudget * MICROS_PER_MINOR_UNIT - left);
    const dayMicros = campaign.dailyBudget === null ? 0 : Math.max(0, campaign.dailyBudget * MICROS_PER_MINOR_UNIT - left);
    return { campaignId: campaign.id, day: dayBucket(nowMs, campaign.timeZone), liveMicros, dayMicros };
  });
}

/** Writes the counters (SET, in pipelined batches): run again to start a measurement from the same spend. */
export async function writeSpendCounters(redis: RedisClient, keys: RedisKeys, counters: readonly SpendCounters[]): Promise<void> {
  for (let at = 0; at < counters.length; at += 1_000) {
    const pipeline = redis.pipeline();
    for (const counter of counters.slice(at, at + 1_000)) {
      pipeline.set(keys.campaignLiveSpend(counter.campaignId), String(counter.liveMicros));
      pipeline.set(keys.campaignDaySpend(counter.campaignId, counter.day), String(counter.dayMicros), 'EX', 2 * 86_400);
    }
    await pipeline.exec();
  }
}

/**
 * Decision requests like pages send them: two slots, a returning user, some keywords; with
 * `properties`, page properties too (section, two article tags, word count, signed in or not,
 * an author on half of the pages).
 */
export function syntheticRequests(count: number, options: { properties?: boolean } = {}): Buffer[] {
  const rng = seededRng(4242);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
  return Array.from({ length: count }, (_, at) => {
    const keywords = Array.from({ length: Math.floor(rng() * 4) }, () => pick(KEYWORDS));
    const params = {
      placements: [
        { divName: 'top', placementKey: pick(PLACEMENT_KEYS), count: 1 },
        { divName: 'side', placementKey: pick(PLACEMENT_KEYS), count: 2 },
      ],
      userKey: `benchuser${Math.floor(rng() * 10_000)}`,
      pageUrl: `https://site${at % 3}.example/articles/${at}`,
      keywords,
      country: pick(COUNTRIES),
      device: pick(DEVICES),
      ...(options.properties === true
        ? {
            properties: {
              section: pick(SECTIONS),
              article_tags: [pick(ARTICLE_TAGS), pick(ARTICLE_TAGS)],
              word_count: Math.floor(rng() * 3000),
              logged_in: rng() < 0.5,
              ...(rng() < 0.5 ? { author: `author${Math.floor(rng() * 100)}` } : {}),
            },
          }
        : {}),
    };
    return Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: at, method: 'serving.decide', params }));
  });
}
