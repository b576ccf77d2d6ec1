// A synthetic inventory of any size for the benchmark: campaigns of five ads, a realistic mix
// of audience targeting (open, country, device, keyword), tiers, caps and exclusion labels,
// ten placements on three sites. Deterministic for a given size.
import type { ServingIndexCampaign, ServingIndexPlacement } from '@ads/ads-client';
import type { ServingIndexParts } from '@ads/ads-client';
import { seededRng } from '../src/domain/rng';

export const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL', 'SE', 'PL', 'CA', 'AU', 'JP', 'BR', 'MX', 'IN', 'ZA', 'NG', 'KR', 'AR', 'IE'];
export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export const KEYWORDS = Array.from({ length: 500 }, (_, at) => `kw${at}`);
export const PLACEMENT_KEYS = Array.from({ length: 10 }, (_, at) => `site${at % 3}-slot${at}`);
const ADS_PER_CAMPAIGN = 5;

export function syntheticInventory(adCount: number, version: string): ServingIndexParts {
  const rng = seededRng(adCount);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
  const campaigns: ServingIndexCampaign[] = [];
  for (let campaignAt = 0; campaignAt * ADS_PER_CAMPAIGN < adCount; campaignAt += 1) {
    const id = `c${campaignAt}`;
    const kind = rng();
    const targeting = { countries: [] as string[], devices: [] as ('desktop' | 'mobile' | 'tablet')[], keywords: [] as string[], siteIds: [], categories: [], hours: [], weekdays: [] };
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
      frequencyCap: rng() < 0.05 ? { count: 3, windowSeconds: 3600 } : null,
      targeting,
      exclusionLabel: rng() < 0.1 ? `label${Math.floor(rng() * 20)}` : null,
      liveSpendBaselineMicros: 0,
      ads: Array.from({ length: ads }, (_, adAt) => ({
        id: `${id}-a${adAt}`,
        format: adAt === 4 ? ('banner' as const) : ('native' as const),
        title: `Synthetic ad ${id}-${adAt}: a title of ordinary length`,
        body: 'A body text of about the length advertisers write, with a call to action at the end. Buy now.',
        imageUrl: `https://cdn.example.com/creatives/${id}-${adAt}.jpg`,
        clickUrl: `https://shop.example.com/landing/${id}/${adAt}?utm_source=ads`,
        width: adAt === 4 ? 300 : null,
        height: adAt === 4 ? 250 : null,
        status: 'active' as const,
      })),
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
    return { id: `p${at}`, key, siteId: `site${at % 3}`, siteDomain: `site${at % 3}.example`, allowedFormats: at % 2 === 0 ? ['native', 'banner'] : ['native'], category: null, candidates };
  });
  const now = new Date().toISOString();
  return { version, builtAt: now, asOf: now, placements, featureSwitches: [], campaigns };
}

/** Decision requests like pages send them: two slots, a returning user, some keywords. */
export function syntheticRequests(count: number): Buffer[] {
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
    };
    return Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: at, method: 'serving.decide', params }));
  });
}
