// `stats.ingest`: every batch id is applied exactly once, duplicates and concurrent replays
// included, and a batch with a bad row writes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { createAd, createAdvertiser, createCampaign } from './support/inventory-fixtures';
import { rejectsWith, startRpcTestServer, type RpcTestServer } from './support/rpc-test-server';

let stack: RpcTestServer;
let adIds: string[];
let campaignId: string;

before(async () => {
  stack = await startRpcTestServer();
  const { prisma } = stack.database;
  const advertiser = await createAdvertiser(prisma);
  const campaign = await createCampaign(prisma, advertiser.id);
  campaignId = campaign.id;
  adIds = [];
  for (let index = 0; index < 20; index += 1) adIds.push((await createAd(prisma, campaign.id)).id);
});
after(async () => {
  await stack?.close();
});

const HOUR = Date.parse('2026-03-01T00:00:00Z');
function row(adId: string, hourIndex: number, impressions = 10) {
  return {
    adId,
    hour: new Date(HOUR + hourIndex * 3_600_000).toISOString(),
    impressions,
    viewableImpressions: Math.floor(impressions / 2),
    clicks: 1,
    spendMicros: impressions * 2_500,
  };
}

async function totals(filter: { hour?: Date } = {}) {
  const aggregate = await stack.database.prisma.hourlyStat.aggregate({
    where: { campaignId, ...filter },
    _sum: { impressions: true, viewableImpressions: true, clicks: true, spendMicros: true },
    _count: true,
  });
  return {
    rows: aggregate._count,
    impressions: aggregate._sum.impressions ?? 0,
    viewable: aggregate._sum.viewableImpressions ?? 0,
    clicks: aggregate._sum.clicks ?? 0,
    spendMicros: Number(aggregate._sum.spendMicros ?? 0n),
  };
}

describe('stats.ingest with placements', () => {
  it('keeps the placement breakdown beside the ad counts, exactly once, and counts an unknown key under the ad only', async () => {
    const { prisma } = stack.database;
    const site = await prisma.site.create({ data: { name: 'Ingest site', domain: 'ingest-placements.example' } });
    const top = await prisma.placement.create({ data: { siteId: site.id, key: 'ingest.top', name: 'Top', allowedFormats: ['native'] } });
    const side = await prisma.placement.create({ data: { siteId: site.id, key: 'ingest.side', name: 'Side', allowedFormats: ['native'] } });
    // A campaign of its own, so that the campaign totals of the tests below stay theirs.
    const campaign = await createCampaign(prisma, (await createAdvertiser(prisma)).id);
    const adId = (await createAd(prisma, campaign.id)).id;
    const rows = [
      { ...row(adId, 40, 10), placementKey: 'ingest.top' },
      { ...row(adId, 40, 20), placementKey: 'ingest.side' },
      { ...row(adId, 40, 30), placementKey: 'ingest.top' },
      { ...row(adId, 40, 40), placementKey: 'no-such-placement' },
      row(adId, 40, 50),
    ];
    for (let delivery = 0; delivery < 2; delivery += 1) {
      const answer = await stack.client().stats.ingest({ batchId: 'with-placements', rows });
      assert.equal(answer.applied, delivery === 0);
    }
    const hour = new Date(HOUR + 40 * 3_600_000);
    const adHour = await prisma.hourlyStat.findUniqueOrThrow({ where: { adId_hour: { adId, hour } } });
    assert.equal(adHour.impressions, 150, 'every row counts under its ad, with or without a known placement');
    const byPlacement = await prisma.placementHourlyStat.findMany({ where: { adId }, orderBy: { impressions: 'asc' } });
    assert.deepEqual(
      byPlacement.map((entry) => [
        entry.placementId,
        entry.campaignId,
        entry.hour.toISOString(),
        entry.impressions,
        Number(entry.spendMicros),
      ]),
      [
        [side.id, campaign.id, hour.toISOString(), 20, 50_000],
        [top.id, campaign.id, hour.toISOString(), 40, 100_000],
      ],
    );
    // A deleted placement takes its breakdown rows with it; the ad's counts stay.
    await prisma.placement.delete({ where: { id: side.id } });
    assert.equal(await prisma.placementHourlyStat.count({ where: { adId } }), 1);
    assert.equal((await prisma.hourlyStat.findUniqueOrThrow({ where: { adId_hour: { adId, hour } } })).impressions, 150);
  });
});

