import type { ServingFeatureSwitch, ServingIndexCampaign, ServingIndexParts, ServingIndexPlacement, dataApi } from '@ads/ads-client';
import type { z } from 'zod';
import { CacheWarmingError } from '../errors';

type SnapshotPage = z.infer<typeof dataApi.inventorySnapshotPage>;
type SnapshotCampaign = SnapshotPage['campaigns'][number];
type Tier = keyof ServingIndexPlacement['candidates'];

/** What one build kept and left out, for the summary and the logs. */
export interface BuildCounts {
  pages: number;
  campaigns: number;
  ads: number;
  placements: number;
  skippedEndedCampaigns: number;
  skippedInactiveAds: number;
  skippedCampaignsWithoutAds: number;
  duplicateCampaigns: number;
  candidates: number;
}

/**
 * Builds one serving index version from `inventory.snapshot` pages, page by page. Placements
 * get their candidate ads per priority tier: the ad's format is allowed there, and the
 * campaign's site and category targeting admit the placement. Everything that depends on the
 * request or the clock (audience, day-parting, flight start, pacing, caps) is left to serving.
 */
export class ServingIndexBuilder {
  private readonly campaigns: ServingIndexCampaign[] = [];
  private readonly seen = new Set<string>();
  private placements: SnapshotPage['placements'] = undefined;
  private featureSwitches: ServingFeatureSwitch[] = [];
  private asOf: string | undefined;
  readonly counts: BuildCounts = {
    pages: 0,
    campaigns: 0,
    ads: 0,
    placements: 0,
    skippedEndedCampaigns: 0,
    skippedInactiveAds: 0,
    skippedCampaignsWithoutAds: 0,
    duplicateCampaigns: 0,
    candidates: 0,
  };

  constructor(private readonly nowMs: number) {}

  /** Adds a page; `liveSpendOf` gives the real-time spend counter read right after the page. */
  addPage(page: SnapshotPage, liveSpendOf: (campaignId: string) => number): void {
    this.counts.pages += 1;
    this.asOf ??= page.asOf;
    if (page.placements !== undefined) this.placements = page.placements;
    if (page.featureSwitches !== undefined) this.featureSwitches = page.featureSwitches;
    for (const campaign of page.campaigns) this.addCampaign(campaign, liveSpendOf(campaign.id));
  }

  private addCampaign(campaign: SnapshotCampaign, liveSpendMicros: number): void {
    if (this.seen.has(campaign.id)) {
      this.counts.duplicateCampaigns += 1;
      return;
    }
    this.seen.add(campaign.id);
    if (Date.parse(campaign.flightEnd) <= this.nowMs) {
      this.counts.skippedEndedCampaigns += 1;
      return;
    }
    const ads = campaign.ads.filter((ad) => ad.status === 'active');
    this.counts.skippedInactiveAds += campaign.ads.length - ads.length;
    if (ads.length === 0) {
      this.counts.skippedCampaignsWithoutAds += 1;
      return;
    }
    this.campaigns.push({ ...campaign, ads, liveSpendBaselineMicros: Math.max(0, liveSpendMicros) });
    this.counts.campaigns += 1;
    this.counts.ads += ads.length;
  }

  /** The version's parts; throws when no page brought the placements. */
  finish(version: string, builtAt: string): ServingIndexParts {
    if (this.placements === undefined || this.asOf === undefined) {
      throw new CacheWarmingError('SNAPSHOT_INCOMPLETE', 'the snapshot had no first page with placements');
    }
    const placements = this.placements.map((placement) => this.candidatesOf(placement));
    this.counts.placements = placements.length;
    return { version, builtAt, asOf: this.asOf, placements, featureSwitches: this.featureSwitches, campaigns: this.campaigns };
  }

  private candidatesOf(placement: NonNullable<SnapshotPage['placements']>[number]): ServingIndexPlacement {
    const candidates: Record<Tier, number[]> = { sponsorship: [], standard: [], house: [] };
    const category = placement.category?.toLowerCase() ?? null;
    let ordinal = 0;
    for (const campaign of this.campaigns) {
      const { siteIds, categories } = campaign.targeting;
      const admits =
        (siteIds.length === 0 || siteIds.includes(placement.siteId)) &&
        (categories.length === 0 || (category !== null && categories.some((wanted) => wanted.toLowerCase() === category)));
      for (const ad of campaign.ads) {
        if (admits && placement.allowedFormats.includes(ad.format)) candidates[campaign.priority].push(ordinal);
        ordinal += 1;
      }
    }
    this.counts.candidates += candidates.sponsorship.length + candidates.standard.length + candidates.house.length;
    return { ...placement, candidates };
  }
}
