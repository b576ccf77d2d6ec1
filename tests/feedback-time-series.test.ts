// timeseries-warming against a real ads-data-api and PostgreSQL: known stats are ingested with
// the service key, the command warms Redis, and every warmed series equals what the database
// answers; the day spend counters are reconciled by the documented rule.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { TimeSeriesStore, hourBucket, localDay, utcHoursOfLocalDay } from '@ads/ads-client';
import type { SnapshotCampaign, TimeSeriesGranularity, TimeSeriesLevel } from '@ads/ads-client';
import { EXIT_CODES } from '@ads/ads-client/service';
import { HOUR_MS, runWarming, startFeedbackStack, statsRow, type FeedbackStack } from './support/feedback-stack';

const DAY_MS = 24 * HOUR_MS;
let stack: FeedbackStack;

before(async () => {
  stack = await startFeedbackStack();
});
after(async () => {
  await stack?.stop();
});

test('warmed series equal the database totals, inside the window only', async () => {
  const snapshot = await stack.snapshot();
  const [first, second] = snapshot.campaigns.filter((campaign) => campaign.ads.length >= 2);
  assert.ok(first !== undefined && second !== undefined, 'the seed has two campaigns with two ads');
  const [a1, a2] = first.ads.map((ad) => ad.id) as [string, string];
  const b1 = second.ads[0]!.id;

  const nowMs = Date.now();
  const days = 3;
  const fromMs = Math.floor(nowMs / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
  const toMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const lastHour = toMs - 2 * HOUR_MS;
  const dayBefore = lastHour - 24 * HOUR_MS;
  const windowStart = fromMs + HOUR_MS;
  const tooOld = fromMs - 2 * DAY_MS;
  const rows = [
    statsRow(a1, lastHour, { impressions: 1000, clicks: 50, spendMicros: 2_500_000 }),
    statsRow(a1, dayBefore, { impressions: 400, clicks: 4, spendMicros: 1_000_000 }),
    statsRow(a2, lastHour, { impressions: 300, clicks: 3, spendMicros: 750_000 }),
    statsRow(a2, windowStart, { impressions: 80, clicks: 0, spendMicros: 200_000 }),
    statsRow(b1, dayBefore, { impressions: 500, clicks: 25, spendMicros: 5_000_000 }),
    statsRow(b1, tooOld, { impressions: 999, clicks: 99, spendMicros: 9_999_000 }),
  ];
  assert.deepEqual(await stack.client.stats.ingest({ batchId: randomUUID(), rows }), { applied: true, rows: rows.length });

  // Left-overs of an earlier warm: a series of an entity with no data now, and an expired bucket.
  const store = new TimeSeriesStore(stack.redis, stack.keys);
  const oldPoint = { impressions: 1, viewableImpressions: 1, clicks: 1, spendMicros: 1, ctr: 1 };
  await stack.redis.hset(stack.keys.timeSeries('ad', 'gone-ad', 'hour'), new Date(lastHour).toISOString(), JSON.stringify(oldPoint));
  await stack.redis.hset(stack.keys.timeSeries('ad', a1, 'day'), new Date(tooOld).toISOString(), JSON.stringify(oldPoint));

  const result = await runWarming(stack, ['--days', String(days), '--json']);
  assert.equal(result.code, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as {
    window: { from: string; to: string };
    series: Record<string, Record<string, number>>;
    staleSeriesDeleted: number;
  };
  assert.deepEqual(summary.window, { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), days } as never);
  assert.deepEqual(summary.series.ad, { hour: 3, day: 3 });
  assert.ok(summary.staleSeriesDeleted >= 1);

  const idsByLevel: Record<TimeSeriesLevel, string[]> = {
    ad: [a1, a2, b1],
    campaign: [first.id, second.id],
    advertiser: [...new Set([first.advertiserId, second.advertiserId])],
  };
  for (const level of ['ad', 'campaign', 'advertiser'] as const) {
    for (const granularity of ['hour', 'day'] as TimeSeriesGranularity[]) {
      const answer = await stack.client.stats.query({
        level,
        ids: idsByLevel[level],
        granularity,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
      });
      for (const series of answer.series) {
        const warmed = await store.read(level, series.id, granularity);
        const expected = series.points.map((point) => ({ ...point, bucket: new Date(point.bucket).toISOString() }));
        assert.equal(warmed.length, expected.length, `${level} ${series.id} ${granularity}: bucket count`);
        for (const [index, point] of warmed.entries()) {
          const want = expected[index]!;
          assert.deepEqual(
            { ...point, ctr: Math.round(point.ctr * 1e9) },
            { ...want, ctr: Math.round(want.ctr * 1e9) },
            `${level} ${series.id} ${granularity} ${point.bucket}`,
          );
        }
      }
    }
  }

  // And against what was ingested, not only against the API's own reading.
  const total = (points: { spendMicros: number; impressions: number }[]) =>
    points.reduce(
      (sum, point) => ({ impressions: sum.impressions + point.impressions, spendMicros: sum.spendMicros + point.spendMicros }),
      { impressions: 0, spendMicros: 0 },
    );
  assert.deepEqual(total(await store.read('ad', a1, 'hour')), { impressions: 1400, spendMicros: 3_500_000 });
  assert.deepEqual(total(await store.read('ad', a1, 'day')), { impressions: 1400, spendMicros: 3_500_000 });
  assert.deepEqual(total(await store.read('campaign', first.id, 'day')), { impressions: 1780, spendMicros: 4_450_000 });
  assert.deepEqual(
    total(await store.read('ad', b1, 'hour')),
    { impressions: 500, spendMicros: 5_000_000 },
    'the bucket before the window is left out',
  );
  const lastHourPoint = (await store.read('ad', a1, 'hour', { from: lastHour, to: lastHour + HOUR_MS }))[0]!;
  assert.equal(lastHourPoint.ctr, 0.05);

  assert.deepEqual(
    await stack.redis.exists(stack.keys.timeSeries('ad', 'gone-ad', 'hour')),
    0,
    'series of entities without data are deleted',
  );
  const ttl = await stack.redis.ttl(stack.keys.timeSeries('ad', a1, 'hour'));
  assert.ok(ttl > 0 && ttl <= (days + 1) * 86_400, 'warmed series expire');
  const meta = await store.readMeta();
  assert.deepEqual(
    { from: meta?.from, to: meta?.to, retentionDays: meta?.retentionDays },
    { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), retentionDays: days },
  );
});

