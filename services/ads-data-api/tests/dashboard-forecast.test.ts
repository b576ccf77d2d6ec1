// The campaign form's forecast panel, its pure part (no DOM): the form's values as a forecast
// request (or the plain reason they cannot be asked about yet), and an answer in the panel's
// words and chart rows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { forecastRequest, type ForecastResponse } from '@ads/ads-client/forecast';

import { forecastRequestOf, parseImpressionGoal } from '../dashboard/src/domain/forecast-request';
import { forecastSummary } from '../dashboard/src/domain/forecast-summary';
import type { FieldSpec, FormValues } from '../dashboard/src/domain/form-values';

// The campaign form's fields (pages/campaign-pages.tsx), as far as they matter here.
const fields: FieldSpec[] = [
  { name: 'advertiserId', label: 'Advertiser', kind: 'select', only: 'create', empty: 'omit' },
  { name: 'name', label: 'Name', kind: 'text', empty: 'empty' },
  { name: 'flightStart', label: 'Flight start', kind: 'datetime' },
  { name: 'flightEnd', label: 'Flight end', kind: 'datetime' },
  { name: 'timeZone', label: 'Time zone', kind: 'text' },
  { name: 'totalBudget', label: 'Total budget', kind: 'money' },
  { name: 'dailyBudget', label: 'Daily budget', kind: 'money', empty: 'null' },
  { name: 'pacing', label: 'Pacing', kind: 'select' },
  { name: 'priority', label: 'Priority', kind: 'select' },
  { name: 'bidType', label: 'Bid type', kind: 'select' },
  { name: 'bidAmount', label: 'Bid', kind: 'money' },
  { name: 'frequencyCap.count', label: 'Frequency cap', kind: 'number', group: 'frequencyCap' },
  { name: 'frequencyCap.windowSeconds', label: 'Frequency cap period', kind: 'select', numeric: true, group: 'frequencyCap' },
  { name: 'targeting.countries', label: 'Countries', kind: 'list', group: 'targeting' },
  { name: 'targeting.devices', label: 'Devices', kind: 'choices', group: 'targeting' },
  { name: 'targeting.keywords', label: 'Keywords', kind: 'list', group: 'targeting' },
  { name: 'targeting.hours', label: 'Hours of day', kind: 'number-list', group: 'targeting' },
  { name: 'targeting.weekdays', label: 'Weekdays', kind: 'choices', numeric: true, group: 'targeting' },
  { name: 'targeting.properties', label: 'Page properties', kind: 'textarea', group: 'targeting', empty: 'null' },
  { name: 'exclusionLabel', label: 'Competitive exclusion label', kind: 'text', empty: 'null' },
];

// Datetime inputs hold the browser's local time; these tests run in whatever zone the machine
// has, so the expected instants are computed the same way.
const complete: FormValues = {
  advertiserId: '',
  name: '',
  flightStart: '2030-03-01T00:00',
  flightEnd: '2030-03-08T00:00',
  timeZone: 'Europe/Paris',
  totalBudget: '1,000',
  dailyBudget: '',
  pacing: 'even',
  priority: 'standard',
  bidType: 'CPM',
  bidAmount: '2.50',
  'frequencyCap.count': '',
  'frequencyCap.windowSeconds': '86400',
  'targeting.countries': 'US, FR',
  'targeting.devices': ['mobile'],
  'targeting.keywords': '',
  'targeting.hours': '',
  'targeting.weekdays': [],
  'targeting.properties': '',
  exclusionLabel: '',
};

