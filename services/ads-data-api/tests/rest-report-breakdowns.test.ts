// REST reports broken down by ad or campaign, for an advertiser, campaign or ad, as JSON and
// as CSV; stats stored without placements unattributed by placement or site; advertiser keys
// scoped. Reports of and by placements and sites: rest-report-placements.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';
import { rest } from '@ads/ads-client';

import { bearer, createRestFixture, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let admin: string;
let advertiserId: string;
let otherAdvertiserId: string;
let campaignOne: string;
let campaignTwo: string;
let adA: string;
let adB: string;
let adC: string;

const hour = 3_600_000;
const day0 = Date.parse('2026-04-01T00:00:00Z');
const range = { from: new Date(day0).toISOString(), to: new Date(day0 + 48 * hour).toISOString() };

async function createCampaign(advertiser: string, name: string): Promise<string> {
  const campaign = await fixture.prisma.campaign.create({
    data: {
      advertiserId: advertiser,
      name,
      flightStart: new Date(day0 - 24 * hour),
      flightEnd: new Date(day0 + 30 * 24 * hour),
      totalBudget: 100_000,
      bidAmount: 200,
    },
  });
  return campaign.id;
}

async function createAd(campaignId: string, title: string): Promise<string> {
  return (await fixture.prisma.ad.create({ data: { campaignId, format: 'native', title, clickUrl: 'https://ad.example' } })).id;
}

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  advertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Broken Down' } })).id;
  otherAdvertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Someone Else' } })).id;
  campaignOne = await createCampaign(advertiserId, 'Spring');
  campaignTwo = await createCampaign(advertiserId, 'Summer');
  const otherCampaign = await createCampaign(otherAdvertiserId, 'Not theirs');
  adA = await createAd(campaignOne, 'Ad "A", with a comma');
  adB = await createAd(campaignOne, 'Ad B');
  adC = await createAd(campaignTwo, '=Ad C');
  const otherAd = await createAd(otherCampaign, 'Other');
  const rows = [
    {
      adId: adA,
      campaignId: campaignOne,
      hour: day0 + 1 * hour,
      impressions: 900,
      viewableImpressions: 800,
      clicks: 9,
      spendMicros: 1_800_000n,
    },
    {
      adId: adB,
      campaignId: campaignOne,
      hour: day0 + 1 * hour,
      impressions: 300,
      viewableImpressions: 200,
      clicks: 3,
      spendMicros: 600_000n,
    },
    {
      adId: adB,
      campaignId: campaignOne,
      hour: day0 + 26 * hour,
      impressions: 100,
      viewableImpressions: 50,
      clicks: 1,
      spendMicros: 200_000n,
    },
    {
      adId: adC,
      campaignId: campaignTwo,
      hour: day0 + 30 * hour,
      impressions: 50,
      viewableImpressions: 40,
      clicks: 2,
      spendMicros: 100_000n,
    },
    {
      adId: otherAd,
      campaignId: otherCampaign,
      hour: day0 + 1 * hour,
      impressions: 7777,
      viewableImpressions: 7000,
      clicks: 77,
      spendMicros: 7_000_000n,
    },
  ];
  for (const row of rows) await fixture.prisma.hourlyStat.create({ data: { ...row, hour: new Date(row.hour) } });
});
after(async () => {
  await fixture?.close();
});

function getReport(path: string, query: Record<string, string>, authorization = admin) {
  return request(fixture.app).get(`/api/v1/reports/${path}`).query(query).set('authorization', authorization);
}