test('day spend counters are raised to the database total, never lowered', async () => {
  const nowMs = Date.now();
  const snapshot = await stack.snapshot();
  // With SPEND_SETTLE_MINUTES=0 every hour of the local day before the current one is settled.
  const earlierHours = (campaign: SnapshotCampaign) =>
    utcHoursOfLocalDay(localDay(nowMs, campaign.timeZone), nowMs).filter((hour) => hour + HOUR_MS <= nowMs);
  const settledCampaigns = snapshot.campaigns.filter((campaign) => campaign.ads.length > 0 && earlierHours(campaign).length > 0);
  assert.ok(settledCampaigns.length >= 2, 'two seeded campaigns have a finished hour in their local day');
  const [behind, ahead] = settledCampaigns.slice(-2) as [SnapshotCampaign, SnapshotCampaign];
  const restarted = snapshot.campaigns.find((campaign) => campaign.ads.length > 0 && campaign !== behind && campaign !== ahead)!;
  const dayKey = (campaign: SnapshotCampaign) => stack.keys.campaignDaySpend(campaign.id, localDay(nowMs, campaign.timeZone).day);

  // What the database already holds for these campaigns today (the first test may have added some).
  const databaseToday = async (campaign: SnapshotCampaign, settledOnly: boolean) => {
    const day = localDay(nowMs, campaign.timeZone);
    const answer = await stack.client.stats.query({
      level: 'campaign',
      ids: [campaign.id],
      granularity: 'hour',
      from: new Date(day.startMs).toISOString(),
      to: new Date(Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS).toISOString(),
    });
    const hours = new Set(utcHoursOfLocalDay(day, nowMs).filter((hour) => !settledOnly || hour + HOUR_MS <= nowMs));
    return (answer.series[0]?.points ?? [])
      .filter((point) => hours.has(Date.parse(point.bucket)))
      .reduce((sum, point) => sum + point.spendMicros, 0);
  };

  const rows = [
    statsRow(behind.ads[0]!.id, earlierHours(behind)[0]!, { impressions: 100, clicks: 1, spendMicros: 3_000_000 }),
    statsRow(ahead.ads[0]!.id, earlierHours(ahead)[0]!, { impressions: 100, clicks: 1, spendMicros: 2_000_000 }),
  ];
  await stack.client.stats.ingest({ batchId: randomUUID(), rows });
  const behindDatabase = await databaseToday(behind, true);
  const aheadDatabase = await databaseToday(ahead, true);
  assert.ok(behindDatabase >= 3_000_000 && aheadDatabase >= 2_000_000);

  // behind: serving's counter lost increments; ahead: serving counted spend the roll-up has not
  // delivered yet; restarted: Redis lost the counter, serving counted 0.5 in the current hour.
  await stack.redis.set(dayKey(behind), '1000000', 'EX', 3600);
  await stack.redis.set(dayKey(ahead), String(aheadDatabase + 7_000_000), 'EX', 3600);
  const currentHour = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  await stack.redis.hset(stack.keys.adHourCounters(restarted.ads[0]!.id, hourBucket(currentHour)), {
    impressions: 10,
    spendMicros: 500_000,
  });
  const restartedDatabase = await databaseToday(restarted, true);

  const result = await runWarmingWithoutSettling();
  assert.equal(result.code, 0, result.stderr);

  assert.equal(Number(await stack.redis.get(dayKey(behind))), behindDatabase, 'raised to the database total');
  assert.equal(Number(await stack.redis.get(dayKey(ahead))), aheadDatabase + 7_000_000, 'not lowered');
  assert.equal(
    Number(await stack.redis.get(dayKey(restarted))),
    restartedDatabase + 500_000,
    "database's settled hours plus serving's current hour",
  );
  const summary = JSON.parse(result.stdout) as { reconciliation: { counters: { campaignId: string }[] } };
  const raisedIds = summary.reconciliation.counters.map((counter) => counter.campaignId);
  assert.ok(raisedIds.includes(behind.id) && raisedIds.includes(restarted.id) && !raisedIds.includes(ahead.id));
});

function runWarmingWithoutSettling() {
  return runWarming({ ...stack, commandEnvironment: { ...stack.commandEnvironment, SPEND_SETTLE_MINUTES: '0' } }, [
    '--days',
    '2',
    '--json',
  ]);
}

test('with ads-data-api down the command exits non-zero and the last warm stays', async () => {
  const before = await stack.redis.get(stack.keys.timeSeriesMeta);
  assert.ok(before !== null);
  const seriesKeys = await stack.redis.keys(stack.keys.timeSeries('ad', '*', 'hour'));
  await stack.stopDataApi();
  const result = await runWarming(stack, ['--days', '2']);
  assert.equal(result.code, EXIT_CODES.dataApiUnavailable, result.stderr);
  assert.match(result.stderr, /DATA_API_UNAVAILABLE/);
  assert.equal(await stack.redis.get(stack.keys.timeSeriesMeta), before);
  assert.deepEqual((await stack.redis.keys(stack.keys.timeSeries('ad', '*', 'hour'))).sort(), seriesKeys.sort());
});
