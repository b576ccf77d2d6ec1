import {
  SERVING_INDEX_FORMAT,
  type ServingFeatureSwitch,
  type ServingIndex,
  type ServingIndexAd,
  type ServingIndexCampaign,
  type ServingIndexPlacement,
} from '@ads/ads-client';

// Builds serving index versions out of plain data for unit tests and the benchmark, which
// have no data API: every ad is a candidate of every placement whose formats allow it (the
// site and category filtering is cache-warming's job and has its own tests).

type CampaignInput = Partial<Omit<ServingIndexCampaign, 'ads' | 'targeting'>> & {
  id: string;
  ads?: Array<Partial<ServingIndexAd> & { id: string }>;
  targeting?: Partial<ServingIndexCampaign['targeting']>;
};

export function fixtureCampaign(input: CampaignInput): ServingIndexCampaign {
  const { ads = [{ id: `${input.id}-ad` }], targeting = {}, ...fields } = input;
  return {
    advertiserId: `adv-${input.id}`,
    name: input.id,
    flightStart: '2020-01-01T00:00:00Z',
    flightEnd: '2099-01-01T00:00:00Z',
    timeZone: 'UTC',
    totalBudget: 1_000_000,
    dailyBudget: null,
    spentMicros: 0,
    pacing: 'asap',
    priority: 'standard',
    bidType: 'CPM',
    bidAmount: 100,
    frequencyCap: null,
    exclusionLabel: null,
    liveSpendBaselineMicros: 0,
    ...fields,
    targeting: { countries: [], devices: [], keywords: [], siteIds: [], categories: [], hours: [], weekdays: [], ...targeting },
    ads: ads.map((ad) => ({
      format: 'native',
      title: `Title of ${ad.id}`,
      body: `Body of ${ad.id}`,
      imageUrl: null,
      clickUrl: `https://advertiser.test/${ad.id}`,
      width: null,
      height: null,
      status: 'active',
      ...ad,
    })),
  };
}

export function fixtureIndex(options: {
  campaigns: ServingIndexCampaign[];
  placements?: Array<Partial<Omit<ServingIndexPlacement, 'candidates'>> & { key: string }>;
  featureSwitches?: ServingFeatureSwitch[];
  version?: string;
}): ServingIndex {
  const placementsInput = options.placements ?? [{ key: 'home-top' }];
  const ads = options.campaigns.flatMap((campaign) => campaign.ads.map((ad) => ({ ad, campaign })));
  const placements: ServingIndexPlacement[] = placementsInput.map((placement, at) => {
    const allowedFormats = placement.allowedFormats ?? ['native', 'banner'];
    const candidates: ServingIndexPlacement['candidates'] = { sponsorship: [], standard: [], house: [] };
    ads.forEach(({ ad, campaign }, ordinal) => {
      if (allowedFormats.includes(ad.format)) candidates[campaign.priority].push(ordinal);
    });
    return {
      id: `pl-${at}`,
      siteId: 'site-1',
      siteDomain: 'news.test',
      category: null,
      ...placement,
      allowedFormats,
      candidates,
    };
  });
  const version = options.version ?? 'v-test';
  return {
    meta: {
      format: SERVING_INDEX_FORMAT,
      version,
      builtAt: '2026-01-01T00:00:00.000Z',
      asOf: '2026-01-01T00:00:00.000Z',
      campaigns: options.campaigns.length,
      ads: ads.length,
      placements: placements.length,
      chunks: Math.ceil(options.campaigns.length / 1000),
    },
    placements,
    featureSwitches: options.featureSwitches ?? [],
    campaigns: options.campaigns,
  };
}
