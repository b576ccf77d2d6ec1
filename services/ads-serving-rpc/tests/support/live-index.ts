import type { ServingIndex } from '@ads/ads-client';
import { refreshCampaignLiveness } from '../../src/domain/campaign-liveness';
import { buildDecisionIndex, rebuildCandidateGroups, type DecisionIndex, type IndexedCampaign } from '../../src/domain/decision-index';
import type { CampaignSpend } from '../../src/domain/pacing';
import { ZoneClock } from '../../src/domain/zone-clock';

/** A decision index ready to decide at `nowMs`, with the given spend per campaign (default none). */
export function liveIndex(
  index: ServingIndex,
  nowMs = Date.parse('2026-03-02T12:00:00Z'),
  spendOf?: (campaign: IndexedCampaign) => CampaignSpend,
): DecisionIndex {
  const decisionIndex = buildDecisionIndex(index);
  refreshCampaignLiveness(decisionIndex, spendOf ?? (() => ({ totalSpentMicros: 0, todaySpentMicros: 0 })), new ZoneClock(), nowMs);
  rebuildCandidateGroups(decisionIndex);
  return decisionIndex;
}
