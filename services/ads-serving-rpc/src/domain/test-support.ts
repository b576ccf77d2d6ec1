import type { ServingIndex } from '@ads/ads-client';
import { refreshCampaignLiveness } from './campaign-liveness';
import { buildDecisionIndex, rebuildCandidateGroups, type DecisionIndex, type IndexedCampaign } from './decision-index';
import type { CampaignSpend } from './pacing';
import { ZoneClock } from './zone-clock';

/** A decision index ready to decide at `nowMs`, with the given spend per campaign (default none). */
export function liveIndex(index: ServingIndex, nowMs = Date.parse('2026-03-02T12:00:00Z'), spendOf?: (campaign: IndexedCampaign) => CampaignSpend): DecisionIndex {
  const decisionIndex = buildDecisionIndex(index);
  refreshCampaignLiveness(decisionIndex, spendOf ?? (() => ({ totalSpentMicros: 0, todaySpentMicros: 0 })), new ZoneClock(), nowMs);
  rebuildCandidateGroups(decisionIndex);
  return decisionIndex;
}

/** Pearson's chi-square statistic of observed counts against expected probabilities. */
export function chiSquare(observed: readonly number[], expectedShares: readonly number[]): number {
  const total = observed.reduce((sum, count) => sum + count, 0);
  return observed.reduce((sum, count, at) => {
    const expected = total * expectedShares[at]!;
    return sum + (count - expected) ** 2 / expected;
  }, 0);
}
