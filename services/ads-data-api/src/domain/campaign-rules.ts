// The campaign lifecycle: draft → active ⇄ paused → archived, and what a campaign must satisfy
// to serve. Pure: callers pass the facts (time, number of servable ads).

export type CampaignStatusName = 'draft' | 'active' | 'paused' | 'archived';
export type CampaignTransitionName = 'activate' | 'pause' | 'resume' | 'archive';

/** What the rules read of a campaign. */
export interface CampaignFacts {
  status: CampaignStatusName;
  flightStart: Date;
  flightEnd: Date;
  totalBudget: number;
  bidAmount: number;
}

/** One broken rule, naming the field (or `ads`) it is about. */
export interface RuleViolation {
  field: string;
  message: string;
}

export type TransitionPlan = { allowed: true; status: CampaignStatusName } | { allowed: false; violations: RuleViolation[] };

const transitions: Record<CampaignTransitionName, { from: readonly CampaignStatusName[]; to: CampaignStatusName }> = {
  activate: { from: ['draft'], to: 'active' },
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  archive: { from: ['draft', 'active', 'paused'], to: 'archived' },
};

/**
 * Whether a campaign may serve from `now`: its flight is in order and not over, it has a
 * budget, and at least one active, approved ad. Every broken rule is reported.
 */
export function servingViolations(campaign: CampaignFacts, facts: { now: Date; servableAds: number }): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (campaign.flightEnd.getTime() <= campaign.flightStart.getTime()) {
    violations.push({ field: 'flightEnd', message: 'the flight ends before it starts' });
  } else if (campaign.flightEnd.getTime() <= facts.now.getTime()) {
    violations.push({ field: 'flightEnd', message: `the flight ended at ${campaign.flightEnd.toISOString()}; extend flightEnd first` });
  }
  if (campaign.totalBudget <= 0) {
    violations.push({ field: 'totalBudget', message: 'the total budget is 0; a campaign needs a budget to serve' });
  }
  if (facts.servableAds === 0) {
    violations.push({ field: 'ads', message: 'the campaign has no active, approved ad' });
  }
  return violations;
}

/** Checks a lifecycle transition; activation and resumption also check the serving rules. */
export function planCampaignTransition(
  campaign: CampaignFacts,
  transition: CampaignTransitionName,
  facts: { now: Date; servableAds: number },
): TransitionPlan {
  const { from, to } = transitions[transition];
  if (!from.includes(campaign.status)) {
    const allowedFrom = from.join(' or ');
    const hint = campaign.status === 'archived' ? '; archived campaigns are final' : '';
    return {
      allowed: false,
      violations: [
        { field: 'status', message: `cannot ${transition} a campaign that is ${campaign.status} (only from ${allowedFrom})${hint}` },
      ],
    };
  }
  if (to === 'active') {
    const violations = servingViolations(campaign, facts);
    if (violations.length > 0) return { allowed: false, violations };
  }
  return { allowed: true, status: to };
}

/**
 * Field problems of a campaign after an edit (the stored row with the patch applied): the
 * checks the schemas cannot make because they need both the stored and the new values.
 */
export function campaignEditViolations(merged: CampaignFacts): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (merged.flightEnd.getTime() <= merged.flightStart.getTime()) {
    violations.push({ field: 'flightEnd', message: 'flightEnd must be after flightStart' });
  }
  if (merged.bidAmount <= 0) {
    violations.push({ field: 'bidAmount', message: 'bidAmount must be greater than 0' });
  }
  return violations;
}

/**
 * Rules a running (active or paused) campaign keeps after an edit: an edit may not take its
 * budget to 0. Drafts may hold anything the schemas accept; activation checks them.
 */
export function runningCampaignViolations(merged: CampaignFacts): RuleViolation[] {
  if ((merged.status === 'active' || merged.status === 'paused') && merged.totalBudget <= 0) {
    return [{ field: 'totalBudget', message: `a ${merged.status} campaign needs a total budget above 0; pause or archive it instead` }];
  }
  return [];
}
