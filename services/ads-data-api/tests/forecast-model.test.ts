// The forecast model on a synthetic history with a known weekly x daily pattern and audience mix
// (tests/support/opportunity-history.ts): pure, no database.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { OPEN_TARGETING } from '@ads/bench-kit';
import { FORECAST_MAX_DAYS, localWallClock, type OpportunitySample, type Targeting } from '@ads/ads-client';

import {
  DEFAULT_PLATFORM_CTR,
  computeForecast,
  type BookedCampaign,
  type ForecastCampaignTerms,
  type ForecastModelInput,
} from '../src/domain/forecast-model';
import { frequencyCapKeeps } from '../src/domain/frequency-cap-simulation';
import { DAY_MS, HOUR_MS, syntheticHistory, syntheticRequests, type SyntheticPlacement } from './support/opportunity-history';

/** A Monday, midnight UTC. */
const asOfMs = Date.parse('2026-11-30T00:00:00.000Z');
const placements: SyntheticPlacement[] = [
  { id: 'p-news', key: 'news-top', base: 100 },
  { id: 'p-sport', key: 'sport-top', base: 50 },
];
const sites = [
  { id: 'p-news', key: 'news-top', siteId: 'site-news', category: 'News' },
  { id: 'p-sport', key: 'sport-top', siteId: 'site-sport', category: null },
];
const history = syntheticHistory(placements, asOfMs - 28 * DAY_MS, 28);

const noTargeting: Targeting = { ...OPEN_TARGETING, properties: null };

function terms(overrides: Partial<ForecastCampaignTerms> = {}, targeting: Partial<Targeting> = {}): ForecastCampaignTerms {
  return {
    flightStartMs: asOfMs,
    flightEndMs: asOfMs + 7 * DAY_MS,
    timeZone: 'UTC',
    totalBudget: 0,
    dailyBudget: null,
    pacing: 'even',
    priority: 'standard',
    bidType: 'CPM',
    bidAmount: 100,
    frequencyCap: null,
    ...overrides,
    targeting: { ...noTargeting, ...targeting },
  };
}

function booked(id: string, overrides: Partial<ForecastCampaignTerms> = {}, targeting: Partial<Targeting> = {}): BookedCampaign {
  return { ...terms(overrides, targeting), id, name: `Booked ${id}`, spentMinor: 0, flightStartMs: asOfMs - DAY_MS };
}

function run(overrides: Partial<ForecastModelInput> = {}) {
  return computeForecast({
    campaign: terms(),
    spentMinor: 0,
    goalImpressions: undefined,
    asOfMs,
    placements: sites,
    hours: history.hours,
    days: history.days,
    booked: [],
    platformCtr: 0.01,
    ...overrides,
  });
}

/** Requests of the synthetic history over [fromMs, toMs), on the chosen placements, for hours `keep` admits. */
function requestsBetween(
  chosen: readonly SyntheticPlacement[],
  fromMs: number,
  toMs: number,
  keep: (hourMs: number) => boolean = () => true,
) {
  let sum = 0;
  for (let hourMs = fromMs; hourMs < toMs; hourMs += HOUR_MS) {
    if (keep(hourMs)) for (const placement of chosen) sum += syntheticRequests(placement.base, hourMs);
  }
  return sum;
}

