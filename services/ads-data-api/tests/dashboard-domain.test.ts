// The dashboard's pure logic (no DOM): money inputs, API field errors placed at their inputs,
// form payloads, pacing status and chart rows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { assignFieldErrors, pathOf } from '../dashboard/src/domain/field-errors';
import { buildPayload, type FieldSpec } from '../dashboard/src/domain/form-values';
import { campaignDay } from '../dashboard/src/domain/campaign-day';
import { centsToInput, formatMicros, inputToCents } from '../dashboard/src/domain/money';
import { pacingStatus } from '../dashboard/src/domain/pacing-status';
import { chartRows } from '../dashboard/src/domain/report-series';
import { dayInputOf, reportRangeOf } from '../dashboard/src/domain/report-range';
import { reportTableRows } from '../dashboard/src/domain/report-table-rows';

describe('money inputs', () => {
  it('parses what people type into cents without floats', () => {
    assert.equal(inputToCents('12'), 1200);
    assert.equal(inputToCents('12.5'), 1250);
    assert.equal(inputToCents(' 1,200.05 '), 120005);
    assert.equal(inputToCents('0.07'), 7);
    assert.equal(inputToCents('-3.10'), -310);
    assert.equal(inputToCents('12.345'), undefined);
    assert.equal(inputToCents('ten'), undefined);
    assert.equal(inputToCents(''), undefined);
  });

  it('shows cents and micros in currency units', () => {
    assert.equal(centsToInput(120005), '1200.05');
    assert.equal(centsToInput(7), '0.07');
    assert.equal(centsToInput(null), '');
    assert.equal(formatMicros(25_000_000), '25.00');
    assert.equal(formatMicros('15000'), '0.02');
  });
});

describe('assignFieldErrors', () => {
  const fields = ['name', 'frequencyCap.count', 'frequencyCap.windowSeconds', 'targeting.countries', 'targeting.hours'];

  it('puts each error at the input whose path is the longest prefix of the error’s', () => {
    const { byField, other } = assignFieldErrors(
      [
        { field: 'name', message: 'too short' },
        { field: 'targeting.countries.1', message: 'must be an ISO code' },
        { field: 'frequencyCap', message: 'expected object' },
        { field: 'body.targeting.hours[0]', message: 'too big' },
      ],
      fields,
    );
    assert.deepEqual(byField, {
      name: ['too short'],
      'targeting.countries': ['must be an ISO code'],
      'frequencyCap.count': ['expected object'],
      'targeting.hours': ['too big'],
    });
    assert.deepEqual(other, []);
  });

  it('keeps errors of fields the form does not show, so that none is hidden', () => {
    const { byField, other } = assignFieldErrors(
      [
        { field: 'ads', message: 'no approved ad' },
        { field: '(body)', message: 'expected object' },
      ],
      fields,
    );
    assert.deepEqual(byField, {});
    assert.equal(other.length, 2);
  });

  it('reads dotted, slashed and bracketed paths alike', () => {
    assert.deepEqual(pathOf('/targeting/countries/0'), ['targeting', 'countries', '0']);
    assert.deepEqual(pathOf('targeting.countries[0]'), ['targeting', 'countries', '0']);
  });
});

describe('buildPayload', () => {
  const specs: FieldSpec[] = [
    { name: 'name', label: 'Name', kind: 'text', empty: 'empty' },
    { name: 'dailyBudget', label: 'Daily budget', kind: 'money', empty: 'null' },
    { name: 'totalBudget', label: 'Total budget', kind: 'money' },
    { name: 'frequencyCap.count', label: 'Cap', kind: 'number', group: 'frequencyCap' },
    { name: 'frequencyCap.windowSeconds', label: 'Window', kind: 'number', group: 'frequencyCap' },
    { name: 'targeting.countries', label: 'Countries', kind: 'list', group: 'targeting' },
    { name: 'targeting.weekdays', label: 'Weekdays', kind: 'choices', numeric: true, group: 'targeting' },
  ];
  const empty = {
    name: '',
    dailyBudget: '',
    totalBudget: '',
    'frequencyCap.count': '',
    'frequencyCap.windowSeconds': '',
    'targeting.countries': '',
    'targeting.weekdays': [],
  };

  it('on create sends every field, converting money and lists', () => {
    const { payload, localErrors } = buildPayload(
      specs,
      { ...empty, name: 'Spring', totalBudget: '50.10', 'targeting.countries': 'US, FR', 'targeting.weekdays': ['1', '5'] },
      'create',
      empty,
    );
    assert.deepEqual(localErrors, {});
    assert.deepEqual(payload, {
      name: 'Spring',
      dailyBudget: null,
      totalBudget: 5010,
      targeting: { countries: ['US', 'FR'], weekdays: [1, 5] },
    });
  });

  it('on edit sends only what changed, with the rest of its group', () => {
    const initial = {
      ...empty,
      name: 'Spring',
      totalBudget: '50.00',
      'frequencyCap.count': '3',
      'frequencyCap.windowSeconds': '3600',
      'targeting.countries': 'US',
    };
    const { payload } = buildPayload(specs, { ...initial, 'frequencyCap.count': '5', name: 'Spring' }, 'edit', initial);
    assert.deepEqual(payload, { frequencyCap: { count: 5, windowSeconds: 3600 } });
  });

  it('on edit sends null for an emptied field, for the API to judge', () => {
    const initial = { ...empty, name: 'Spring', totalBudget: '50.00' };
    const { payload } = buildPayload(specs, { ...initial, totalBudget: '' }, 'edit', initial);
    assert.deepEqual(payload, { totalBudget: null });
  });

  it('refuses locally only what cannot be sent at all', () => {
    const { localErrors } = buildPayload(specs, { ...empty, totalBudget: '12,5x', 'frequencyCap.count': 'three' }, 'create', empty);
    assert.deepEqual(Object.keys(localErrors).sort(), ['frequencyCap.count', 'totalBudget']);
  });
});

