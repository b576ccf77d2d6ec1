import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRouter } from '../rpc/router-description';
import { dataApiContract, feedUpsertRow, statsRow } from './data-api-contract';
import { adCreate, campaignCreate } from './inventory';
import { decisionRequest, servingContract } from './serving-contract';

test('every contract describes itself as JSON Schema', () => {
  for (const contract of [dataApiContract, servingContract]) {
    const description = describeRouter(contract, { title: 't', version: '0' });
    assert.ok(description.methods.length > 0);
    for (const method of description.methods) assert.equal(typeof method.paramsSchema, 'object', method.name);
  }
});

test('campaign and ad validation names the bad fields', () => {
  const campaign = campaignCreate.safeParse({
    advertiserId: 'a1',
    name: '',
    flightStart: '2026-05-01T00:00:00Z',
    flightEnd: '2026-04-01T00:00:00Z',
    totalBudget: -1,
    dailyBudget: 10,
    bidAmount: 100,
  });
  assert.ok(!campaign.success);
  assert.deepEqual(campaign.error.issues.map((issue) => issue.path.join('.')).sort(), ['flightEnd', 'name', 'totalBudget']);
  const refined = campaignCreate.safeParse({ advertiserId: 'a1', name: 'x', flightStart: '2026-05-01T00:00:00Z', flightEnd: '2026-04-01T00:00:00Z', totalBudget: 1, dailyBudget: 1, bidAmount: 1 });
  assert.deepEqual(refined.error?.issues.map((issue) => issue.path.join('.')), ['flightEnd']);
  const ad = adCreate.safeParse({ campaignId: 'c1', format: 'banner', title: 'T', clickUrl: 'javascript:alert(1)' });
  assert.deepEqual(ad.error?.issues.map((issue) => issue.path.join('.')), ['clickUrl', 'width'], 'a banner without size and a javascript: URL');
});

test('decision requests and stats rows are checked', () => {
  assert.ok(decisionRequest.safeParse({ placements: [{ divName: 'a', placementKey: 'p', count: 11 }] }).error);
  assert.equal(decisionRequest.parse({ placements: [{ divName: 'a', placementKey: 'p' }] }).placements[0]!.count, 1);
  assert.ok(statsRow.safeParse({ adId: 'a', hour: '2026-01-01T10:30:00Z', impressions: 1, viewableImpressions: 0, clicks: 0, spendMicros: 0 }).error);
  const row = feedUpsertRow.safeParse({
    advertiser: { externalId: 'adv-1', name: 'Acme' },
    campaign: { externalId: 'c-1', name: 'Spring', flightStart: '2026-01-01T00:00:00Z', flightEnd: '2026-02-01T00:00:00Z', totalBudget: 100, dailyBudget: 10, bidAmount: 200 },
    ad: { externalId: 'ad-1', title: 'Hello', clickUrl: 'https://acme.test/' },
  });
  assert.ok(row.success, JSON.stringify(row.error?.issues));
  // A feed row states the whole budget: leaving the daily budget out must not lift the cap.
  const campaign = { externalId: 'c-1', name: 'Spring', flightStart: '2026-01-01T00:00:00Z', flightEnd: '2026-02-01T00:00:00Z', totalBudget: 100, bidAmount: 200 };
  const withoutDaily = feedUpsertRow.safeParse({ advertiser: { externalId: 'adv-1', name: 'Acme' }, campaign, ad: { externalId: 'ad-1', title: 'Hello', clickUrl: 'https://acme.test/' } });
  assert.deepEqual(withoutDaily.error?.issues.map((issue) => [issue.path.join('.'), issue.message]), [['campaign.dailyBudget', 'is required: the daily budget in cents, or null for none']]);
  assert.ok(feedUpsertRow.safeParse({ advertiser: { externalId: 'adv-1', name: 'Acme' }, campaign: { ...campaign, dailyBudget: null }, ad: { externalId: 'ad-1', title: 'Hello', clickUrl: 'https://acme.test/' } }).success);
});