describe('forecast model: seasonality', () => {
  it('forecasts a 4-week history with a weekly x daily pattern exactly, two weeks ahead', () => {
    const answer = run({ campaign: terms({ flightEndMs: asOfMs + 14 * DAY_MS }) });
    assert.equal(answer.days.length, 14);
    answer.days.forEach((day, index) => {
      const dayMs = asOfMs + index * DAY_MS;
      assert.equal(day.date, new Date(dayMs).toISOString().slice(0, 10));
      assert.equal(day.opportunities, requestsBetween(placements, dayMs, dayMs + DAY_MS));
      assert.equal(day.expectedImpressions, day.opportunities);
      assert.equal(day.limitedBy, 'opportunities');
      assert.equal(day.contestedShare, 0);
    });
    // Sunday (index 6) is half of a Monday's level in the pattern: the weekly shape is kept.
    assert.ok(answer.days[6]!.opportunities < answer.days[0]!.opportunities * 0.6);
    assert.equal(answer.history.hoursWithData, 28 * 24);
    assert.equal(answer.samplingError, 0);
  });

  it('counts an hour missing after a placement began recording as 0 in its mean', () => {
    const missingMs = asOfMs - 14 * DAY_MS + 12 * HOUR_MS; // Monday 12:00 two weeks back
    const hours = history.hours.filter((row) => !(row.placementId === 'p-news' && row.hourMs === missingMs));
    const answer = run({ hours, campaign: terms({ flightEndMs: asOfMs + DAY_MS }) });
    const expected = requestsBetween(placements, asOfMs, asOfMs + DAY_MS) - syntheticRequests(100, missingMs) / 4;
    assert.equal(answer.days[0]!.opportunities, Math.round(expected));
  });

  it('with less than a week of history, takes the mean of the same UTC hour over the days recorded', () => {
    const recent = syntheticHistory(placements, asOfMs - 3 * DAY_MS, 3);
    const answer = run({ hours: recent.hours, days: recent.days, campaign: terms({ flightEndMs: asOfMs + DAY_MS }) });
    let expected = 0;
    for (let hour = 0; hour < 24; hour += 1) {
      for (const placement of placements) {
        let sum = 0;
        for (let day = 1; day <= 3; day += 1) sum += syntheticRequests(placement.base, asOfMs + hour * HOUR_MS - day * DAY_MS);
        expected += sum / 3;
      }
    }
    assert.equal(answer.days[0]!.opportunities, Math.round(expected));
    assert.ok(answer.assumptions.some((text) => /less than a week of record/.test(text)));
  });

  it('uses only the history before asOf, and starts at the first whole hour after it', () => {
    // After asOf the history doubles: a forecast as of asOf must not see it.
    const later = syntheticHistory(
      placements.map((placement) => ({ ...placement, base: placement.base * 2 })),
      asOfMs,
      7,
    );
    const midDay = asOfMs + 10.5 * HOUR_MS;
    const answer = run({
      asOfMs: midDay,
      hours: [...history.hours, ...later.hours],
      days: [...history.days, ...later.days],
      campaign: terms({ flightEndMs: asOfMs + 2 * DAY_MS }),
    });
    assert.equal(answer.history.to, new Date(asOfMs + 10 * HOUR_MS).toISOString());
    assert.equal(answer.days.length, 2);
    // The rest of Monday from 11:00, then Tuesday: both from the 4 weeks before.
    assert.equal(answer.days[0]!.opportunities, requestsBetween(placements, asOfMs + 11 * HOUR_MS, asOfMs + DAY_MS));
    assert.equal(answer.days[1]!.opportunities, requestsBetween(placements, asOfMs + DAY_MS, asOfMs + 2 * DAY_MS));
  });

  it('cuts a flight longer than FORECAST_MAX_DAYS and says so', () => {
    const answer = run({ campaign: terms({ flightEndMs: asOfMs + 200 * DAY_MS }) });
    assert.equal(answer.days.length, FORECAST_MAX_DAYS);
    assert.ok(answer.assumptions.some((text) => text.includes(`only its first ${FORECAST_MAX_DAYS} days`)));
    assert.equal(
      run().assumptions.some((text) => text.includes('only its first')),
      false,
    );
  });

  it('answers zeros and "no recorded requests yet" without history', () => {
    const answer = run({ hours: [], days: [], campaign: terms({ totalBudget: 1000 }, { countries: ['US'] }) });
    assert.equal(answer.totals.opportunities, 0);
    assert.equal(answer.budget.reachable, false);
    assert.ok(answer.assumptions.some((text) => /no recorded requests yet/i.test(text)));
  });
});