describe('pacingStatus', () => {
  const day = campaignDay(Date.parse('2026-03-10T12:00:00Z'), 'UTC');
  const noon = Date.parse('2026-03-10T12:00:00Z');
  const base = { status: 'active', pacing: 'even' as const, dailyBudget: 10_000, day, nowMs: noon };

  it('compares today’s spend with an even pace through the local day', () => {
    // A daily budget of 100.00 is 100,000,000 micros; at noon an even pace has spent half.
    assert.equal(pacingStatus({ ...base, todaySpentMicros: 50_000_000 }).state, 'on-track');
    assert.equal(pacingStatus({ ...base, todaySpentMicros: 80_000_000 }).state, 'ahead');
    assert.equal(pacingStatus({ ...base, todaySpentMicros: 10_000_000 }).state, 'behind');
    assert.equal(pacingStatus({ ...base, todaySpentMicros: 100_000_000 }).state, 'budget-spent');
    assert.equal(pacingStatus({ ...base, todaySpentMicros: 50_000_000 }).expectedByNowMicros, 50_000_000);
  });

  it('says so when there is no daily budget or the campaign does not serve', () => {
    assert.equal(pacingStatus({ ...base, dailyBudget: null, todaySpentMicros: 0 }).state, 'no-daily-budget');
    assert.equal(pacingStatus({ ...base, status: 'paused', todaySpentMicros: 0 }).state, 'not-serving');
  });

  it('reads the day in the campaign’s time zone', () => {
    const paris = campaignDay(Date.parse('2026-07-01T23:30:00Z'), 'Europe/Paris');
    assert.equal(paris.day, '20260702');
    assert.equal(new Date(paris.startMs).toISOString(), '2026-07-01T22:00:00.000Z');
    assert.equal(paris.endMs - paris.startMs, 24 * 3_600_000);
    // The day the clocks go forward is 23 hours long.
    const spring = campaignDay(Date.parse('2026-03-29T12:00:00Z'), 'Europe/Paris');
    assert.equal(spring.endMs - spring.startMs, 23 * 3_600_000);
    // A zone the browser does not know is read as UTC.
    assert.deepEqual(
      campaignDay(Date.parse('2026-07-01T23:30:00Z'), 'Mars/Olympus_Mons'),
      campaignDay(Date.parse('2026-07-01T23:30:00Z'), 'UTC'),
    );
  });
});

describe('chartRows', () => {
  it('has one row per bucket, zeros where the API sent none, CTR from the counts', () => {
    const from = Date.parse('2026-03-10T00:00:00Z');
    const rows = chartRows(
      [{ bucket: '2026-03-10T01:00:00.000Z', impressions: 200, viewableImpressions: 150, clicks: 3, spendMicros: 500_000, ctr: 0.015 }],
      from,
      from + 3 * 3_600_000,
      'hour',
    );
    assert.equal(rows.length, 3);
    assert.deepEqual(
      rows.map((row) => [row.impressions, row.clicks, row.ctrPercent, row.spend]),
      [
        [0, 0, 0, 0],
        [200, 3, 1.5, 0.5],
        [0, 0, 0, 0],
      ],
    );
  });
});

describe('report range and table rows', () => {
  it('turns two date inputs into whole UTC days, the last one included, and says what is wrong', () => {
    assert.deepEqual(reportRangeOf('2026-04-01', '2026-04-02', 'day'), {
      fromMs: Date.parse('2026-04-01T00:00:00Z'),
      toMs: Date.parse('2026-04-03T00:00:00Z'),
    });
    assert.deepEqual(reportRangeOf('2026-04-02', '2026-04-01', 'day'), { problem: 'To: must be on or after From.' });
    assert.deepEqual(reportRangeOf('', '2026-04-01', 'day'), { problem: 'From: pick a date.' });
    assert.match(
      (reportRangeOf('2026-01-01', '2026-03-01', 'hour') as { problem: string }).problem,
      /^From: 60 days is too long by hour; at most 31/,
    );
    assert.equal(dayInputOf(Date.parse('2026-04-01T23:59:00Z')), '2026-04-01');
  });

  it('lists the buckets with activity, per ad when broken down, bucket first', () => {
    const point = (bucket: string, impressions: number) => ({
      bucket,
      impressions,
      viewableImpressions: 0,
      clicks: 1,
      spendMicros: 2_000_000,
    });
    const totals = { impressions: 0, viewableImpressions: 0, clicks: 0, spendMicros: 0 };
    const rows = reportTableRows({
      points: [],
      totals,
      groupBy: 'ad',
      groups: [
        {
          level: 'ad',
          id: 'a',
          name: 'Tent',
          points: [point('2026-04-01T00:00:00.000Z', 0), point('2026-04-02T00:00:00.000Z', 50)],
          totals,
        },
        {
          level: 'ad',
          id: 'b',
          name: 'Boots',
          points: [point('2026-04-01T00:00:00.000Z', 4), { ...point('2026-04-02T00:00:00.000Z', 0), clicks: 0, spendMicros: 0 }],
          totals,
        },
      ],
    });
    assert.deepEqual(
      rows.map((row) => [row.bucket.slice(0, 10), row.group, row.impressions, row.ctrPercent, row.spend]),
      [
        ['2026-04-01', 'Tent', 0, 0, 2],
        ['2026-04-01', 'Boots', 4, 25, 2],
        ['2026-04-02', 'Tent', 50, 2, 2],
      ],
    );
  });
});
