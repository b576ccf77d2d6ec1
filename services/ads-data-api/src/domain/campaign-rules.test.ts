import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { campaignEditViolations, planCampaignTransition, runningCampaignViolations, type CampaignFacts } from './campaign-rules';

const now = new Date('2026-06-15T12:00:00Z');
const draft: CampaignFacts = {
  status: 'draft',
  flightStart: new Date('2026-06-01T00:00:00Z'),
  flightEnd: new Date('2026-07-01T00:00:00Z'),
  totalBudget: 100_000,
  bidAmount: 250,
};

describe('campaign transitions', () => {
  it('activates a draft with budget, a running flight and a servable ad', () => {
    assert.deepEqual(planCampaignTransition(draft, 'activate', { now, servableAds: 1 }), { allowed: true, status: 'active' });
  });

  it('names every broken activation rule', () => {
    const plan = planCampaignTransition({ ...draft, totalBudget: 0, flightEnd: new Date('2026-06-10T00:00:00Z') }, 'activate', {
      now,
      servableAds: 0,
    });
    assert.equal(plan.allowed, false);
    assert.deepEqual(!plan.allowed && plan.violations.map((violation) => violation.field), ['flightEnd', 'totalBudget', 'ads']);
  });

  it('refuses a flight that ends before it starts', () => {
    const plan = planCampaignTransition({ ...draft, flightEnd: draft.flightStart }, 'activate', { now, servableAds: 1 });
    assert.equal(!plan.allowed && plan.violations[0]?.message, 'the flight ends before it starts');
  });

  it('pauses active, resumes paused (with the serving rules), archives anything not archived', () => {
    assert.deepEqual(planCampaignTransition({ ...draft, status: 'active' }, 'pause', { now, servableAds: 0 }), {
      allowed: true,
      status: 'paused',
    });
    assert.deepEqual(planCampaignTransition({ ...draft, status: 'paused' }, 'resume', { now, servableAds: 1 }), {
      allowed: true,
      status: 'active',
    });
    assert.equal(planCampaignTransition({ ...draft, status: 'paused' }, 'resume', { now, servableAds: 0 }).allowed, false);
    for (const status of ['draft', 'active', 'paused'] as const) {
      assert.deepEqual(planCampaignTransition({ ...draft, status }, 'archive', { now, servableAds: 0 }), {
        allowed: true,
        status: 'archived',
      });
    }
  });

  it('refuses transitions from the wrong status, and anything from archived', () => {
    assert.equal(planCampaignTransition(draft, 'pause', { now, servableAds: 1 }).allowed, false);
    assert.equal(planCampaignTransition({ ...draft, status: 'active' }, 'activate', { now, servableAds: 1 }).allowed, false);
    const plan = planCampaignTransition({ ...draft, status: 'archived' }, 'activate', { now, servableAds: 1 });
    assert.match(!plan.allowed ? plan.violations[0]!.message : '', /archived campaigns are final/);
  });
});

describe('campaign edits', () => {
  it('checks the flight and the bid on the merged campaign', () => {
    assert.deepEqual(campaignEditViolations(draft), []);
    assert.deepEqual(
      campaignEditViolations({ ...draft, flightEnd: new Date('2026-05-01T00:00:00Z'), bidAmount: 0 }).map((violation) => violation.field),
      ['flightEnd', 'bidAmount'],
    );
  });

  it('keeps running campaigns funded; drafts may hold a zero budget', () => {
    assert.deepEqual(runningCampaignViolations({ ...draft, totalBudget: 0 }), []);
    assert.equal(runningCampaignViolations({ ...draft, status: 'active', totalBudget: 0 })[0]?.field, 'totalBudget');
    assert.equal(runningCampaignViolations({ ...draft, status: 'paused', totalBudget: 0 }).length, 1);
  });
});