describe('forecast model: targeting', () => {
  const dayOne = requestsBetween(placements, asOfMs, asOfMs + DAY_MS);
  /** The day's opportunities for a targeting, divided by the day's requests (the matching share, within rounding). */
  const share = (targeting: Partial<Targeting>) => {
    const opportunities = run({ campaign: terms({ flightEndMs: asOfMs + DAY_MS }, targeting) }).days[0]!.opportunities;
    return Math.round((opportunities / dayOne) * 1000) / 1000;
  };

  it("applies the audience mix of each placement's sample, as serving matches", () => {
    assert.equal(share({ countries: ['US'] }), 0.5);
    assert.equal(share({ countries: ['US', 'FR'] }), 0.8);
    assert.equal(share({ devices: ['mobile'] }), 0.4);
    assert.equal(share({ countries: ['US'], devices: ['mobile'] }), 0.2);
    assert.equal(share({ keywords: ['Sports', 'weather'] }), 0.5);
    assert.equal(share({ properties: 'section = "sports" AND logged_in' }), 0.25);
    assert.equal(share({ properties: 'NOT HAS section' }), 0);
  });

  it('restricts placements by site and by category (the placement’s, or its site’s), ignoring case', () => {
    const news = requestsBetween([placements[0]!], asOfMs, asOfMs + DAY_MS);
    assert.equal(share({ categories: ['NEWS'] }), Math.round((news / dayOne) * 1000) / 1000);
    assert.equal(share({ siteIds: ['site-sport'] }), Math.round(((dayOne - news) / dayOne) * 1000) / 1000);
    assert.equal(share({ categories: ['sport'] }), 0, 'a placement without category and a site without one matches no category');
  });

  it('gives a thinly sampled placement the pooled share of all the campaign’s placements', () => {
    const days = history.days.map((day) => ({
      ...day,
      // The sport placement keeps 1 French entry a day (28 in all: below 30).
      sample: [
        ...day.sample.filter((entry) => entry.placementKey === 'news-top'),
        { ...day.sample.find((entry) => entry.placementKey === 'sport-top' && entry.country === 'FR')! },
      ],
    }));
    const answer = run({ days, campaign: terms({ flightEndMs: asOfMs + DAY_MS }, { countries: ['US'] }) });
    const pooled = (28 * 100) / (28 * 200 + 28);
    const news = requestsBetween([placements[0]!], asOfMs, asOfMs + DAY_MS);
    const sport = requestsBetween([placements[1]!], asOfMs, asOfMs + DAY_MS);
    assert.equal(answer.days[0]!.opportunities, Math.round(news * 0.5 + sport * pooled));
    assert.ok(answer.assumptions.some((text) => /fewer than 30 sampled requests/.test(text)));
  });

  it('keeps only the hours and weekdays the day-parting allows, in the campaign’s time zone', () => {
    const timeZone = 'Europe/Paris';
    const flightStartMs = Date.parse('2026-11-29T23:00:00.000Z'); // Monday 00:00 in Paris
    const answer = run({
      campaign: terms(
        { timeZone, flightStartMs, flightEndMs: flightStartMs + 7 * DAY_MS },
        { hours: [9, 10, 11, 12, 13, 14, 15, 16, 17], weekdays: [1, 2, 3, 4, 5] },
      ),
    });
    assert.deepEqual(
      answer.days.map((day) => day.date),
      ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'],
    );
    answer.days.forEach((day, index) => {
      const dayStart = flightStartMs + index * DAY_MS;
      const allowed = (hourMs: number) => {
        const local = localWallClock(hourMs, timeZone);
        return local.hour >= 9 && local.hour <= 17 && local.weekday >= 1 && local.weekday <= 5;
      };
      // The flight starts at asOf - 1 hour: the first forecast hour is asOf.
      assert.equal(day.opportunities, requestsBetween(placements, Math.max(asOfMs, dayStart), dayStart + DAY_MS, allowed));
    });
    assert.equal(answer.days[5]!.opportunities, 0);
    assert.equal(answer.days[6]!.opportunities, 0);
  });

  it('groups hours by the local day of the campaign’s time zone', () => {
    const timeZone = 'America/New_York';
    const answer = run({ campaign: terms({ timeZone, flightEndMs: asOfMs + 3 * DAY_MS }) });
    // asOf is Sunday 19:00 in New York: the first local day holds 5 hours.
    assert.deepEqual(
      answer.days.map((day) => day.date),
      ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02'],
    );
    assert.equal(answer.days[0]!.opportunities, requestsBetween(placements, asOfMs, asOfMs + 5 * HOUR_MS));
    assert.equal(answer.days[1]!.opportunities, requestsBetween(placements, asOfMs + 5 * HOUR_MS, asOfMs + 29 * HOUR_MS));
  });
});

