// REST reports: stats of a campaign or an ad by hour or day, from the warmed Redis time series
// for the buckets it holds unchanged since its warm, from HourlyStat for the rest, with asOf.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';
import { rest, TimeSeriesStore } from '@ads/ads-client';

import { bearer, createRestFixture, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let admin: string;
let campaignId: string;
let adA: string;
let adB: string;

const hour = 3_600_000;
const day0 = Date.parse('2026-03-10T00:00:00Z');

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  const advertiser = await fixture.prisma.advertiser.create({ data: { name: 'Reporter' } });
  const campaign = await fixture.prisma.campaign.create({
    data: {
      advertiserId: advertiser.id,
      name: 'Reported',
      flightStart: new Date(day0 - 10 * 24 * hour),
      flightEnd: new Date(day0 + 30 * 24 * hour),
      totalBudget: 100_000,
      bidAmount: 200,
    },
  });
  campaignId = campaign.id;
  adA = (await fixture.prisma.ad.create({ data: { campaignId, format: 'native', title: 'A', clickUrl: 'https://a.example' } })).id;
  adB = (await fixture.prisma.ad.create({ data: { campaignId, format: 'native', title: 'B', clickUrl: 'https://b.example' } })).id;
  const rows = [
    { adId: adA, hour: day0 + 1 * hour, impressions: 1000, viewableImpressions: 800, clicks: 10, spendMicros: 2_000_000n },
    { adId: adA, hour: day0 + 3 * hour, impressions: 500, viewableImpressions: 400, clicks: 5, spendMicros: 1_000_000n },
    { adId: adB, hour: day0 + 3 * hour, impressions: 500, viewableImpressions: 100, clicks: 0, spendMicros: 1_000_000n },
    { adId: adB, hour: day0 + 24 * hour + 5 * hour, impressions: 2000, viewableImpressions: 1500, clicks: 40, spendMicros: 4_000_000n },
  ];
  for (const row of rows) await fixture.prisma.hourlyStat.create({ data: { ...row, campaignId, hour: new Date(row.hour) } });
});
after(async () => {
  await fixture?.close();
});

function api() {
  return request(fixture.app);
}

function campaignReport(fromMs: number, toMs: number, granularity: 'hour' | 'day') {
  return api()
    .get(`/api/v1/reports/campaigns/${campaignId}`)
    .query({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), granularity })
    .set('authorization', admin);
}

