import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvField, reportCsvOf, reportFileNameOf } from './report-csv';

const point = (bucket: string, impressions: number) => ({
  bucket,
  impressions,
  viewableImpressions: 0,
  clicks: 1,
  spendMicros: 5,
  ctr: 1 / impressions,
});

describe('report CSV', () => {
  it('quotes commas, quotes and line breaks, and defuses spreadsheet formulas', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a, "b"'), '"a, ""b"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('-1'), "'-1");
  });

  it('writes one row per bucket and group under a header naming the grouping', () => {
    const report = {
      level: 'campaign',
      id: 'c1',
      granularity: 'day',
      from: '2026-04-01T00:00:00.000Z',
      to: '2026-04-03T00:00:00.000Z',
      points: [],
      groupBy: 'ad' as const,
      groups: [{ id: 'a1', name: 'Sale, now', points: [point('2026-04-01T00:00:00.000Z', 4), point('2026-04-02T00:00:00.000Z', 2)] }],
    };
    assert.equal(
      reportCsvOf(report),
      'bucket,ad_id,ad_name,impressions,viewable_impressions,clicks,spend_micros,ctr\r\n' +
        '2026-04-01T00:00:00.000Z,a1,"Sale, now",4,0,1,5,0.25\r\n' +
        '2026-04-02T00:00:00.000Z,a1,"Sale, now",2,0,1,5,0.5\r\n',
    );
    assert.equal(reportFileNameOf(report), 'campaign-c1-2026-04-01-2026-04-03-day-by-ad.csv');
  });
});
