// A warm against real Redis, reading from a stand-in data API: the meta key must never claim
// buckets the series do not hold, also when a warm fails between replacing series and writing
// its meta.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { RedisKeys, TimeSeriesStore, timeSeriesCovers } from '@ads/ads-client';
import { createLogger } from '@ads/ads-client/service';
import { DataApiSource } from '../src/store/data-api-source';
import { narrowTimeSeriesMeta } from '../src/store/narrow-time-series-meta';
import { warmTimeSeries } from '../src/app/time-series-warm';
import { fixtureSnapshotCampaign } from '@ads/bench-kit';
import { type StandIn, jsonRpcResult, startStandIn } from '@ads/test-kit';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const keys = new RedisKeys(`test:${randomUUID()}:`);
const store = new TimeSeriesStore(redis, keys);
const logger = createLogger({ service: 'timeseries-warming', level: 'warn', base: { runId: 'time-series-warm-test' }, kind: 'command' });

// One ad of one campaign of one advertiser, with spend on three UTC days.
const hourRows = [
  { hour: '2026-03-09T10:00:00.000Z', spendMicros: 1_000 },
  { hour: '2026-03-10T12:00:00.000Z', spendMicros: 2_000 },
  { hour: '2026-03-11T00:00:00.000Z', spendMicros: 3_000 },
];
const idOfLevel: Record<string, string> = { ad: 'a1', campaign: 'c1', advertiser: 'v1' };

function statsQuery(params: Record<string, unknown>) {
  const fromMs = Date.parse(String(params.from));
  const toMs = Date.parse(String(params.to));
  const buckets = new Map<number, number>();
  for (const row of hourRows) {
    const at = Date.parse(row.hour);
    if (at < fromMs || at >= toMs) continue;
    const bucket = params.granularity === 'day' ? Math.floor(at / DAY_MS) * DAY_MS : at;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + row.spendMicros);
  }
  const totals = (spendMicros: number) => ({ impressions: 10, viewableImpressions: 8, clicks: 1, spendMicros, ctr: 0.1 });
  const points = [...buckets].map(([bucket, spendMicros]) => ({ bucket: new Date(bucket).toISOString(), ...totals(spendMicros) }));
  if (points.length === 0) return { series: [] };
  const spend = points.reduce((sum, point) => sum + point.spendMicros, 0);
  return { series: [{ level: params.level, id: idOfLevel[String(params.level)], points, totals: totals(spend) }] };
}

const snapshotPage = {
  asOf: '2026-03-10T00:00:00.000Z',
  campaigns: [
    fixtureSnapshotCampaign({
      id: 'c1',
      advertiserId: 'v1',
      flightStart: '2026-01-01T00:00:00Z',
      flightEnd: '2026-12-31T00:00:00Z',
      bidAmount: 200,
      ads: [
        {
          id: 'a1',
          format: 'native',
          title: 'a1',
          body: '',
          imageUrl: null,
          clickUrl: 'https://shop.test/a1',
          width: null,
          height: null,
          status: 'active',
        },
      ],
    }),
  ],
  placements: [],
  featureSwitches: [],
  nextCursor: null,
};

let dataApi: StandIn;
let source: DataApiSource;

before(async () => {
  dataApi = await startStandIn(jsonRpcResult((method, params) => (method === 'inventory.snapshot' ? snapshotPage : statsQuery(params))));
  source = new DataApiSource({ urls: [dataApi.url], token: 'unused', timeoutMs: 5_000 });
});

