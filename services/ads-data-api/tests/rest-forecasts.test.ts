// REST forecasts: POST /api/v1/forecasts over a synthetic 4-week history written straight into
// opportunity_hour and opportunity_day, as the roll-up would.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';
import { forecast } from '@ads/ads-client';

import { bearer, createRestFixture, type RestFixture } from './support/rest-fixture';
import { createAdvertiser, createCampaign } from './support/inventory-fixtures';
import {
  DAY_MS,
  HOUR_MS,
  syntheticHistory,
  syntheticRequests,
  writeOpportunityHistory,
  type SyntheticPlacement,
} from './support/opportunity-history';

let fixture: RestFixture;
let admin: string;
let advertiserKey: string;
let advertiserId: string;
let otherCampaignId: string;
let ownCampaignId: string;
let placements: SyntheticPlacement[];

/** A Monday: the history is the 28 days before it. */
const asOfMs = Date.parse('2026-11-30T00:00:00.000Z');
const asOf = new Date(asOfMs).toISOString();

function campaign(overrides: Record<string, unknown> = {}) {
  return {
    flightStart: asOf,
    flightEnd: new Date(asOfMs + 7 * DAY_MS).toISOString(),
    totalBudget: 0,
    bidAmount: 100,
    ...overrides,
  };
}

function forecastOf(body: object, key = admin) {
  return request(fixture.app).post('/api/v1/forecasts').set('authorization', key).send(body);
}

before(async () => {
  fixture = await createRestFixture();
  admin = bearer(fixture.adminKey);
  const news = await fixture.prisma.site.create({ data: { name: 'News', domain: 'news.forecast.test', category: 'News' } });
  const sport = await fixture.prisma.site.create({ data: { name: 'Sport', domain: 'sport.forecast.test', category: 'sport' } });
  const placement = async (siteId: string, key: string, base: number, category: string | null = null) => ({
    id: (await fixture.prisma.placement.create({ data: { siteId, key, name: key, allowedFormats: ['native'], category } })).id,
    key,
    base,
  });
  placements = [
    await placement(news.id, 'news-top', 100),
    await placement(news.id, 'news-side', 40),
    await placement(sport.id, 'sport-top', 60),
    await placement(sport.id, 'sport-news', 20, 'news'),
  ];
  await writeOpportunityHistory(fixture.prisma, syntheticHistory(placements, asOfMs - 28 * DAY_MS, 28));
  advertiserId = (await createAdvertiser(fixture.prisma)).id;
  const otherAdvertiserId = (await createAdvertiser(fixture.prisma)).id;
  advertiserKey = bearer((await fixture.advertiserKey(advertiserId)).secret);
  const flight = { flightStart: new Date(asOfMs - DAY_MS), flightEnd: new Date(asOfMs + 30 * DAY_MS) };
  otherCampaignId = (
    await createCampaign(fixture.prisma, otherAdvertiserId, { name: 'Rival sponsorship', priority: 'sponsorship', ...flight })
  ).id;
  ownCampaignId = (await createCampaign(fixture.prisma, advertiserId, { name: 'Own booking', countries: ['US'], ...flight })).id;
});
after(async () => {
  await fixture?.close();
});

/** Requests of the synthetic history on some placements over [fromMs, toMs). */
function requestsBetween(chosen: readonly SyntheticPlacement[], fromMs: number, toMs: number): number {
  let sum = 0;
  for (let hourMs = fromMs; hourMs < toMs; hourMs += HOUR_MS)
    for (const placement of chosen) sum += syntheticRequests(placement.base, hourMs);
  return sum;
}

