import { dayPartingAllows } from './day-parting';
import type { DecisionIndex, IndexedCampaign } from './decision-index';
import { flightIsLive } from './flight';
import { pacingVerdict, type CampaignSpend } from './pacing';
import type { ZoneClock } from './zone-clock';

/** Why a campaign may not serve now, or null when it may. */
export function campaignBlock(campaign: IndexedCampaign, spend: CampaignSpend, clock: ZoneClock, nowMs: number): string | null {
  if (!flightIsLive(campaign.flightStartMs, campaign.flightEndMs, nowMs)) return 'outside its flight';
  if (campaign.advertiserSwitchedOff) return 'advertiser switched off';
  const local = clock.at(campaign.timeZone, nowMs);
  if (!dayPartingAllows(campaign.hours, campaign.weekdays, local)) return 'outside its day-parting';
  const verdict = pacingVerdict(campaign, spend, local.dayBounds, nowMs);
  return verdict === 'open' ? null : verdict;
}

/**
 * Sets `live` on the campaigns in [from, to) (all by default) from the clock and the spend
 * readings; returns how many changed, so the caller rebuilds the candidate groups only when
 * needed. A caller with many campaigns refreshes them in slices, yielding in between.
 */
export function refreshCampaignLiveness(
  index: Pick<DecisionIndex, 'campaigns'>,
  spendOf: (campaign: IndexedCampaign, day: string) => CampaignSpend,
  clock: ZoneClock,
  nowMs: number,
  from = 0,
  to = index.campaigns.length,
): number {
  let changed = 0;
  const end = Math.min(to, index.campaigns.length);
  for (let at = from; at < end; at += 1) {
    const campaign = index.campaigns[at]!;
    const day = clock.at(campaign.timeZone, nowMs).day;
    const blockedBy = campaignBlock(campaign, spendOf(campaign, day), clock, nowMs);
    const live = blockedBy === null;
    if (live !== campaign.live) changed += 1;
    campaign.live = live;
    campaign.blockedBy = blockedBy;
  }
  return changed;
}
