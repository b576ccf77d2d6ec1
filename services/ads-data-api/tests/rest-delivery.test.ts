// REST delivery: a list page's advertisers, campaigns or ads with their impressions, clicks,
// CTR and spend since they began and today (in the campaign's time zone), in one read.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';
import { localDay, rest } from '@ads/ads-client';

import { bearer, createRestFixture, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let admin: string;
let advertiserId: string;
let otherAdvertiserId: string;
let utcCampaign: string;
let tokyoCampaign: string;
let otherCampaign: string;
let adA: string;
let adB: string;

const hour = 3_600_000;
/** The current day of a zone as the API writes it (localDay writes YYYYMMDD). */
const isoDayIn = (timeZone: string) => localDay(Date.now(), timeZone).day.replace(/^(\d{4})(\d{2})(\d{2})$/, '$1-$2-$3');

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  const now = Date.now();
  const campaign = async (advertiser: string, name: string, timeZone: string) =>
    (
      await fixture.prisma.campaign.create({
        data: {
          advertiserId: advertiser,
          name,
          timeZone,
          flightStart: new Date(now - 10 * 24 * hour),
          flightEnd: new Date(now + 10 * 24 * hour),
          totalBudget: 100_000,
          bidAmount: 200,
        },
      })
    ).id;
  advertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Delivered' } })).id;
  otherAdvertiserId = (await fixture.prisma.advertiser.create({ data: { name: 'Someone else' } })).id;
  utcCampaign = await campaign(advertiserId, 'UTC campaign', 'UTC');
  tokyoCampaign = await campaign(advertiserId, 'Tokyo campaign', 'Asia/Tokyo');
  otherCampaign = await campaign(otherAdvertiserId, 'Other campaign', 'UTC');
  const ad = async (campaignId: string, title: string) =>
    (await fixture.prisma.ad.create({ data: { campaignId, format: 'native', title, clickUrl: 'https://a.example' } })).id;
  adA = await ad(utcCampaign, 'A');
  adB = await ad(utcCampaign, 'B');
  const adTokyo = await ad(tokyoCampaign, 'T');
  const adOther = await ad(otherCampaign, 'O');
  const thisHour = Math.floor(now / hour) * hour;
  const rows = [
    // Today (the current UTC hour) and three days ago.
    { adId: adA, campaignId: utcCampaign, hour: thisHour, impressions: 100, clicks: 4, spendMicros: 300_000n },
    { adId: adA, campaignId: utcCampaign, hour: thisHour - 72 * hour, impressions: 900, clicks: 6, spendMicros: 2_700_000n },
    { adId: adB, campaignId: utcCampaign, hour: thisHour - 72 * hour, impressions: 1000, clicks: 0, spendMicros: 1_000_000n },
    { adId: adTokyo, campaignId: tokyoCampaign, hour: thisHour, impressions: 50, clicks: 5, spendMicros: 500_000n },
    { adId: adOther, campaignId: otherCampaign, hour: thisHour, impressions: 7, clicks: 1, spendMicros: 70_000n },
  ];
  for (const row of rows) await fixture.prisma.hourlyStat.create({ data: { ...row, hour: new Date(row.hour) } });
});
after(async () => {
  await fixture?.close();
});

function delivery(level: string, ids: string[], key = admin) {
  return request(fixture.app)
    .get('/api/v1/delivery')
    .query({ level, ids: ids.join(',') })
    .set('authorization', key);
}

describe('GET /delivery', () => {
  it('answers each campaign since it began and today, in the order asked, with zeros for none', async () => {
    const empty = (
      await fixture.prisma.campaign.create({
        data: {
          advertiserId,
          name: 'Quiet',
          flightStart: new Date(),
          flightEnd: new Date(Date.now() + hour),
          totalBudget: 1,
          bidAmount: 1,
        },
      })
    ).id;
    const response = await delivery('campaign', [tokyoCampaign, utcCampaign, empty]);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const body = rest.delivery.parse(response.body);
    assert.deepEqual(
      body.items.map((item) => item.id),
      [tokyoCampaign, utcCampaign, empty],
    );
    const [tokyo, utc, quiet] = body.items;
    assert.deepEqual(
      { impressions: utc!.impressions, clicks: utc!.clicks, spendMicros: utc!.spendMicros, ctr: utc!.ctr },
      { impressions: 2000, clicks: 10, spendMicros: 4_000_000, ctr: 10 / 2000 },
    );
    assert.deepEqual(utc!.today, { day: isoDayIn('UTC'), timeZone: 'UTC', impressions: 100, clicks: 4, ctr: 0.04, spendMicros: 300_000 });
    assert.equal(tokyo!.today.timeZone, 'Asia/Tokyo');
    assert.equal(tokyo!.today.day, isoDayIn('Asia/Tokyo'));
    assert.equal(tokyo!.today.impressions, 50, 'the current hour belongs to the current day of any zone');
    assert.deepEqual(quiet, {
      id: empty,
      impressions: 0,
      clicks: 0,
      ctr: 0,
      spendMicros: 0,
      today: { ...quiet!.today, impressions: 0, clicks: 0, ctr: 0, spendMicros: 0 },
    });
  });

  it('sums ads and advertisers', async () => {
    const ads = rest.delivery.parse((await delivery('ad', [adA, adB])).body);
    assert.deepEqual(
      ads.items.map((item) => [item.impressions, item.today.impressions]),
      [
        [1000, 100],
        [1000, 0],
      ],
    );
    const advertisers = rest.delivery.parse((await delivery('advertiser', [advertiserId, otherAdvertiserId])).body);
    assert.deepEqual(
      advertisers.items.map((item) => [item.impressions, item.clicks, item.spendMicros]),
      [
        [2050, 15, 4_500_000],
        [7, 1, 70_000],
      ],
    );
  });

  it('leaves out what an advertiser key may not see', async () => {
    const key = await fixture.advertiserKey(advertiserId);
    const campaigns = rest.delivery.parse((await delivery('campaign', [utcCampaign, otherCampaign], bearer(key.secret))).body);
    assert.deepEqual(
      campaigns.items.map((item) => item.id),
      [utcCampaign],
    );
    const advertisers = rest.delivery.parse((await delivery('advertiser', [advertiserId, otherAdvertiserId], bearer(key.secret))).body);
    assert.deepEqual(
      advertisers.items.map((item) => item.id),
      [advertiserId],
    );
  });

  it('refuses ids that are not row ids, no ids, too many ids and an unknown level, naming the field', async () => {
    for (const [query, field] of [
      [{ level: 'campaign', ids: 'nope' }, 'ids.0'],
      [{ level: 'campaign', ids: '' }, 'ids'],
      [{ level: 'campaign', ids: Array.from({ length: 201 }, () => utcCampaign).join(',') }, 'ids'],
      [{ level: 'publisher', ids: utcCampaign }, 'level'],
    ] as const) {
      const response = await request(fixture.app).get('/api/v1/delivery').query(query).set('authorization', admin);
      assert.equal(response.status, 422, JSON.stringify(response.body));
      assert.equal(response.body.code, 'VALIDATION_FAILED');
      assert.ok(
        (response.body.errors as Array<{ field: string }>).some((error) => error.field === field),
        `${JSON.stringify(query).slice(0, 80)}: ${JSON.stringify(response.body.errors)}`,
      );
    }
  });

  it('is in the OpenAPI document', async () => {
    const document = (await request(fixture.app).get('/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
    assert.ok(document.paths['/delivery'], 'GET /delivery is documented');
  });
});