describe('POST /forecasts', () => {
  it('forecasts each day of the flight from the same weekday-hours of the history, by category and country', async () => {
    const response = await forecastOf({ campaign: campaign({ targeting: { categories: ['NEWS'], countries: ['US'] } }), asOf });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const answer = forecast.forecastResponse.parse(response.body);
    assert.equal(answer.days.length, 7);
    const newsPlacements = placements.filter((placement) => placement.key !== 'sport-top');
    answer.days.forEach((day, index) => {
      const dayMs = asOfMs + index * DAY_MS;
      assert.equal(day.date, new Date(dayMs).toISOString().slice(0, 10));
      assert.equal(day.opportunities, Math.round(requestsBetween(newsPlacements, dayMs, dayMs + DAY_MS) * 0.5));
    });
    assert.equal(answer.history.lookbackDays, 28);
    assert.equal(answer.history.hoursWithData, 28 * 24);
    assert.equal(answer.history.from, new Date(asOfMs - 28 * DAY_MS).toISOString());
    assert.ok(answer.samplingError > 0 && answer.samplingError < 0.05, String(answer.samplingError));
    assert.ok(answer.assumptions.some((text) => /audience mix of a placement is the same at every hour/.test(text)));
  });

  it('answers zeros with "no recorded requests yet" when the lookback holds no history', async () => {
    const early = asOfMs - 120 * DAY_MS;
    const response = await forecastOf({
      campaign: campaign({ flightStart: new Date(early).toISOString(), flightEnd: new Date(early + 3 * DAY_MS).toISOString() }),
      asOf: new Date(early).toISOString(),
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.days.length, 3);
    assert.deepEqual(response.body.totals, { opportunities: 0, expectedImpressions: 0, expectedSpend: 0 });
    assert.equal(response.body.history.hoursWithData, 0);
    assert.ok(response.body.assumptions.some((text: string) => /no recorded requests yet/i.test(text)));
  });

  it('refuses bad input with a 422 naming the field, the line and column of a property expression fault', async () => {
    const faulty = await forecastOf({ campaign: campaign({ targeting: { properties: 'section = "sports" AND (' } }) });
    assert.equal(faulty.status, 422, JSON.stringify(faulty.body));
    assert.equal(faulty.body.code, 'VALIDATION_FAILED');
    assert.equal(faulty.body.errors[0].field, 'campaign.targeting.properties');
    assert.match(faulty.body.errors[0].message, /^line 1, column 25: expected a property key/);

    const backwards = await forecastOf({ campaign: campaign({ flightEnd: new Date(asOfMs - DAY_MS).toISOString() }) });
    assert.equal(backwards.status, 422);
    assert.equal(backwards.body.errors[0].field, 'campaign.flightEnd');

    const unknown = await forecastOf({ campaign: campaign(), budget: 5 });
    assert.equal(unknown.status, 422);
    const goal = await forecastOf({ campaign: campaign(), goalImpressions: 0 });
    assert.equal(goal.status, 422);
    assert.equal(goal.body.errors[0].field, 'goalImpressions');
    const zone = await forecastOf({ campaign: campaign({ timeZone: 'Mars/Olympus' }) });
    assert.equal(zone.status, 422);
    assert.equal(zone.body.errors[0].field, 'campaign.timeZone');
  });

  it('is for admin and advertiser keys; a service key is refused', async () => {
    const body = { campaign: campaign(), asOf };
    assert.equal((await forecastOf(body, bearer(fixture.serviceKey))).status, 403);
    assert.equal((await forecastOf(body, advertiserKey)).status, 200);
    assert.equal((await request(fixture.app).post('/api/v1/forecasts').send(body)).status, 401);
  });

  it("shows an advertiser key other advertisers' competitors without name or id, and its own by name", async () => {
    const body = { campaign: campaign({ targeting: { countries: ['US'] } }), asOf };
    const asAdmin = forecast.forecastResponse.parse((await forecastOf(body)).body);
    assert.deepEqual(
      asAdmin.competitors.map((competitor) => [competitor.campaignId, competitor.name, competitor.sharedOpportunities]),
      [
        [otherCampaignId, 'Rival sponsorship', 1],
        [ownCampaignId, 'Own booking', 1],
      ],
    );
    const asAdvertiser = await forecastOf(body, advertiserKey);
    assert.equal(asAdvertiser.status, 200);
    assert.deepEqual(asAdvertiser.body.competitors, [
      { name: 'another campaign', priority: 'sponsorship', sharedOpportunities: 1 },
      { campaignId: ownCampaignId, name: 'Own booking', priority: 'standard', sharedOpportunities: 1 },
    ]);
    assert.ok(!JSON.stringify(asAdvertiser.body).includes(otherCampaignId));
    assert.ok(!JSON.stringify(asAdvertiser.body).includes('Rival'));
  });

  it('leaves the forecast campaign out of the competition, and answers 404 for a campaign the key may not see', async () => {
    const own = await forecastOf(
      { campaign: campaign({ targeting: { countries: ['US'] } }), asOf, campaignId: ownCampaignId },
      advertiserKey,
    );
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.deepEqual(
      own.body.competitors.map((competitor: { name: string }) => competitor.name),
      ['another campaign'],
    );
    const hidden = await forecastOf({ campaign: campaign(), asOf, campaignId: otherCampaignId }, advertiserKey);
    assert.equal(hidden.status, 404);
  });
});
