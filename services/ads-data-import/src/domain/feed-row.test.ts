import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataApi } from '@ads/ads-client';
import { FeedRowValidator, nestFlatRow, rowErrors, validateFeedRecord } from './feed-row';

const good: Record<string, string> = {
  advertiser_external_id: 'acme',
  advertiser_name: 'Acme Outdoor',
  campaign_external_id: 'acme-spring',
  campaign_name: 'Spring hiking',
  flight_start: '2026-03-01T00:00:00Z',
  flight_end: '2026-06-30T00:00:00Z',
  time_zone: '',
  total_budget: '500000',
  daily_budget: '5000',
  bid_amount: '250',
  target_countries: 'FR| BE |CH',
  target_hours: '8|9',
  frequency_cap_count: '',
  frequency_cap_window_seconds: '',
  ad_external_id: 'acme-1',
  ad_title: ' Boots ',
  ad_image_url: '',
  ad_click_url: 'https://acme.example/boots',
  ad_width: '',
};

function errorsOf(values: Record<string, unknown>) {
  const result = validateFeedRecord({ line: 7, values });
  assert.equal(result.ok, false, 'the row should be refused');
  return (result as { errors: { line: number; field: string; message: string }[] }).errors;
}

test('a flat row becomes the nested contract row, defaults filled and lists split', () => {
  const result = validateFeedRecord({ line: 2, values: good });
  assert.ok(result.ok, JSON.stringify(result));
  assert.deepEqual(result.row.advertiser, { externalId: 'acme', name: 'Acme Outdoor' });
  assert.equal(result.row.campaign.totalBudget, 500_000);
  assert.equal(result.row.campaign.timeZone, 'UTC');
  assert.equal(result.row.campaign.bidType, 'CPM');
  assert.equal(result.row.campaign.frequencyCap, null);
  assert.deepEqual(result.row.campaign.targeting.countries, ['FR', 'BE', 'CH']);
  assert.deepEqual(result.row.campaign.targeting.hours, [8, 9]);
  assert.equal(result.row.ad.title, 'Boots');
  assert.equal(result.row.ad.imageUrl, null);
  assert.equal(result.row.ad.format, 'native');
});

test('every problem of a bad row is reported with its line and column', () => {
  const errors = errorsOf({
    ...good,
    total_budget: '12.50',
    ad_click_url: 'javascript:alert(1)',
    ad_title: '',
    flight_end: '2026-01-01T00:00:00Z',
    target_countries: 'FR|france',
    target_hours: '8|noon',
  });
  const byField = new Map(errors.map((error) => [error.field, error.message]));
  assert.ok(errors.every((error) => error.line === 7));
  assert.match(byField.get('total_budget')!, /whole number.*12\.50/);
  assert.ok(byField.has('ad_click_url'));
  assert.equal(byField.get('ad_title'), 'is required');
  assert.match(byField.get('flight_end')!, /after flightStart/);
  assert.ok(byField.has('target_countries'));
  assert.match(byField.get('target_hours')!, /noon/);
});

test('a banner without a size, and half a frequency cap, are refused', () => {
  const fields = errorsOf({ ...good, ad_format: 'banner', frequency_cap_count: '3' }).map((error) => error.field);
  assert.ok(fields.includes('ad_width'), fields.join());
  assert.ok(fields.includes('frequency_cap_window_seconds'), fields.join());
});

test('a bad enum value names the column', () => {
  const errors = errorsOf({ ...good, bid_type: 'CPA' });
  assert.deepEqual(
    errors.map((error) => error.field),
    ['bid_type'],
  );
});

test('a flat JSON row may carry numbers and arrays, and an unknown key is refused', () => {
  const values = { ...good, total_budget: 500000, target_countries: ['US'], surprise: 1 };
  const errors = errorsOf(values);
  assert.deepEqual(
    errors.map((error) => [error.field, error.message]),
    [['surprise', 'is not a feed column']],
  );
  const { surprise: _, ...clean } = values;
  assert.equal(validateFeedRecord({ line: 1, values: clean }).ok, true);
});

test('a nested JSON row is validated as the contract, errors by dotted path', () => {
  const nested = {
    advertiser: { externalId: 'initech', name: 'Initech' },
    campaign: {
      externalId: 'c1',
      name: 'Brand',
      flightStart: '2026-01-01T00:00:00Z',
      flightEnd: '2026-12-31T00:00:00Z',
      totalBudget: 1,
      dailyBudget: 1,
      bidAmount: 1,
    },
    ad: { externalId: 'a1', title: 'Hello', clickUrl: 'https://initech.example/' },
  };
  assert.equal(validateFeedRecord({ line: 3, values: nested }).ok, true);
  const errors = errorsOf({ ...nested, ad: { ...nested.ad, clickUrl: 'nope', colour: 'red' } });
  assert.deepEqual(errors.map((error) => error.field).sort(), ['ad.clickUrl', 'ad.colour']);
});

test('the remembering validator agrees with the whole contract, row after row', () => {
  const validator = new FeedRowValidator();
  const rows: Record<string, unknown>[] = [
    good,
    { ...good, ad_external_id: 'acme-2', ad_title: 'Second ad of the same campaign' },
    { ...good, ad_external_id: 'acme-3', ad_click_url: 'nope' },
    { ...good, campaign_external_id: 'acme-summer', total_budget: '-5' },
    { ...good, ad_external_id: 'acme-4', total_budget: '-5' },
    { ...good, ad_external_id: 'acme-5', time_zone: 'Mars/Olympus', ad_title: '' },
    { ...good, ad_external_id: 'acme-6', time_zone: 'Mars/Olympus' },
    { advertiser: { externalId: 'x', name: 'X' }, campaign: { name: 'only a name' }, ad: { title: 'T' } },
    { advertiser: { externalId: 'x', name: 'X' }, campaign: {}, ad: {}, extra: true },
  ];
  for (const [index, values] of rows.entries()) {
    const line = index + 2;
    const nested = 'advertiser' in values;
    const { candidate, problems } = nested ? { candidate: values, problems: [] } : nestFlatRow(values);
    const whole = dataApi.feedUpsertRow.safeParse(candidate);
    const remembered = validator.validate({ line, values });
    if (whole.success && problems.length === 0) {
      assert.deepEqual(remembered, { ok: true, line, row: whole.data }, `row ${line}`);
    } else {
      const expected = rowErrors(line, candidate, nested, problems, whole.success ? [] : whole.error.issues);
      assert.deepEqual(remembered, { ok: false, line, errors: expected }, `row ${line}`);
    }
  }
});