/** Parses the CSV this API writes (quoted fields may hold commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  return text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((match) => match[1]!).slice(0, -1))
    .map((fields) => fields.map((field) => (field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field)));
}

function columnSum(rows: string[][], header: string[], column: string): number {
  const index = header.indexOf(column);
  return rows.reduce((sum, row) => sum + Number(row[index]), 0);
}

describe('reports broken down', () => {
  it('breaks a campaign down by ad: one series per ad with stats, adding up to the totals', async () => {
    const response = await getReport(`campaigns/${campaignOne}`, { ...range, granularity: 'day', groupBy: 'ad' });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const report = rest.report.parse(response.body);
    assert.equal(report.groupBy, 'ad');
    assert.equal(report.source, 'database');
    assert.deepEqual(
      report.groups?.map((group) => [group.level, group.id, group.name, group.points.map((point) => point.impressions)]),
      [
        ['ad', adA, 'Ad "A", with a comma', [900, 0]],
        ['ad', adB, 'Ad B', [300, 100]],
      ],
    );
    assert.deepEqual(report.totals, { impressions: 1300, viewableImpressions: 1050, clicks: 13, spendMicros: 2_600_000, ctr: 0.01 });
    assert.ok(report.asOf !== null);
  });

  it('reports an advertiser over all its campaigns, by campaign, and nothing of other advertisers', async () => {
    const plain = await getReport(`advertisers/${advertiserId}`, { ...range, granularity: 'hour' });
    assert.equal(plain.status, 200, JSON.stringify(plain.body));
    assert.equal(plain.body.level, 'advertiser');
    assert.equal(plain.body.points.length, 48);
    assert.equal(plain.body.totals.impressions, 1350);
    assert.equal(plain.body.groups, undefined);
    const byCampaign = await getReport(`advertisers/${advertiserId}`, { ...range, granularity: 'day', groupBy: 'campaign' });
    assert.deepEqual(
      byCampaign.body.groups.map((group: { name: string; totals: { impressions: number } }) => [group.name, group.totals.impressions]),
      [
        ['Spring', 1300],
        ['Summer', 50],
      ],
    );
    assert.deepEqual(byCampaign.body.totals, plain.body.totals);
  });

  it('answers CSV with a header, one row per bucket and ad, and columns that sum to the JSON totals', async () => {
    const query = { ...range, granularity: 'hour', groupBy: 'ad' };
    const json = await getReport(`advertisers/${advertiserId}`, query);
    const csv = await getReport(`advertisers/${advertiserId}`, { ...query, format: 'csv' });
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'] ?? '', /^text\/csv; charset=utf-8/);
    assert.match(
      csv.headers['content-disposition'] ?? '',
      new RegExp(`^attachment; filename="advertiser-${advertiserId}-2026-04-01T00-2026-04-03T00-hour-by-ad\\.csv"$`),
    );
    const [header, ...rows] = parseCsv(csv.text);
    assert.deepEqual(header, ['bucket', 'ad_id', 'ad_name', 'impressions', 'viewable_impressions', 'clicks', 'spend_micros', 'ctr']);
    assert.equal(rows.length, 3 * 48, 'every hour of every ad with stats');
    assert.deepEqual([...new Set(rows.map((row) => row[2]))], ["'=Ad C", 'Ad "A", with a comma', 'Ad B']);
    for (const [column, field] of [
      ['impressions', 'impressions'],
      ['viewable_impressions', 'viewableImpressions'],
      ['clicks', 'clicks'],
      ['spend_micros', 'spendMicros'],
    ] as const) {
      assert.equal(columnSum(rows, header, column), json.body.totals[field], column);
    }
  });

  it('answers CSV without a breakdown: one row per bucket', async () => {
    const csv = await getReport(`ads/${adB}`, { ...range, granularity: 'day', format: 'csv' });
    assert.equal(csv.status, 200);
    assert.equal(
      csv.text,
      'bucket,impressions,viewable_impressions,clicks,spend_micros,ctr\r\n2026-04-01T00:00:00.000Z,300,200,3,600000,0.01\r\n2026-04-02T00:00:00.000Z,100,50,1,200000,0.01\r\n',
    );
  });

  it('puts stats rolled up without placements in the unattributed group of a placement or site breakdown, and refuses bad parameters naming them', async () => {
    for (const groupBy of ['placement', 'site']) {
      const response = await getReport(`campaigns/${campaignOne}`, { ...range, groupBy });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      const report = rest.report.parse(response.body);
      assert.deepEqual(
        report.groups?.map((group) => [group.level, group.id, group.totals]),
        [[groupBy, rest.UNATTRIBUTED_GROUP_ID, report.totals]],
      );
      assert.equal(report.totals.impressions, 1300);
    }
    const cases: Array<[Record<string, string>, string]> = [
      [{ groupBy: 'country' }, 'groupBy'],
      [{ format: 'xlsx' }, 'format'],
      [{ from: '2026-01-01T00:00:00Z', to: '2027-03-01T00:00:00Z', granularity: 'day' }, 'from'],
      [{ from: '2026-04-02T00:00:00Z', to: '2026-04-01T00:00:00Z', groupBy: 'ad' }, 'to'],
      [{ to: 'yesterday' }, 'to'],
    ];
    for (const [query, field] of cases) {
      const response = await getReport(`advertisers/${advertiserId}`, query);
      assert.equal(response.status, 422, JSON.stringify(query));
      assert.equal(response.body.errors[0].field, field, JSON.stringify(query));
    }
  });

  it("shows an advertiser key its own advertiser's reports only", async () => {
    const key = bearer((await fixture.advertiserKey(advertiserId)).secret);
    const own = await getReport(`advertisers/${advertiserId}`, { ...range, groupBy: 'ad' }, key);
    assert.equal(own.status, 200);
    assert.equal(own.body.totals.impressions, 1350);
    for (const path of [`advertisers/${otherAdvertiserId}`, `campaigns/${campaignOne.replace(/.$/, '0')}`]) {
      const response = await getReport(path, { ...range, format: 'csv' }, key);
      assert.equal(response.status, 404, path);
    }
    const theirs = await fixture.prisma.campaign.findFirstOrThrow({ where: { advertiserId: otherAdvertiserId } });
    assert.equal((await getReport(`campaigns/${theirs.id}`, { ...range, groupBy: 'ad' }, key)).status, 404);
  });

  it('is documented in the OpenAPI document, with the CSV media type', async () => {
    const document = (await request(fixture.app).get('/api/v1/openapi.json')).body;
    const operation = document.paths['/reports/advertisers/{id}'].get;
    assert.equal(operation.operationId, 'getAdvertiserReport');
    const names = operation.parameters.map((parameter: { name: string }) => parameter.name);
    for (const name of ['from', 'to', 'granularity', 'groupBy', 'format']) assert.ok(names.includes(name), name);
    assert.ok(operation.responses['200'].content['text/csv']);
    assert.ok(document.paths['/reports/campaigns/{id}'].get.responses['200'].content['text/csv']);
  });
});
