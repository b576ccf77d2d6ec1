/** Impressions and clicks of an ad, a campaign or the whole platform over the scoring window. */
export interface ClickEvidence {
  impressions: number;
  clicks: number;
}

/**
 * A Beta prior on the click-through rate, written as a mean and a strength: the strength is
 * how many impressions of evidence the prior is worth (alpha = mean × strength, beta =
 * (1 − mean) × strength).
 */
export interface CtrPrior {
  mean: number;
  strength: number;
}

/**
 * The posterior mean of the Beta-binomial model: (clicks + α) / (impressions + α + β).
 * With no impressions it is the prior mean; as impressions grow it tends to the observed
 * CTR. Clicks above impressions (late or duplicated clicks) are capped so it stays ≤ 1.
 */
export function smoothedCtr(evidence: ClickEvidence, prior: CtrPrior): number {
  const impressions = Math.max(0, evidence.impressions);
  const clicks = Math.min(Math.max(0, evidence.clicks), impressions);
  return (clicks + prior.mean * prior.strength) / (impressions + prior.strength);
}

/** The priors of one run: a global one, and one per campaign shrunk toward the global one. */
export interface CtrPriors {
  global: CtrPrior;
  forCampaign(campaignId: string): CtrPrior;
  /**
   * The prior an ad is smoothed toward: its campaign's evidence with the ad's own left out
   * (shrunk toward the platform's), so the ad's clicks are not counted once in the prior and
   * again as evidence. A campaign with nothing left (its only ad) falls back to the platform.
   */
  forAd(campaignId: string, own: ClickEvidence): CtrPrior;
}

/**
 * Builds the hierarchy default → global → campaign → ad. Each level is the smoothed CTR of
 * its own evidence with the level above as prior, all with the same strength, so a campaign
 * with little traffic leans on the platform average instead of on a handful of clicks, and a
 * platform with no traffic at all starts from `defaultCtr`.
 */
export function buildCtrPriors(options: {
  defaultCtr: number;
  strength: number;
  campaigns: ReadonlyMap<string, ClickEvidence>;
}): CtrPriors {
  const platform: ClickEvidence = { impressions: 0, clicks: 0 };
  for (const evidence of options.campaigns.values()) {
    const capped = cappedEvidence(evidence);
    platform.impressions += capped.impressions;
    platform.clicks += capped.clicks;
  }
  const global: CtrPrior = {
    mean: smoothedCtr(platform, { mean: options.defaultCtr, strength: options.strength }),
    strength: options.strength,
  };
  const byCampaign = new Map<string, CtrPrior>();
  for (const [campaignId, evidence] of options.campaigns) {
    byCampaign.set(campaignId, { mean: smoothedCtr(evidence, global), strength: options.strength });
  }
  const noEvidence: ClickEvidence = { impressions: 0, clicks: 0 };
  return {
    global,
    forCampaign: (campaignId) => byCampaign.get(campaignId) ?? global,
    forAd(campaignId, own) {
      const ad = cappedEvidence(own);
      if (ad.impressions === 0) return byCampaign.get(campaignId) ?? global;
      // The windows of the ad and campaign queries may differ by a late row: never below zero.
      const rest = withoutEvidence(cappedEvidence(options.campaigns.get(campaignId) ?? noEvidence), ad);
      if (rest.impressions === 0) return global;
      // Only the campaign level leaves the ad out. Leaving it out of the platform level too
      // would let an ad's click raise its sibling's prior (through both levels) by more than
      // its own pCTR, so with little evidence the ad with more clicks could rank lower; the
      // platform's share of one ad is negligible in comparison.
      return { mean: smoothedCtr(rest, global), strength: options.strength };
    },
  };
}

function cappedEvidence(evidence: ClickEvidence): ClickEvidence {
  const impressions = Math.max(0, evidence.impressions);
  return { impressions, clicks: Math.min(Math.max(0, evidence.clicks), impressions) };
}

function withoutEvidence(total: ClickEvidence, part: ClickEvidence): ClickEvidence {
  const impressions = Math.max(0, total.impressions - part.impressions);
  return { impressions, clicks: Math.min(Math.max(0, total.clicks - part.clicks), impressions) };
}
