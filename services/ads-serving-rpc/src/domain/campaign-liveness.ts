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
 * The next instant the campaign's verdict (`blockedBy`, found at `nowMs`) can change while its
 * spend reading stays the same: its zone's next local hour boundary (day-parting, the local
 * day of the daily budget and of even pacing's plan), or its flight's start or end if sooner.
 * Within a local hour even pacing's plan only grows, so an open campaign stays open; one
 * ahead of its pace may catch up at any moment and is looked at again on the next refresh.
 * A new spend reading makes the campaign due at once (the caller's part).
 */
export function livenessChangesAt(campaign: IndexedCampaign, blockedBy: string | null, clock: ZoneClock, nowMs: number): number {
  if (blockedBy === 'ahead-of-even-pace') return nowMs + 1;
  let at = clock.localHourEndMs(campaign.timeZone, nowMs);
  if (campaign.flightStartMs > nowMs && campaign.flightStartMs < at) at = campaign.flightStartMs;
  if (campaign.flightEndMs > nowMs && campaign.flightEndMs < at) at = campaign.flightEndMs;
  return at;
}

/** Sets the campaign's `live` and `blockedBy` and schedules its next check; true when `live` changed. */
export function refreshOneCampaign(
  index: Pick<DecisionIndex, 'liveness'>,
  campaign: IndexedCampaign,
  spendOf: (campaign: IndexedCampaign, day: string) => CampaignSpend,
  clock: ZoneClock,
  nowMs: number,
): boolean {
  const day = clock.at(campaign.timeZone, nowMs).day;
  const blockedBy = campaignBlock(campaign, spendOf(campaign, day), clock, nowMs);
  const live = blockedBy === null;
  const changed = live !== campaign.live;
  campaign.live = live;
  campaign.blockedBy = blockedBy;
  index.liveness.schedule(campaign.ordinal, livenessChangesAt(campaign, blockedBy, clock, nowMs));
  return changed;
}

/**
 * Sets `live` on the campaigns in [from, to) (all by default) from the clock and the spend
 * readings, and schedules each one's next check; returns how many changed, so the caller
 * rebuilds the candidate groups only when needed. A caller with many campaigns refreshes them
 * in slices, yielding in between.
 */
export function refreshCampaignLiveness(
  index: Pick<DecisionIndex, 'campaigns' | 'liveness'>,
  spendOf: (campaign: IndexedCampaign, day: string) => CampaignSpend,
  clock: ZoneClock,
  nowMs: number,
  from = 0,
  to = index.campaigns.length,
): number {
  let changed = 0;
  const end = Math.min(to, index.campaigns.length);
  for (let at = from; at < end; at += 1) if (refreshOneCampaign(index, index.campaigns[at]!, spendOf, clock, nowMs)) changed += 1;
  return changed;
}

/**
 * Refreshes the campaigns due by `nowMs` in the index's liveness schedule, at most
 * `due.length` of them (a scratch array the caller keeps): the others can be in no other state
 * than the one they are in. Returns how many were looked at and how many changed.
 */
export function refreshDueCampaignLiveness(
  index: Pick<DecisionIndex, 'campaigns' | 'liveness'>,
  spendOf: (campaign: IndexedCampaign, day: string) => CampaignSpend,
  clock: ZoneClock,
  nowMs: number,
  due: Int32Array,
): { checked: number; changed: number } {
  const checked = index.liveness.takeDue(nowMs, due);
  let changed = 0;
  for (let at = 0; at < checked; at += 1) if (refreshOneCampaign(index, index.campaigns[due[at]!]!, spendOf, clock, nowMs)) changed += 1;
  return { checked, changed };
}
