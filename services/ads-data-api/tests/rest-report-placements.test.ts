// Stats by placement and site: rows ingested with placement keys (as the roll-up sends them),
// reports of a site or a placement, breakdowns by placement or site whose groups add up to the
// report without a breakdown (unattributed included), CSV equal to the JSON, delivery of sites
// and placements, and an advertiser key that sees only its own ads on a site.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';
import { rest } from '@ads/ads-client';

import { ingestStatsBatch } from '../src/store/stats-store';
import { createAd, createAdvertiser, createCampaign } from './support/inventory-fixtures';
import { bearer, createRestFixture, type RestFixture } from './support/rest-fixture';
import { testLogger } from './support/test-logger';

let fixture: RestFixture;
let admin: string;
let advertiserId: string;
let campaignId: string;
let adA: string;
let adB: string;
let otherAd: string;
let news: { id: string; top: string; side: string };
let blog: { id: string; top: string };

const hour = 3_600_000;
const day0 = Date.parse('2026-04-01T00:00:00Z');
const range = { from: new Date(day0).toISOString(), to: new Date(day0 + 48 * hour).toISOString() };
const currentHour = Math.floor(Date.now() / hour) * hour;

function statsRow(adId: string, at: number, impressions: number, placementKey?: string) {
  return {
    adId,
    hour: new Date(at).toISOString(),
    impressions,
    viewableImpressions: impressions / 2,
    clicks: impressions / 10,
    spendMicros: impressions * 1_000,
    ...(placementKey === undefined ? {} : { placementKey }),
  };
}

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  const { prisma } = fixture;
  advertiserId = (await createAdvertiser(prisma)).id;
  campaignId = (await createCampaign(prisma, advertiserId, { name: 'Placements' })).id;
  adA = (await createAd(prisma, campaignId, { title: 'Ad A' })).id;
  adB = (await createAd(prisma, campaignId, { title: 'Ad B' })).id;
  otherAd = (await createAd(prisma, (await createCampaign(prisma, (await createAdvertiser(prisma)).id)).id, { title: 'Other' })).id;
  const newsSite = await prisma.site.create({ data: { name: 'News', domain: 'news.placements.example' } });
  const blogSite = await prisma.site.create({ data: { name: 'Blog', domain: 'blog.placements.example' } });
  const placement = (siteId: string, key: string, name: string) =>
    prisma.placement.create({ data: { siteId, key, name, allowedFormats: ['native'] } }).then((row) => row.id);
  news = {
    id: newsSite.id,
    top: await placement(newsSite.id, 'news.top', 'News top'),
    side: await placement(newsSite.id, 'news.side', 'News side'),
  };
  blog = { id: blogSite.id, top: await placement(blogSite.id, 'blog.top', 'Blog top') };
  await ingestStatsBatch(
    prisma,
    {
      batchId: 'placements-1',
      rows: [
        statsRow(adA, day0 + hour, 100, 'news.top'),
        statsRow(adA, day0 + hour, 200, 'news.side'),
        statsRow(adB, day0 + 26 * hour, 300, 'news.top'),
        statsRow(adB, day0 + 30 * hour, 400, 'blog.top'),
        // Unknown placement, and a row of a roll-up that sent no placement: counted under the ad only.
        statsRow(adA, day0 + 2 * hour, 500, 'gone.placement'),
        statsRow(adB, day0 + 2 * hour, 600),
        statsRow(otherAd, day0 + hour, 7000, 'news.top'),
        statsRow(adA, currentHour, 10, 'news.top'),
        statsRow(otherAd, currentHour, 20, 'news.top'),
      ],
    },
    testLogger,
  );
});
after(async () => {
  await fixture?.close();
});

function getReport(path: string, query: Record<string, string>, authorization = admin) {
  return request(fixture.app).get(`/api/v1/reports/${path}`).query(query).set('authorization', authorization);
}

async function reportOf(path: string, query: Record<string, string>, authorization = admin) {
  const response = await getReport(path, query, authorization);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return rest.report.parse(response.body);
}

const totalsOf = (report: { groups?: Array<{ name: string; totals: { impressions: number } }> | undefined }) =>
  report.groups?.map((group) => [group.name, group.totals.impressions]);

/** The CSV this API writes, without quoted fields (the names here have none). */
function csvColumnSums(text: string): Record<string, number> {
  const [header, ...rows] = text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => line.split(','));
  const sums: Record<string, number> = {};
  for (const column of ['impressions', 'viewable_impressions', 'clicks', 'spend_micros']) {
    const index = header!.indexOf(column);
    sums[column] = rows.reduce((sum, row) => sum + Number(row[index]), 0);
  }
  return sums;
}

