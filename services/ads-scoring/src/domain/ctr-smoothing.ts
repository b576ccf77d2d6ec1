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
  let impressions = 0;
  let clicks = 0;
  for (const evidence of options.campaigns.values()) {
    impressions += Math.max(0, evidence.impressions);
    clicks += Math.min(Math.max(0, evidence.clicks), Math.max(0, evidence.impressions));
  }
  const global: CtrPrior = {
    mean: smoothedCtr({ impressions, clicks }, { mean: options.defaultCtr, strength: options.strength }),
    strength: options.strength,
  };
  const byCampaign = new Map<string, CtrPrior>();
  for (const [campaignId, evidence] of options.campaigns) {
    byCampaign.set(campaignId, { mean: smoothedCtr(evidence, global), strength: options.strength });
  }
  return { global, forCampaign: (campaignId) => byCampaign.get(campaignId) ?? global };
}