describe('forecast model: frequency cap', () => {
  it('simulates a sliding window at the hour grain', () => {
    assert.equal(frequencyCapKeeps([0, 6, 12, 18], { count: 1, windowSeconds: 86_400 }), 1);
    assert.equal(frequencyCapKeeps([0, 6, 12, 18], { count: 1, windowSeconds: 7 * 3600 }), 2);
    assert.equal(frequencyCapKeeps([0, 6, 12, 18], { count: 1, windowSeconds: 6 * 3600 }), 4);
    assert.equal(frequencyCapKeeps([5, 5, 5, 5], { count: 2, windowSeconds: 3600 }), 2);
    // Four requests spread over an hour are 15 minutes apart: a 10-minute window lets each through.
    assert.equal(frequencyCapKeeps([5, 5, 5, 5], { count: 1, windowSeconds: 600 }), 4);
  });

  it('holds back the share of matching requests the cap refuses, from the sample’s complete visitors', () => {
    // Every synthetic visitor makes 4 requests a day, 6 hours apart.
    const oneDay = terms({ flightEndMs: asOfMs + DAY_MS, frequencyCap: { count: 1, windowSeconds: 86_400 } });
    const answer = run({ campaign: oneDay });
    const opportunities = requestsBetween(placements, asOfMs, asOfMs + DAY_MS);
    assert.equal(answer.days[0]!.opportunities, opportunities);
    assert.equal(answer.days[0]!.expectedImpressions, Math.floor(opportunities / 4));
    assert.equal(answer.days[0]!.limitedBy, 'frequencyCap');
    const twice = run({ campaign: { ...oneDay, frequencyCap: { count: 1, windowSeconds: 7 * 3600 } } });
    assert.equal(twice.days[0]!.expectedImpressions, Math.floor(opportunities / 2));
  });

  it('ignores visitors above the sample threshold (incomplete visitors)', () => {
    // A threshold below every visitor hash: no visitor is complete, so the cap cannot be simulated.
    const days = history.days.map((day) => ({ ...day, sampleThreshold: 1e-9 }));
    const capped = run({ days, campaign: terms({ flightEndMs: asOfMs + DAY_MS, frequencyCap: { count: 1, windowSeconds: 86_400 } }) });
    assert.equal(capped.days[0]!.limitedBy, 'opportunities');
    assert.ok(capped.assumptions.some((text) => /frequency cap is assumed to hold nothing back/.test(text)));
  });
});

describe('forecast model: competition', () => {
  const oneDay = (overrides: Partial<ForecastCampaignTerms> = {}, targeting: Partial<Targeting> = {}) =>
    terms({ flightEndMs: asOfMs + DAY_MS, ...overrides }, targeting);

  it('lets a higher tier take first, in the share of requests both match', () => {
    const rival = booked('rival', { priority: 'sponsorship' }, { countries: ['FR'] });
    const answer = run({ campaign: oneDay(), booked: [rival] });
    assert.equal(answer.days[0]!.contestedShare, 0.3);
    assert.equal(answer.days[0]!.expectedImpressions, Math.floor(answer.days[0]!.opportunities * 0.7 + 1e-6));
    assert.deepEqual(answer.competitors, [
      { campaignId: 'rival', name: 'Booked rival', priority: 'sponsorship', sharedOpportunities: 0.3 },
    ]);
  });

  it('shares equal tiers as a lottery in proportion to take shares, ignores lower tiers and other flights', () => {
    const same = booked('same', {}, {});
    const house = booked('house', { priority: 'house' });
    const over = booked('over', { flightEndMs: asOfMs - HOUR_MS });
    const answer = run({ campaign: oneDay(), booked: [same, house, over] });
    assert.equal(answer.days[0]!.contestedShare, 0.5);
    assert.equal(answer.days[0]!.limitedBy, 'competition');
    assert.deepEqual(
      answer.competitors.map((competitor) => competitor.campaignId),
      ['same'],
    );
    // A house campaign forecast meets standard campaigns above it.
    assert.equal(run({ campaign: oneDay({ priority: 'house' }), booked: [same] }).days[0]!.contestedShare, 1);
  });

  it('sizes a competitor’s take by its budget at its bid against its matching opportunities', () => {
    const day = requestsBetween(placements, asOfMs, asOfMs + DAY_MS);
    // CPM 1000 cents: one cent per impression; a daily budget of a quarter of the day's requests.
    const quarter = booked('quarter', { bidAmount: 1000, dailyBudget: day / 4 });
    const answer = run({ campaign: oneDay(), booked: [quarter] });
    assert.equal(answer.days[0]!.contestedShare, Math.round((1 - 1 / 1.25) * 10_000) / 10_000);
    // Even pacing of the remaining total budget over its remaining flight days (30 left, 10 spent).
    const paced = booked('paced', { bidAmount: 1000, totalBudget: (day / 2) * 30 + 10, flightEndMs: asOfMs + 30 * DAY_MS });
    const pacedAnswer = run({ campaign: oneDay(), booked: [{ ...paced, spentMinor: 10 }] });
    assert.equal(pacedAnswer.days[0]!.contestedShare, Math.round((1 - 1 / 1.5) * 10_000) / 10_000);
  });
});

