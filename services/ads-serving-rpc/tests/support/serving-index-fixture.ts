import {
  SERVING_INDEX_FORMAT,
  type ServingIndexStore,
  type ServingFeatureSwitch,
  type ServingIndex,
  type ServingIndexCampaign,
  type ServingIndexPlacement,
} from '@ads/ads-client';
import { fixtureSnapshotCampaign, type FixtureSnapshotCampaignInput } from '@ads/bench-kit';

// Builds serving index versions out of plain data for unit tests and the benchmark, which
// have no data API: every ad is a candidate of every placement whose formats allow it (the
// site and category filtering is cache-warming's job and has its own tests).

/** A live campaign of the index (see fixtureSnapshotCampaign) with no live spend before the index was built. */
export function fixtureCampaign(input: FixtureSnapshotCampaignInput & { liveSpendBaselineMicros?: number }): ServingIndexCampaign {
  const { liveSpendBaselineMicros = 0, ...campaign } = input;
  return { ...fixtureSnapshotCampaign(campaign), liveSpendBaselineMicros };
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

/** Writes a fixture index as a new version in Redis and makes it the current one (what cache-warming does). */
export async function publishFixtureIndex(store: ServingIndexStore, index: ServingIndex): Promise<void> {
  await store.write({
    version: index.meta.version,
    builtAt: new Date().toISOString(),
    asOf: index.meta.asOf,
    placements: index.placements,
    featureSwitches: [],
    campaigns: index.campaigns,
  });
  await store.publish(index.meta.version);
}
