import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleSeries } from './series-assembly';

const point = (bucket: string, impressions: number, clicks: number) => ({
  bucket,
  impressions,
  viewableImpressions: impressions,
  clicks,
  spendMicros: impressions * 10,
  ctr: 0,
});

test('answers of several days join into one series per entity, in order, inside the window', () => {
  const entries = assembleSeries(
    'ad',
    'hour',
    [
      [{ id: 'a1', points: [point('2026-03-09T23:00:00.000Z', 10, 1), point('2026-03-09T05:00:00Z', 4, 0)] }],
      [
        { id: 'a1', points: [point('2026-03-10T01:00:00.000+00:00', 20, 5)] },
        { id: 'a2', points: [point('2026-03-08T23:00:00.000Z', 1, 1)] },
      ],
    ],
    { fromMs: Date.parse('2026-03-09T00:00:00Z'), toMs: Date.parse('2026-03-10T02:00:00Z') },
  );
  assert.equal(entries.length, 2);
  const a1 = entries.find((entry) => entry.id === 'a1')!;
  assert.deepEqual(
    a1.points.map((p) => p.bucket),
    ['2026-03-09T05:00:00.000Z', '2026-03-09T23:00:00.000Z', '2026-03-10T01:00:00.000Z'],
  );
  assert.equal(a1.points[2]!.ctr, 0.25);
  assert.equal(a1.points[0]!.ctr, 0);
  // a2's only bucket lies before the window: its series is empty, so the store deletes it.
  assert.deepEqual(entries.find((entry) => entry.id === 'a2')!.points, []);
});