describe('reports by placement and site', () => {
  it('breaks a campaign down by placement and by site, the unattributed rest last, adding up to the report without a breakdown', async () => {
    const plain = await reportOf(`campaigns/${campaignId}`, { ...range, granularity: 'hour' });
    assert.equal(plain.totals.impressions, 2100);
    const byPlacement = await reportOf(`campaigns/${campaignId}`, { ...range, granularity: 'hour', groupBy: 'placement' });
    assert.deepEqual(totalsOf(byPlacement), [
      ['Blog top', 400],
      ['News side', 200],
      ['News top', 400],
      ['No known placement', 1100],
    ]);
    assert.deepEqual(
      byPlacement.groups?.map((group) => group.id),
      [blog.top, news.side, news.top, rest.UNATTRIBUTED_GROUP_ID],
    );
    assert.deepEqual(byPlacement.totals, plain.totals);
    assert.deepEqual(byPlacement.points, plain.points);
    const bySite = await reportOf(`campaigns/${campaignId}`, { ...range, granularity: 'day', groupBy: 'site' });
    assert.deepEqual(totalsOf(bySite), [
      ['Blog', 400],
      ['News', 600],
      ['No known site', 1100],
    ]);
    assert.deepEqual(bySite.totals, plain.totals);
  });

  it('reports a site over its placements and every advertiser, by placement, ad or campaign', async () => {
    const site = await reportOf(`sites/${news.id}`, { ...range, granularity: 'day' });
    assert.equal(site.level, 'site');
    assert.equal(site.source, 'database');
    assert.deepEqual(
      site.points.map((point) => point.impressions),
      [7300, 300],
    );
    assert.ok(site.asOf !== null);
    const byPlacement = await reportOf(`sites/${news.id}`, { ...range, groupBy: 'placement' });
    assert.deepEqual(totalsOf(byPlacement), [
      ['News side', 200],
      ['News top', 7400],
    ]);
    assert.deepEqual(byPlacement.totals, site.totals);
    const byAd = await reportOf(`sites/${news.id}`, { ...range, groupBy: 'ad' });
    assert.deepEqual(totalsOf(byAd), [
      ['Ad A', 300],
      ['Ad B', 300],
      ['Other', 7000],
    ]);
    const placement = await reportOf(`placements/${news.top}`, { ...range, granularity: 'hour', groupBy: 'site' });
    assert.equal(placement.level, 'placement');
    assert.deepEqual(totalsOf(placement), [['News', 7400]]);
    assert.equal(placement.points.length, 48);
  });

  it('answers a site report by placement as CSV whose columns sum to the JSON totals', async () => {
    const query = { ...range, granularity: 'hour', groupBy: 'placement' };
    const json = await reportOf(`sites/${news.id}`, query);
    const csv = await getReport(`sites/${news.id}`, { ...query, format: 'csv' });
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-disposition'] ?? '', new RegExp(`filename="site-${news.id}-.*-hour-by-placement\\.csv"`));
    assert.ok(csv.text.startsWith('bucket,placement_id,placement_name,impressions,'));
    assert.deepEqual(csvColumnSums(csv.text), {
      impressions: json.totals.impressions,
      viewable_impressions: json.totals.viewableImpressions,
      clicks: json.totals.clicks,
      spend_micros: json.totals.spendMicros,
    });
    const byCampaignSite = await reportOf(`campaigns/${campaignId}`, { ...range, groupBy: 'site' });
    const campaignCsv = await getReport(`campaigns/${campaignId}`, { ...range, groupBy: 'site', format: 'csv' });
    assert.equal(csvColumnSums(campaignCsv.text).impressions, byCampaignSite.totals.impressions);
    assert.match(campaignCsv.text, /,unattributed,No known site,/);
  });

  it("shows an advertiser key only its own ads' part of a site, and 404 for what does not exist", async () => {
    const key = bearer((await fixture.advertiserKey(advertiserId)).secret);
    const site = await reportOf(`sites/${news.id}`, { ...range, groupBy: 'ad' }, key);
    assert.deepEqual(totalsOf(site), [
      ['Ad A', 300],
      ['Ad B', 300],
    ]);
    const missing = news.id.replace(/.$/, (last) => (last === '0' ? '1' : '0'));
    for (const path of [`sites/${missing}`, `placements/${missing}`]) assert.equal((await getReport(path, range)).status, 404, path);
    const bad = await getReport(`sites/${news.id}`, { ...range, groupBy: 'country' });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].field, 'groupBy');
  });

  it('gives sites and placements delivery figures: since they began and today (UTC)', async () => {
    const delivery = async (level: string, ids: string[], authorization = admin) => {
      const response = await request(fixture.app)
        .get('/api/v1/delivery')
        .query({ level, ids: ids.join(',') })
        .set('authorization', authorization);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return rest.delivery.parse(response.body).items;
    };
    const sites = await delivery('site', [blog.id, news.id]);
    assert.deepEqual(
      sites.map((row) => [row.id, row.impressions, row.clicks, row.spendMicros, row.today.impressions, row.today.timeZone]),
      [
        [blog.id, 400, 40, 400_000, 0, 'UTC'],
        [news.id, 7630, 763, 7_630_000, 30, 'UTC'],
      ],
    );
    assert.equal(sites[1]!.ctr, 0.1);
    const placements = await delivery('placement', [news.top, news.side, blog.top]);
    assert.deepEqual(
      placements.map((row) => [row.impressions, row.today.impressions]),
      [
        [7430, 30],
        [200, 0],
        [400, 0],
      ],
    );
    const key = bearer((await fixture.advertiserKey(advertiserId)).secret);
    const own = await delivery('placement', [news.top], key);
    assert.deepEqual(
      own.map((row) => [row.impressions, row.today.impressions]),
      [[410, 10]],
    );
  });

  it('is documented in the OpenAPI document', async () => {
    const document = (await request(fixture.app).get('/api/v1/openapi.json')).body;
    for (const [path, operationId] of [
      ['/reports/sites/{id}', 'getSiteReport'],
      ['/reports/placements/{id}', 'getPlacementReport'],
    ] as const) {
      const operation = document.paths[path].get;
      assert.equal(operation.operationId, operationId);
      assert.ok(operation.responses['200'].content['text/csv'], path);
    }
    const groupBy = document.paths['/reports/campaigns/{id}'].get.parameters.find(
      (parameter: { name: string }) => parameter.name === 'groupBy',
    );
    assert.deepEqual(groupBy.schema.enum, ['ad', 'campaign', 'placement', 'site']);
  });
});