describe('forecastRequestOf', () => {
  it('builds the contract’s request from a complete form: cents, no cap without a count, no name', () => {
    const ask = forecastRequestOf(fields, complete);
    assert.equal(ask.ready, true);
    if (!ask.ready) return;
    assert.deepEqual(ask.request, {
      campaign: {
        flightStart: new Date('2030-03-01T00:00').toISOString(),
        flightEnd: new Date('2030-03-08T00:00').toISOString(),
        timeZone: 'Europe/Paris',
        totalBudget: 100_000,
        dailyBudget: null,
        pacing: 'even',
        priority: 'standard',
        bidType: 'CPM',
        bidAmount: 250,
        frequencyCap: null,
        targeting: {
          countries: ['US', 'FR'],
          devices: ['mobile'],
          keywords: [],
          hours: [],
          weekdays: [],
          properties: null,
        },
      },
    });
    assert.ok(forecastRequest.safeParse(ask.request).success, 'the API’s schema takes it');
  });

  it('adds the goal and, on edit, the campaign id; the key changes with every value that matters and only those', () => {
    const plain = forecastRequestOf(fields, complete);
    const edit = forecastRequestOf(fields, complete, { campaignId: '0195a1b2-0000-7000-8000-000000000001', goalText: '250,000' });
    assert.ok(plain.ready && edit.ready);
    assert.equal(edit.request.goalImpressions, 250_000);
    assert.equal(edit.request.campaignId, '0195a1b2-0000-7000-8000-000000000001');
    assert.notEqual(plain.key, edit.key);

    const renamed = forecastRequestOf(fields, { ...complete, name: 'Spring sale', exclusionLabel: 'cars' });
    assert.ok(renamed.ready);
    assert.equal(renamed.key, plain.key, 'the name and exclusion label do not ask again');

    const capped = forecastRequestOf(fields, { ...complete, 'frequencyCap.count': '3' });
    assert.ok(capped.ready);
    assert.deepEqual(capped.request.campaign.frequencyCap, { count: 3, windowSeconds: 86_400 });
    const retargeted = forecastRequestOf(fields, { ...complete, 'targeting.countries': 'US' });
    assert.ok(retargeted.ready);
    assert.notEqual(retargeted.key, plain.key);
  });

  it('says in plain words why an incomplete or wrong form is not asked about', () => {
    const reasonOf = (values: FormValues, goalText?: string) => {
      const ask = forecastRequestOf(fields, values, { goalText });
      assert.equal(ask.ready, false, JSON.stringify(values));
      return ask.ready ? '' : ask.reason;
    };
    assert.equal(reasonOf({ ...complete, totalBudget: '' }), 'Total budget is needed');
    assert.equal(reasonOf({ ...complete, bidAmount: '' }), 'Bid is needed');
    assert.equal(reasonOf({ ...complete, totalBudget: 'lots' }), 'Total budget must be a number, such as 12.50');
    assert.equal(reasonOf({ ...complete, flightEnd: '2030-02-01T00:00' }), 'Flight end must be after the flight start');
    assert.equal(reasonOf({ ...complete, flightStart: '' }), 'Flight start is needed');
    assert.match(reasonOf({ ...complete, 'targeting.countries': 'USA' }), /^Countries: /);
    assert.match(reasonOf({ ...complete, timeZone: 'Mars/Olympus' }), /^Time zone: /);
    assert.match(reasonOf({ ...complete, 'targeting.hours': '25' }), /^Hours of day: /);
    assert.equal(reasonOf(complete, 'many'), 'Impression goal must be a whole number of impressions');
  });
});

describe('parseImpressionGoal', () => {
  it('takes whole numbers with separators, nothing for empty, and refuses the rest', () => {
    assert.deepEqual(parseImpressionGoal(''), { goal: undefined });
    assert.deepEqual(parseImpressionGoal(' 1,500,000 '), { goal: 1_500_000 });
    assert.ok('error' in parseImpressionGoal('1.5'));
    assert.ok('error' in parseImpressionGoal('0'));
    assert.ok('error' in parseImpressionGoal('-3'));
    assert.ok('error' in parseImpressionGoal('2000000000000'));
  });
});

