// Inventory built from plain data for the tests and benchmarks of the packages that read the
// data API's snapshot (cache-warming builds the serving index from it, serving decides from
// the index): one campaign of the snapshot contract with the defaults of a campaign that is
// live and can pay (a flight from 2020 to 2099 in UTC, a large budget, nothing spent, open
// targeting, a CPM bid), so that a test names only what it is about.
import type { SnapshotAd, SnapshotCampaign } from '@ads/ads-client';

export type FixtureSnapshotCampaignInput = Partial<Omit<SnapshotCampaign, 'ads' | 'targeting'>> & {
  id: string;
  /** Default: one native ad `<id>-ad`. Each ad takes the fields of {@link fixtureSnapshotAd} unless given. */
  ads?: Array<Partial<SnapshotAd> & { id: string }>;
  targeting?: Partial<SnapshotCampaign['targeting']>;
};

/** Targeting that matches every request. */
export const OPEN_TARGETING: SnapshotCampaign['targeting'] = {
  countries: [],
  devices: [],
  keywords: [],
  siteIds: [],
  categories: [],
  hours: [],
  weekdays: [],
};

export function fixtureSnapshotCampaign(input: FixtureSnapshotCampaignInput): SnapshotCampaign {
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
    ...fields,
    targeting: { ...OPEN_TARGETING, ...targeting },
    ads: ads.map((ad) => ({ ...fixtureSnapshotAd(ad.id), ...ad })),
  };
}

/** A short active native ad: `Title of <id>`, `Body of <id>`, a click URL on advertiser.test. */
export function fixtureSnapshotAd(id: string): SnapshotAd {
  return {
    id,
    format: 'native',
    title: `Title of ${id}`,
    body: `Body of ${id}`,
    imageUrl: null,
    clickUrl: `https://advertiser.test/${id}`,
    width: null,
    height: null,
    status: 'active',
  };
}

/**
 * The `at`-th ad of a benchmark campaign, sized like real creatives (a title of ordinary length,
 * a body, an image and a landing URL with a query): every fifth one (at 4) a 300x250 banner.
 */
export function syntheticSnapshotAd(campaignId: string, at: number): SnapshotAd {
  const banner = at === 4;
  return {
    id: `${campaignId}-a${at}`,
    format: banner ? 'banner' : 'native',
    title: `Synthetic ad ${campaignId}-${at}: a title of ordinary length`,
    body: 'A body text of about the length advertisers write, with a call to action at the end. Buy now.',
    imageUrl: `https://cdn.example.com/creatives/${campaignId}-${at}.jpg`,
    clickUrl: `https://shop.example.com/landing/${campaignId}/${at}?utm_source=ads`,
    width: banner ? 300 : null,
    height: banner ? 250 : null,
    status: 'active',
  };
}
