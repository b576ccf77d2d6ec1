// `stats.query`: series per ad, campaign and advertiser in UTC hour and day buckets, with totals and CTR.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createAd, createAdvertiser, createCampaign } from './support/inventory-fixtures';
import { rejectsWith, startRpcTestServer, type RpcTestServer } from './support/rpc-test-server';

let stack: RpcTestServer;
const ids = { advertiser: '', otherAdvertiser: '', campaignA: '', campaignB: '', ad1: '', ad2: '', ad3: '' };

before(async () => {
  stack = await startRpcTestServer();
  const { prisma } = stack.database;
  const advertiser = await createAdvertiser(prisma);
  const other = await createAdvertiser(prisma);
  const campaignA = await createCampaign(prisma, advertiser.id);
  const campaignB = await createCampaign(prisma, other.id);
  Object.assign(ids, {
    advertiser: advertiser.id,
    otherAdvertiser: other.id,
    campaignA: campaignA.id,
    campaignB: campaignB.id,
    ad1: (await createAd(prisma, campaignA.id)).id,
    ad2: (await createAd(prisma, campaignA.id)).id,
    ad3: (await createAd(prisma, campaignB.id)).id,
  });
  const row = (adId: string, hour: string, impressions: number, clicks: number) => ({
    adId,
    hour,
    impressions,
    viewableImpressions: Math.floor(impressions / 2),
    clicks,
    spendMicros: impressions * 3_000,
  });
  await stack.client().stats.ingest({
    batchId: 'query-fixture',
    rows: [
      row(ids.ad1, '2026-05-01T22:00:00Z', 100, 2),
      row(ids.ad1, '2026-05-01T23:00:00Z', 300, 6),
      row(ids.ad2, '2026-05-01T23:00:00Z', 100, 0),
      row(ids.ad1, '2026-05-02T00:00:00Z', 50, 5),
      row(ids.ad3, '2026-05-02T01:00:00Z', 1000, 10),
      // Outside the ranges queried below.
      row(ids.ad1, '2026-04-30T23:00:00Z', 7, 7),
      row(ids.ad1, '2026-05-03T00:00:00Z', 9, 9),
    ],
  });
});
after(async () => {
  await stack?.close();
});

const range = { from: '2026-05-01T00:00:00Z', to: '2026-05-03T00:00:00Z' };

describe('stats.query', () => {
  it('sums campaigns by UTC day, with totals and CTR, over [from, to)', async () => {
    const { series } = await stack.client().stats.query({ level: 'campaign', ids: [ids.campaignA], granularity: 'day', ...range });
    assert.equal(series.length, 1);
    const [campaign] = series;
    assert.equal(campaign!.id, ids.campaignA);
    assert.deepEqual(
      campaign!.points.map(({ bucket, impressions, clicks, spendMicros, ctr }) => ({ bucket, impressions, clicks, spendMicros, ctr })),
      [
        { bucket: '2026-05-01T00:00:00.000Z', impressions: 500, clicks: 8, spendMicros: 1_500_000, ctr: 8 / 500 },
        { bucket: '2026-05-02T00:00:00.000Z', impressions: 50, clicks: 5, spendMicros: 150_000, ctr: 0.1 },
      ],
    );
    assert.deepEqual(campaign!.totals, { impressions: 550, viewableImpressions: 275, clicks: 13, spendMicros: 1_650_000, ctr: 13 / 550 });
  });

  it('gives ads by hour, leaving out hours without data', async () => {
    const { series } = await stack.client().stats.query({ level: 'ad', ids: [ids.ad1, ids.ad2], granularity: 'hour', ...range });
    assert.deepEqual(
      series.map((entry) => [entry.id, entry.points.map((point) => point.bucket.slice(11, 13))]),
      [
        [ids.ad1, ['22', '23', '00']],
        [ids.ad2, ['23']],
      ],
    );
    assert.equal(series[1]!.totals.ctr, 0, 'no clicks: CTR 0');
  });

  it('rolls ads up to their advertiser, and lists every id with data when none are named', async () => {
    const { series } = await stack.client().stats.query({ level: 'advertiser', granularity: 'day', ...range });
    const byId = new Map(series.map((entry) => [entry.id, entry.totals]));
    assert.equal(byId.size, 2);
    assert.equal(byId.get(ids.advertiser)!.impressions, 550);
    assert.equal(byId.get(ids.otherAdvertiser)!.impressions, 1000);
    assert.equal(byId.get(ids.otherAdvertiser)!.ctr, 0.01);
  });

  it('answers an empty series for a named id without data', async () => {
    const { series } = await stack
      .client()
      .stats.query({ level: 'campaign', ids: [ids.campaignB, '01900000-0000-7000-8000-0000000000aa'], ...range });
    assert.equal(series.length, 2);
    assert.deepEqual(series[1], {
      level: 'campaign',
      id: '01900000-0000-7000-8000-0000000000aa',
      points: [],
      totals: { impressions: 0, viewableImpressions: 0, clicks: 0, spendMicros: 0, ctr: 0 },
    });
  });

  it('refuses ids that are not UUIDs and ranges too wide for hourly buckets, naming the field', async () => {
    const badId = await rejectsWith(
      stack.client().stats.query({ level: 'ad', ids: [ids.ad1, "1' OR '1'='1"], ...range }),
      'INVALID_PARAMS',
    );
    assert.deepEqual((badId.data as { issues: Array<{ path: unknown[] }> }).issues[0]!.path, ['ids', 1]);
    const wide = await rejectsWith(
      stack.client().stats.query({ level: 'ad', granularity: 'hour', from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }),
      'INVALID_PARAMS',
    );
    assert.deepEqual((wide.data as { issues: Array<{ path: unknown[] }> }).issues[0]!.path, ['to']);
  });
});
