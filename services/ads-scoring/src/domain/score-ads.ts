import { eCpmMicros, type AdScore, type BidType } from '@ads/ads-client';
import { buildCtrPriors, smoothedCtr } from './ctr-smoothing';
import type { ClickEvidence } from './ctr-smoothing';

/** A campaign as scoring sees it: its bid and the ids of its servable ads. */
export interface ScoredCampaign {
  id: string;
  bidType: BidType;
  bidAmount: number;
  adIds: readonly string[];
}

export interface ScoringInput {
  campaigns: readonly ScoredCampaign[];
  /** Evidence per ad over the window; an ad without an entry has none. */
  adEvidence: ReadonlyMap<string, ClickEvidence>;
  /** Evidence per campaign over the window, all of its ads (also paused ones) included. */
  campaignEvidence: ReadonlyMap<string, ClickEvidence>;
  /** Pacing factor per campaign; missing means 1. */
  pacingFactors: ReadonlyMap<string, number>;
  settings: { priorStrength: number; defaultCtr: number };
}

export interface ScoringOutcome {
  scores: Map<string, AdScore>;
  /** What serving uses for an ad this version does not have (one created since). */
  defaults: AdScore;
  /** Ads scored with at least one impression of their own. */
  adsWithEvidence: number;
  globalCtr: number;
}

/**
 * Scores every servable ad: pCTR is the Beta-binomial posterior with the campaign's prior
 * (itself shrunk toward the platform's), both without the ad's own evidence, eCPM follows the bid type, and the campaign's pacing
 * factor is attached. An ad with no impressions gets its campaign's prior, so it is neither
 * starved (0) nor ranked as the best.
 */
export function scoreAds(input: ScoringInput): ScoringOutcome {
  const priors = buildCtrPriors({
    defaultCtr: input.settings.defaultCtr,
    strength: input.settings.priorStrength,
    campaigns: input.campaignEvidence,
  });
  const scores = new Map<string, AdScore>();
  const noEvidence: ClickEvidence = { impressions: 0, clicks: 0 };
  let adsWithEvidence = 0;
  const eCpms: number[] = [];
  for (const campaign of input.campaigns) {
    const pacingFactor = input.pacingFactors.get(campaign.id) ?? 1;
    for (const adId of campaign.adIds) {
      const evidence = input.adEvidence.get(adId) ?? noEvidence;
      if (evidence.impressions > 0) adsWithEvidence += 1;
      const pCtr = smoothedCtr(evidence, priors.forAd(campaign.id, evidence));
      const score: AdScore = { pCtr, eCpmMicros: eCpmMicros(campaign.bidType, campaign.bidAmount, pCtr), pacingFactor };
      scores.set(adId, score);
      eCpms.push(score.eCpmMicros);
    }
  }
  return {
    scores,
    defaults: { pCtr: priors.global.mean, eCpmMicros: median(eCpms), pacingFactor: 1 },
    adsWithEvidence,
    globalCtr: priors.global.mean,
  };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}