describe('reports from the database', () => {
  it('answers every hour of the range with zeros where nothing happened, totals and CTR', async () => {
    const response = await api()
      .get(`/api/v1/reports/campaigns/${campaignId}`)
      .query({ from: new Date(day0).toISOString(), to: new Date(day0 + 6 * hour).toISOString(), granularity: 'hour' })
      .set('authorization', admin);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const report = rest.report.parse(response.body);
    assert.equal(report.source, 'database');
    assert.equal(report.points.length, 6);
    assert.deepEqual(
      report.points.map((point) => point.impressions),
      [0, 1000, 0, 1000, 0, 0],
    );
    assert.equal(report.points[3]!.viewableImpressions, 500);
    assert.equal(report.points[3]!.spendMicros, 2_000_000);
    assert.equal(report.points[1]!.ctr, 0.01);
    assert.deepEqual(report.totals, { impressions: 2000, viewableImpressions: 1300, clicks: 15, spendMicros: 4_000_000, ctr: 0.0075 });
    const newest = await fixture.prisma.hourlyStat.aggregate({
      _max: { updatedAt: true },
      where: { campaignId, hour: { gte: new Date(day0), lt: new Date(day0 + 6 * hour) } },
    });
    assert.equal(report.asOf, newest._max.updatedAt?.toISOString(), 'asOf: the latest roll-up of the rows counted');
  });

  it('has no asOf for a range without stats', async () => {
    const response = await campaignReport(day0 + 10 * 24 * hour, day0 + 11 * 24 * hour, 'hour');
    assert.equal(response.body.asOf, null);
    assert.equal(response.body.totals.impressions, 0);
  });

  it('sums UTC days, and an ad report counts only that ad', async () => {
    const byDay = await campaignReport(day0, day0 + 48 * hour, 'day');
    assert.deepEqual(
      byDay.body.points.map((point: { bucket: string; clicks: number }) => [point.bucket, point.clicks]),
      [
        ['2026-03-10T00:00:00.000Z', 15],
        ['2026-03-11T00:00:00.000Z', 40],
      ],
    );
    const adReport = await api()
      .get(`/api/v1/reports/ads/${adB}`)
      .query({ from: new Date(day0).toISOString(), to: new Date(day0 + 48 * hour).toISOString(), granularity: 'day' })
      .set('authorization', admin);
    assert.equal(adReport.body.level, 'ad');
    assert.deepEqual(adReport.body.totals, {
      impressions: 2500,
      viewableImpressions: 1600,
      clicks: 40,
      spendMicros: 5_000_000,
      ctr: 0.016,
    });
  });

  it('rounds the range out to whole buckets and defaults the granularity to day', async () => {
    const response = await api()
      .get(`/api/v1/reports/campaigns/${campaignId}`)
      .query({ from: '2026-03-10T05:30:00Z', to: '2026-03-11T00:00:01Z' })
      .set('authorization', admin);
    assert.equal(response.body.granularity, 'day');
    assert.equal(response.body.from, '2026-03-10T00:00:00.000Z');
    assert.equal(response.body.to, '2026-03-12T00:00:00.000Z');
  });

  it('refuses bad ranges and parameters, naming them', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ granularity: 'week' }, 'granularity'],
      [{ from: '2026-03-10T05:00:00Z', to: '2026-03-10T01:00:00Z', granularity: 'hour' }, 'to'],
      [{ from: '2026-01-01T00:00:00Z', to: '2026-03-10T00:00:00Z', granularity: 'hour' }, 'from'],
      [{ from: 'last tuesday' }, 'from'],
      [{ level: 'campaign' }, 'level'],
    ];
    for (const [query, field] of cases) {
      const response = await api().get(`/api/v1/reports/campaigns/${campaignId}`).query(query).set('authorization', admin);
      assert.equal(response.status, 422, JSON.stringify(query));
      assert.equal(response.body.errors[0].field, field, JSON.stringify(query));
    }
    const missing = await api().get('/api/v1/reports/ads/01900000-0000-7000-8000-000000000000').set('authorization', admin);
    assert.equal(missing.status, 404);
  });
});