describe('stats.ingest', () => {
  it('adds a batch to the hourly counters and says it applied it', async () => {
    const answer = await stack.client().stats.ingest({ batchId: 'first', rows: [row(adIds[0]!, 0), row(adIds[1]!, 0), row(adIds[0]!, 1)] });
    assert.deepEqual(answer, { applied: true, rows: 3 });
    assert.deepEqual(await totals(), { rows: 3, impressions: 30, viewable: 15, clicks: 3, spendMicros: 75_000 });
  });

  it('ignores the same batch id sent again, even with other rows', async () => {
    const before = await totals();
    const again = await stack.client().stats.ingest({ batchId: 'first', rows: [row(adIds[0]!, 0), row(adIds[1]!, 0), row(adIds[0]!, 1)] });
    assert.deepEqual(again, { applied: false, rows: 3 });
    const other = await stack.client().stats.ingest({ batchId: 'first', rows: [row(adIds[5]!, 7, 999)] });
    assert.equal(other.applied, false);
    assert.deepEqual(await totals(), before);
  });

  it('marks the ad, campaign and advertiser series changed from the oldest hour, on a replay too', async () => {
    const campaign = await stack.database.prisma.campaign.findUniqueOrThrow({ where: { id: campaignId } });
    const markKeys = [
      stack.keys.timeSeriesChange('ad', adIds[3]!),
      stack.keys.timeSeriesChange('campaign', campaignId),
      stack.keys.timeSeriesChange('advertiser', campaign.advertiserId),
    ];
    await stack.redis.del(...markKeys); // left by the batches before
    const rows = [row(adIds[3]!, 5), row(adIds[3]!, 4)];
    assert.equal((await stack.client().stats.ingest({ batchId: 'marked', rows })).applied, true);
    for (const key of markKeys) assert.equal(await stack.redis.hget(key, 'from'), String(HOUR + 4 * 3_600_000), key);
    // A first delivery whose marks were lost (Redis failed after the commit) is marked when sent again.
    await stack.redis.del(...markKeys);
    assert.equal((await stack.client().stats.ingest({ batchId: 'marked', rows })).applied, false);
    for (const key of markKeys) assert.equal(await stack.redis.hget(key, 'from'), String(HOUR + 4 * 3_600_000), key);
    assert.ok((await stack.redis.ttl(markKeys[0]!)) > 90 * 86_400, 'a mark outlives any warmed series');
  });

  it('applies a batch once when five identical copies arrive at the same time', async () => {
    const before = await totals();
    const rows = adIds.map((adId) => row(adId, 2, 7));
    const client = stack.client();
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.stats.ingest({ batchId: 'concurrent', rows })));
    assert.equal(answers.filter((answer) => answer.applied).length, 1, JSON.stringify(answers));
    assert.ok(answers.every((answer) => answer.rows === rows.length));
    const after = await totals();
    assert.equal(after.impressions - before.impressions, 7 * adIds.length);
    assert.equal(after.clicks - before.clicks, adIds.length);
    assert.equal(after.spendMicros - before.spendMicros, 7 * 2_500 * adIds.length);
  });

  it('applies different batches that share counters concurrently, each exactly once', async () => {
    const before = await totals({ hour: new Date(HOUR + 3 * 3_600_000) });
    const client = stack.client();
    // The same ads in opposite orders: a naive upsert would deadlock here.
    const forward = adIds.map((adId) => row(adId, 3, 1));
    const backward = [...forward].reverse();
    const batches = Array.from({ length: 6 }, (_, index) => ({ batchId: `shared-${index}`, rows: index % 2 === 0 ? forward : backward }));
    const answers = await Promise.all([...batches, ...batches].map((batch) => client.stats.ingest(batch)));
    assert.equal(answers.filter((answer) => answer.applied).length, 6);
    const after = await totals({ hour: new Date(HOUR + 3 * 3_600_000) });
    assert.equal(after.impressions - before.impressions, 6 * adIds.length);
  });

  it('sums rows of one batch that repeat an ad and an hour', async () => {
    await stack.client().stats.ingest({ batchId: 'repeats', rows: [row(adIds[9]!, 4, 5), row(adIds[9]!, 4, 6)] });
    const stat = await stack.database.prisma.hourlyStat.findUnique({
      where: { adId_hour: { adId: adIds[9]!, hour: new Date(HOUR + 4 * 3_600_000) } },
    });
    assert.equal(stat?.impressions, 11);
    assert.equal(stat?.spendMicros, 27_500n);
  });

  it('refuses a batch naming an unknown ad, naming the row and field, and writes nothing', async () => {
    const before = await totals();
    const unknownAd = '01900000-0000-7000-8000-000000000000';
    const error = await rejectsWith(
      stack.client().stats.ingest({ batchId: 'bad-row', rows: [row(adIds[0]!, 5), row(adIds[1]!, 5), row(unknownAd, 5)] }),
      'INVALID_PARAMS',
    );
    assert.deepEqual(
      (error.data as { issues: Array<{ path: unknown[] }> }).issues.map((issue) => issue.path),
      [['rows', 2, 'adId']],
    );
    assert.deepEqual(await totals(), before, 'no counter moved');
    assert.equal(await stack.database.prisma.statsBatch.count({ where: { batchId: 'bad-row' } }), 0, 'the batch id is not spent');

    // Once fixed, the same batch id goes through.
    const fixed = await stack.client().stats.ingest({ batchId: 'bad-row', rows: [row(adIds[0]!, 5), row(adIds[1]!, 5)] });
    assert.equal(fixed.applied, true);
  });

  it('refuses ids that are not UUIDs and hours that are not whole, naming the row', async () => {
    const notUuid = await rejectsWith(
      stack.client().stats.ingest({ batchId: 'not-uuid', rows: [row(adIds[0]!, 6), { ...row(adIds[0]!, 6), adId: "x' OR 1=1" }] }),
      'INVALID_PARAMS',
    );
    assert.deepEqual((notUuid.data as { issues: Array<{ path: unknown[] }> }).issues[0]!.path, ['rows', 1, 'adId']);
    const response = await fetch(stack.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.serviceKey.secret}` },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'stats.ingest',
        params: { batchId: 'half-hour', rows: [{ ...row(adIds[0]!, 6), hour: '2026-03-01T00:30:00Z' }] },
      }),
    });
    assert.equal(response.status, 400);
    const answer = (await response.json()) as { error: { data: { issues: Array<{ path: unknown[] }> } } };
    assert.deepEqual(answer.error.data.issues[0]!.path, ['rows', 0, 'hour']);
  });

  it('refuses a batch that would overflow a counter, and writes nothing', async () => {
    const before = await totals();
    await stack.client().stats.ingest({ batchId: 'big-1', rows: [row(adIds[3]!, 8, 2_000_000_000)] });
    const middle = await totals();
    await rejectsWith(
      stack.client().stats.ingest({ batchId: 'big-2', rows: [row(adIds[4]!, 8, 3), row(adIds[3]!, 8, 2_000_000_000)] }),
      'INVALID_PARAMS',
    );
    assert.deepEqual(await totals(), middle);
    assert.equal(middle.impressions - before.impressions, 2_000_000_000);
  });

  it('takes a batch of 20,000 rows', async () => {
    const rows = [];
    for (let hour = 0; hour < 1_000; hour += 1) for (const adId of adIds) rows.push(row(adId, 100 + hour, 3));
    const answer = await stack.client().stats.ingest({ batchId: 'large', rows });
    assert.deepEqual(answer, { applied: true, rows: 20_000 });
    const count = await stack.database.prisma.hourlyStat.count({ where: { hour: { gte: new Date(HOUR + 100 * 3_600_000) } } });
    assert.equal(count, 20_000);
  });
});
