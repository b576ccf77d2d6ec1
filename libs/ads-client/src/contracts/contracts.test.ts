import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRouter } from '../rpc/router-description.js';
import { dataApiContract, feedUpsertRow, statsRow } from './data-api-contract.js';
import { adCreate, campaignCreate } from './inventory.js';
import { decisionRequest, servingContract } from './serving-contract.js';
import { opportunityDayIngest } from './forecast.js';

test('every contract describes itself as JSON Schema', () => {
  for (const contract of [dataApiContract, servingContract]) {
    const description = describeRouter(contract, { title: 't', version: '0' });
    assert.ok(description.methods.length > 0);
    for (const method of description.methods) assert.equal(typeof method.paramsSchema, 'object', method.name);
  }
});

test('campaign and ad validation names the bad fields', () => {
  const campaign = campaignCreate.safeParse({
    advertiserId: '0190a000-0000-7000-8000-000000000001',
    name: '',
    flightStart: '2026-05-01T00:00:00Z',
    flightEnd: '2026-04-01T00:00:00Z',
    totalBudget: -1,
    dailyBudget: 10,
    bidAmount: 100,
  });
  assert.ok(!campaign.success);
  assert.deepEqual(campaign.error.issues.map((issue) => issue.path.join('.')).sort(), ['flightEnd', 'name', 'totalBudget']);
  const refined = campaignCreate.safeParse({
    advertiserId: '0190a000-0000-7000-8000-000000000001',
    name: 'x',
    flightStart: '2026-05-01T00:00:00Z',
    flightEnd: '2026-04-01T00:00:00Z',
    totalBudget: 1,
    dailyBudget: 1,
    bidAmount: 1,
  });
  assert.deepEqual(
    refined.error?.issues.map((issue) => issue.path.join('.')),
    ['flightEnd'],
  );
  const ad = adCreate.safeParse({
    campaignId: '0190a000-0000-7000-8000-000000000002',
    format: 'banner',
    title: 'T',
    clickUrl: 'javascript:alert(1)',
  });
  assert.deepEqual(
    ad.error?.issues.map((issue) => issue.path.join('.')),
    ['clickUrl', 'width'],
    'a banner without size and a javascript: URL',
  );
});

test('decision requests and stats rows are checked', () => {
  assert.ok(decisionRequest.safeParse({ placements: [{ divName: 'a', placementKey: 'p', count: 11 }] }).error);
  assert.equal(decisionRequest.parse({ placements: [{ divName: 'a', placementKey: 'p' }] }).placements[0]!.count, 1);
  assert.ok(
    statsRow.safeParse({ adId: 'a', hour: '2026-01-01T10:30:00Z', impressions: 1, viewableImpressions: 0, clicks: 0, spendMicros: 0 })
      .error,
  );
  const row = feedUpsertRow.safeParse({
    advertiser: { externalId: 'adv-1', name: 'Acme' },
    campaign: {
      externalId: 'c-1',
      name: 'Spring',
      flightStart: '2026-01-01T00:00:00Z',
      flightEnd: '2026-02-01T00:00:00Z',
      totalBudget: 100,
      dailyBudget: 10,
      bidAmount: 200,
    },
    ad: { externalId: 'ad-1', title: 'Hello', clickUrl: 'https://acme.test/' },
  });
  assert.ok(row.success, JSON.stringify(row.error?.issues));
  // A feed row states the whole budget: leaving the daily budget out must not lift the cap.
  const campaign = {
    externalId: 'c-1',
    name: 'Spring',
    flightStart: '2026-01-01T00:00:00Z',
    flightEnd: '2026-02-01T00:00:00Z',
    totalBudget: 100,
    bidAmount: 200,
  };
  const withoutDaily = feedUpsertRow.safeParse({
    advertiser: { externalId: 'adv-1', name: 'Acme' },
    campaign,
    ad: { externalId: 'ad-1', title: 'Hello', clickUrl: 'https://acme.test/' },
  });
  assert.deepEqual(
    withoutDaily.error?.issues.map((issue) => [issue.path.join('.'), issue.message]),
    [['campaign.dailyBudget', 'is required: the daily budget in cents, or null for none']],
  );
  assert.ok(
    feedUpsertRow.safeParse({
      advertiser: { externalId: 'adv-1', name: 'Acme' },
      campaign: { ...campaign, dailyBudget: null },
      ad: { externalId: 'ad-1', title: 'Hello', clickUrl: 'https://acme.test/' },
    }).success,
  );
});

test('dates are years 1970 to 9999; URLs, searches and filters refuse control characters; ids are UUIDs; switches are known', async () => {
  const { campaignUpdate, adUpdate, featureSwitchCreate, placementCreate, isoDateTime, queryText, KILL_SWITCHES } =
    await import('./inventory.js');
  for (const instant of ['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '9999-12-31T23:00:00-05:00', '+010000-01-01T00:00:00Z']) {
    assert.ok(isoDateTime.safeParse(instant).error, instant);
  }
  for (const instant of ['1970-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2026-03-01T10:00:00+01:00'])
    assert.equal(isoDateTime.parse(instant), instant);
  assert.deepEqual(
    campaignUpdate.safeParse({ flightStart: '0000-01-01T00:00:00Z' }).error?.issues.map((issue) => issue.path.join('.')),
    ['flightStart'],
  );

  for (const clickUrl of [
    'https://shop.example/a\r\nSet-Cookie: x',
    'https://shop.example/\tb',
    'https://shop.example/\u0000',
    'https://shop.example/\u0085',
  ]) {
    const parsed = adUpdate.safeParse({ clickUrl, imageUrl: clickUrl });
    assert.deepEqual(parsed.error?.issues.map((issue) => issue.path.join('.')).sort(), ['clickUrl', 'imageUrl'], JSON.stringify(clickUrl));
  }
  assert.equal(adUpdate.parse({ clickUrl: 'https://shop.example/a?b=c#d' }).clickUrl, 'https://shop.example/a?b=c#d');

  for (const text of ['a\u0000b', 'a\u0001b', 'a\r\nb', 'a\u007fb']) assert.ok(queryText(100).safeParse(text).error, JSON.stringify(text));
  assert.equal(queryText(100).parse('  café 🔥 '), 'café 🔥');

  assert.deepEqual(
    placementCreate.safeParse({ siteId: 'abc', key: 'k', name: 'n' }).error?.issues.map((issue) => issue.path.join('.')),
    ['siteId'],
  );
  assert.deepEqual(
    featureSwitchCreate.safeParse({ name: 'serving.typo' }).error?.issues.map((issue) => issue.path.join('.')),
    ['name'],
  );
  for (const name of Object.values(KILL_SWITCHES)) assert.equal(featureSwitchCreate.parse({ name }).name, name);
  assert.deepEqual(Object.values(KILL_SWITCHES).sort(), [
    'serving.competitive_exclusion',
    'serving.enabled',
    'serving.frequency_caps',
    'serving.house_ads',
  ]);
});

test('opportunity days are real calendar days', () => {
  const day = (value: string) => opportunityDayIngest.safeParse({ day: value, sampleThreshold: 1, sample: [] }).success;
  assert.equal(day('2026-12-31'), true);
  assert.equal(day('2024-02-29'), true);
  for (const value of ['2026-02-30', '2026-11-31', '2026-02-29', '2026-13-01', '2026-1-01']) assert.equal(day(value), false, value);
});