describe('reports from the warmed cache', () => {
  const cachedIngestAt = '2026-03-10T02:05:00.000Z';
  before(async () => {
    const store = new TimeSeriesStore(fixture.redis, fixture.keys);
    // Deliberately different from the database, so the answer shows where it was read.
    await store.replaceSeries(
      [
        {
          level: 'campaign',
          id: campaignId,
          granularity: 'hour',
          points: [
            {
              bucket: new Date(day0 + 1 * hour).toISOString(),
              impressions: 7,
              viewableImpressions: 6,
              clicks: 1,
              spendMicros: 70,
              ctr: 1 / 7,
              lastIngestAt: cachedIngestAt,
            },
          ],
        },
        {
          level: 'campaign',
          id: campaignId,
          granularity: 'day',
          points: [
            {
              bucket: new Date(day0).toISOString(),
              impressions: 9,
              viewableImpressions: 8,
              clicks: 1,
              spendMicros: 90,
              ctr: 1 / 9,
              lastIngestAt: cachedIngestAt,
            },
          ],
        },
      ],
      { ttlSeconds: 600 },
    );
    await store.writeMeta(
      {
        warmedAt: new Date().toISOString(),
        from: new Date(day0).toISOString(),
        to: new Date(day0 + 24 * hour).toISOString(),
        retentionDays: 30,
      },
      600,
    );
  });

  it('reads the series from Redis when its last warm covers the range', async () => {
    const response = await api()
      .get(`/api/v1/reports/campaigns/${campaignId}`)
      .query({ from: new Date(day0).toISOString(), to: new Date(day0 + 4 * hour).toISOString(), granularity: 'hour' })
      .set('authorization', admin);
    assert.equal(response.body.source, 'cache');
    assert.deepEqual(
      response.body.points.map((point: { impressions: number }) => point.impressions),
      [0, 7, 0, 0],
    );
    assert.equal(response.body.totals.spendMicros, 70);
    assert.equal(response.body.asOf, cachedIngestAt);
  });

  it('reads the hours after the warm from the database and the rest from the cache', async () => {
    const response = await campaignReport(day0, day0 + 30 * hour, 'hour');
    assert.equal(response.body.source, 'mixed');
    assert.equal(response.body.points[1].impressions, 7, 'warmed hour from the cache');
    assert.equal(response.body.points[29].impressions, 2000, 'hour after the warm from the database');
    assert.equal(response.body.totals.impressions, 2007);
    assert.ok(Date.parse(response.body.asOf) > Date.parse(cachedIngestAt), 'asOf: the newer of the two sources');
  });

  it('reads the buckets a roll-up changed after the warm from the database', async () => {
    const store = new TimeSeriesStore(fixture.redis, fixture.keys);
    await store.markChanged([{ level: 'campaign', id: campaignId, fromMs: day0 + 3 * hour }]);
    try {
      const byHour = await campaignReport(day0, day0 + 4 * hour, 'hour');
      assert.equal(byHour.body.source, 'mixed');
      assert.deepEqual(
        byHour.body.points.map((point: { impressions: number }) => point.impressions),
        [0, 7, 0, 1000],
      );
      const byDay = await campaignReport(day0, day0 + 24 * hour, 'day');
      assert.equal(byDay.body.source, 'database', 'the changed hour makes its whole day come from the database');
      assert.equal(byDay.body.totals.impressions, 2000);
      // A warm that started after the change clears the mark; the cache answers again.
      assert.equal(await store.clearChangesBefore(await store.changeClock()), 1);
      const warmedAgain = await campaignReport(day0, day0 + 24 * hour, 'day');
      assert.equal(warmedAgain.body.source, 'cache');
      assert.equal(warmedAgain.body.totals.impressions, 9);
    } finally {
      await fixture.redis.del(fixture.keys.timeSeriesChange('campaign', campaignId));
    }
  });

  it('keeps a change mark newer than the warm that clears', async () => {
    const store = new TimeSeriesStore(fixture.redis, fixture.keys);
    const clockBeforeChange = await store.changeClock();
    await store.markChanged([{ level: 'ad', id: adB, fromMs: day0 }]);
    try {
      assert.equal(await store.clearChangesBefore(clockBeforeChange), 0);
      assert.equal(await fixture.redis.exists(fixture.keys.timeSeriesChange('ad', adB)), 1);
    } finally {
      await fixture.redis.del(fixture.keys.timeSeriesChange('ad', adB));
    }
  });

  it('reads the database for series warmed before points carried lastIngestAt', async () => {
    const key = fixture.keys.timeSeries('campaign', campaignId, 'hour');
    const field = new Date(day0 + 1 * hour).toISOString();
    const current = await fixture.redis.hget(key, field);
    await fixture.redis.hset(
      key,
      field,
      JSON.stringify({ impressions: 7, viewableImpressions: 6, clicks: 1, spendMicros: 70, ctr: 1 / 7 }),
    );
    try {
      const response = await campaignReport(day0, day0 + 4 * hour, 'hour');
      assert.equal(response.body.source, 'database');
      assert.equal(response.body.totals.impressions, 2000);
    } finally {
      await fixture.redis.hset(key, field, current!);
    }
  });

  it('falls back to the database when a cached entry is malformed', async () => {
    await fixture.redis.hset(fixture.keys.timeSeries('ad', adA, 'hour'), new Date(day0 + hour).toISOString(), 'not json');
    const response = await api()
      .get(`/api/v1/reports/ads/${adA}`)
      .query({ from: new Date(day0).toISOString(), to: new Date(day0 + 4 * hour).toISOString(), granularity: 'hour' })
      .set('authorization', admin);
    assert.equal(response.status, 200);
    assert.equal(response.body.source, 'database');
    assert.equal(response.body.totals.impressions, 1500);
  });
});