describe('forecast model: budgets and goal', () => {
  const week = requestsBetween(placements, asOfMs, asOfMs + 7 * DAY_MS);

  it('holds a day at its daily budget, converted at the CPM bid', () => {
    // CPM 200 cents: 0.2 cent per impression; 300 cents a day buy 1,500 impressions (a Sunday has 1,812 requests).
    const answer = run({ campaign: terms({ bidAmount: 200, dailyBudget: 300 }) });
    for (const day of answer.days) {
      assert.equal(day.expectedImpressions, 1_500);
      assert.equal(day.expectedSpend, 300);
      assert.equal(day.limitedBy, 'dailyBudget');
    }
    assert.equal(answer.budget.reachable, true, 'no total budget: reachable');
  });

  it('spreads the total budget evenly over the flight days, and says whether it is reachable', () => {
    const reachable = run({ campaign: terms({ bidAmount: 200, totalBudget: 2_100 }), goalImpressions: 10_500 });
    assert.deepEqual(
      reachable.days.map((day) => [day.expectedImpressions, day.limitedBy]),
      Array.from({ length: 7 }, () => [1_500, 'pacing']),
    );
    assert.deepEqual(reachable.budget, { totalBudget: 2_100, expectedSpend: 2_100, reachable: true });
    assert.deepEqual(reachable.goal, { impressions: 10_500, expectedImpressions: 10_500, reachable: true });
    // A budget larger than the requests can use: not reachable, and neither is the goal.
    const tooBig = run({ campaign: terms({ bidAmount: 200, totalBudget: week }), goalImpressions: week + 1 });
    assert.equal(tooBig.budget.reachable, false);
    assert.equal(tooBig.totals.expectedImpressions, week);
    assert.equal(tooBig.goal?.reachable, false);
  });

  it('spends an asap budget as fast as the requests allow', () => {
    const firstDay = requestsBetween(placements, asOfMs, asOfMs + DAY_MS);
    const answer = run({ campaign: terms({ bidAmount: 1000, pacing: 'asap', totalBudget: firstDay + 100 }) });
    assert.deepEqual(
      answer.days.slice(0, 3).map((day) => [day.expectedImpressions, day.limitedBy]),
      [
        [firstDay, 'opportunities'],
        [100, 'totalBudget'],
        [0, 'totalBudget'],
      ],
    );
    assert.equal(answer.budget.reachable, true);
  });

  it('prices CPC impressions at the platform click-through rate, 0.2% without one', () => {
    const cpc = terms({ bidType: 'CPC', bidAmount: 50, flightEndMs: asOfMs + DAY_MS });
    const answer = run({ campaign: cpc, platformCtr: 0.01 });
    const impressions = answer.days[0]!.expectedImpressions;
    assert.equal(answer.days[0]!.expectedSpend, Math.floor(impressions * 0.5 + 1e-9));
    const fallback = run({ campaign: cpc, platformCtr: null });
    assert.equal(fallback.days[0]!.expectedSpend, Math.floor(impressions * 50 * DEFAULT_PLATFORM_CTR + 1e-9));
    assert.ok(fallback.assumptions.some((text) => /0\.2% is assumed/.test(text)));
  });

  it('subtracts what a booked campaign forecast again has spent already', () => {
    const answer = run({ campaign: terms({ bidAmount: 200, totalBudget: 2_100 }), spentMinor: 1_050 });
    assert.equal(answer.days[0]!.expectedImpressions, 750);
    assert.equal(answer.budget.reachable, true);
  });
});

describe('forecast model: sampling error', () => {
  it('is 0 without audience targeting and small but positive with it, larger on a smaller sample', () => {
    const targeted = terms({}, { countries: ['US'] });
    const full = run({ campaign: targeted }).samplingError;
    const thin = run({
      campaign: targeted,
      days: history.days.map((day) => ({ ...day, sample: day.sample.filter((_, index) => index % 3 === 0) })),
    }).samplingError;
    assert.ok(full > 0 && full < 0.02, String(full));
    assert.ok(thin > full, `${thin} > ${full}`);
  });
});

describe('forecast model: samples in use', () => {
  it('ignores sampled requests of unknown placements', () => {
    const stray: OpportunitySample = { placementKey: 'gone', hour: 3, visitor: 1, nonce: 1, keywords: [], country: 'US' };
    const days = history.days.map((day) => ({ ...day, sample: [...day.sample, ...Array.from({ length: 500 }, () => stray)] }));
    assert.equal(
      run({ days, campaign: terms({}, { countries: ['US'] }) }).totals.opportunities,
      run({ campaign: terms({}, { countries: ['US'] }) }).totals.opportunities,
    );
  });
});