after(async () => {
  await source.close();
  await dataApi.close();
  const found = await redis.keys(`${keys.prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

const warm = (nowIso: string) =>
  warmTimeSeries({ source, redis, redisKeyPrefix: keys.prefix, days: 2, settleMinutes: 15, logger, nowMs: Date.parse(nowIso) });

test('a warm after UTC midnight that fails before its meta leaves no meta claiming the dropped day', async () => {
  await warm('2026-03-10T23:30:00.000Z');
  assert.ok(timeSeriesCovers(await store.readMeta(), '2026-03-09T00:00:00.000Z', '2026-03-10T00:00:00.000Z'));
  assert.deepEqual(
    (await store.read('ad', 'a1', 'day')).map((point) => point.bucket),
    ['2026-03-09T00:00:00.000Z', '2026-03-10T00:00:00.000Z'],
  );

  // A corrupt day spend counter makes Redis refuse the reconciliation's raise, which runs
  // after the series are replaced and before the meta is written.
  const counterKey = keys.campaignDaySpend('c1', '20260311');
  await redis.set(counterKey, 'corrupt');
  await assert.rejects(warm('2026-03-11T00:30:00.000Z'), /compare|number/);

  // The series were replaced: the 9th is gone from them.
  assert.deepEqual(
    (await store.read('ad', 'a1', 'day')).map((point) => point.bucket),
    ['2026-03-10T00:00:00.000Z', '2026-03-11T00:00:00.000Z'],
  );
  const meta = await store.readMeta();
  assert.equal(
    timeSeriesCovers(meta, '2026-03-09T00:00:00.000Z', '2026-03-10T00:00:00.000Z'),
    false,
    `meta still claims the 9th: ${JSON.stringify(meta)}`,
  );
  assert.equal(timeSeriesCovers(meta, '2026-03-09T10:00:00.000Z', '2026-03-09T11:00:00.000Z'), false);
  // What is left is the day old and new series share, with the old warm's expiry.
  assert.deepEqual(
    { from: meta?.from, to: meta?.to, warmedAt: meta?.warmedAt },
    { from: '2026-03-10T00:00:00.000Z', to: '2026-03-11T00:00:00.000Z', warmedAt: '2026-03-10T23:30:00.000Z' },
  );
  assert.ok((await redis.ttl(keys.timeSeriesMeta)) > 0);

  await redis.del(counterKey);
  await warm('2026-03-11T00:30:00.000Z');
  const next = await store.readMeta();
  assert.deepEqual({ from: next?.from, to: next?.to }, { from: '2026-03-10T00:00:00.000Z', to: '2026-03-11T01:00:00.000Z' });
});

test('a meta whose window the new one does not overlap, or that is unreadable, is deleted before series change', async () => {
  await store.writeMeta(
    { warmedAt: '2026-03-01T10:00:00.000Z', from: '2026-02-28T00:00:00.000Z', to: '2026-03-01T11:00:00.000Z', retentionDays: 2 },
    600,
  );
  assert.equal(
    await narrowTimeSeriesMeta(redis, keys, {
      fromMs: Date.parse('2026-03-10T00:00:00.000Z'),
      toMs: Date.parse('2026-03-11T01:00:00.000Z'),
    }),
    null,
  );
  assert.equal(await redis.exists(keys.timeSeriesMeta), 0);

  await redis.set(keys.timeSeriesMeta, '{"not":"a meta"}', 'EX', 600);
  assert.equal(await narrowTimeSeriesMeta(redis, keys, { fromMs: 0, toMs: Date.parse('2026-03-11T01:00:00.000Z') }), null);
  assert.equal(await redis.exists(keys.timeSeriesMeta), 0);
});

test('a warm clears the change marks its reads include, and keeps one made while it reads', async () => {
  const changedHour = Date.parse('2026-03-10T12:00:00.000Z');
  await store.markChanged([{ level: 'campaign', id: 'c1', fromMs: changedHour }]);
  let markedDuringReads = false;
  const answer = jsonRpcResult((method, params) => (method === 'inventory.snapshot' ? snapshotPage : statsQuery(params)));
  // A roll-up lands while the warm reads: the warm may or may not have read it, so its mark stays.
  const marking = await startStandIn((request, body, response) => {
    void (async () => {
      if ((JSON.parse(body) as { method: string }).method === 'stats.query' && !markedDuringReads) {
        markedDuringReads = true;
        await store.markChanged([{ level: 'ad', id: 'a1', fromMs: changedHour }]);
      }
      answer(request, body, response);
    })();
  });
  const markingSource = new DataApiSource({ urls: [marking.url], token: 'unused', timeoutMs: 5_000 });
  try {
    const summary = await warmTimeSeries({
      source: markingSource,
      redis,
      redisKeyPrefix: keys.prefix,
      days: 2,
      settleMinutes: 15,
      logger,
      nowMs: Date.parse('2026-03-11T00:30:00.000Z'),
    });
    assert.ok(markedDuringReads);
    assert.equal(summary.changeMarksCleared, 1);
    assert.equal(await redis.exists(keys.timeSeriesChange('campaign', 'c1')), 0, 'the mark made before the warm is cleared');
    assert.equal(await redis.exists(keys.timeSeriesChange('ad', 'a1')), 1, 'the mark made during the reads is kept');
  } finally {
    await redis.del(keys.timeSeriesChange('ad', 'a1'));
    await markingSource.close();
    await marking.close();
  }
});