function answer(overrides: Partial<ForecastResponse> = {}): ForecastResponse {
  return {
    asOf: '2030-03-01T00:00:00.000Z',
    history: {
      from: '2030-02-01T00:00:00.000Z',
      to: '2030-03-01T00:00:00.000Z',
      lookbackDays: 28,
      hoursWithData: 28 * 24,
      model: 'Same weekday and hour over the last four weeks, times the share the targeting matches.',
    },
    days: [
      {
        date: '2030-03-01',
        opportunities: 3000,
        contestedShare: 0.5,
        expectedImpressions: 1500,
        expectedSpend: 375,
        limitedBy: 'competition',
      },
      {
        date: '2030-03-02',
        opportunities: 1000,
        contestedShare: 0.1,
        expectedImpressions: 900,
        expectedSpend: 225,
        limitedBy: 'opportunities',
      },
    ],
    totals: { opportunities: 4000, expectedImpressions: 2400, expectedSpend: 600 },
    budget: { totalBudget: 100_000, expectedSpend: 600, reachable: false },
    goal: { impressions: 2000, expectedImpressions: 2400, reachable: true },
    competitors: [
      { campaignId: 'a', name: 'Spring sale', priority: 'standard', sharedOpportunities: 0.42 },
      { campaignId: 'b', name: '', priority: 'sponsorship', sharedOpportunities: 0.003 },
    ],
    samplingError: 0.034,
    assumptions: ['Traffic repeats the last four weeks.'],
    ...overrides,
  };
}

describe('forecastSummary', () => {
  it('says the figures, the budget and the goal in plain words, money in currency units', () => {
    const summary = forecastSummary(answer());
    assert.equal(summary.hasHistory, true);
    assert.equal(summary.opportunities, '4,000');
    assert.equal(summary.expectedImpressions, '2,400');
    assert.equal(summary.expectedSpend, '6.00');
    assert.equal(summary.budget.reachable, false);
    assert.equal(summary.budget.sentence, 'Budget not reachable: the forecast spends only 6.00 of the 1,000.00 total budget (1%).');
    assert.deepEqual(summary.goal, { reachable: true, sentence: 'Goal reachable: 2,400 impressions expected for a goal of 2,000.' });
    // (3000 × 0.5 + 1000 × 0.1) / 4000 = 40%: weighted by the days' requests, not a mean of days.
    assert.equal(summary.contested, '40%');
    assert.deepEqual(
      summary.competitors.map((competitor) => [competitor.label, competitor.share]),
      [
        ['Spring sale', '42%'],
        ['another campaign', '<1%'],
      ],
    );
    assert.equal(summary.samplingError, '±3.4%');
    assert.match(summary.history, /^Based on 28 days of recorded requests \(672 hours with traffic between 2030-02-01 and 2030-03-01/);
  });

  it('gives the chart its rows and a text alternative', () => {
    const summary = forecastSummary(answer());
    assert.deepEqual(
      summary.rows.map((row) => [row.label, row.opportunities, row.expectedImpressions, row.contested, row.spend, row.limitedBy]),
      [
        ['Mar 1', 3000, 1500, '50%', '3.75', 'other campaigns'],
        ['Mar 2', 1000, 900, '10%', '2.25', 'matching requests'],
      ],
    );
    assert.equal(
      summary.chartSummary,
      '2 days from 2030-03-01 to 2030-03-02: 4,000 matching requests and 2,400 expected impressions in all; the busiest day is 2030-03-01 with 3,000 matching requests.',
    );
  });

  it('knows when there is no history, no goal, and a reachable budget', () => {
    const summary = forecastSummary(
      answer({
        history: { ...answer().history, hoursWithData: 0 },
        goal: null,
        budget: { totalBudget: 600, expectedSpend: 600, reachable: true },
      }),
    );
    assert.equal(summary.hasHistory, false);
    assert.equal(summary.goal, null);
    assert.equal(summary.budget.sentence, 'Budget reachable: the forecast spends 6.00 of the 6.00 total budget.');
    const partial = forecastSummary(answer({ history: { ...answer().history, hoursWithData: 30 } }));
    assert.match(partial.history, /^Based on 2 days of recorded requests/);
  });
});
