// `imports.upsertRows` and `imports.recordRun`: feed rows land by external id, a repeated feed
// changes nothing, bad rows fail alone, every change is audited and announced once.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { Redis } from 'ioredis';
import type { FeedUpsertRow } from '@ads/ads-client';
import { waitFor } from '@ads/test-kit';

import { rejectsWith, startRpcTestServer, type RpcTestServer } from './support/rpc-test-server';

let stack: RpcTestServer;
let subscriber: Redis;
let publisher: Redis;
const notices: string[] = [];

before(async () => {
  stack = await startRpcTestServer();
  subscriber = new Redis('redis://127.0.0.1:6379');
  await subscriber.subscribe(stack.keys.inventoryChangedChannel);
  subscriber.on('message', (_channel, message: string) => notices.push(message));
  publisher = new Redis('redis://127.0.0.1:6379');
});
after(async () => {
  subscriber?.disconnect();
  publisher?.disconnect();
  await stack?.close();
});

function feedRow(
  advertiser: string,
  campaign: string,
  ad: string,
  overrides: { campaign?: Partial<FeedUpsertRow['campaign']>; ad?: Partial<FeedUpsertRow['ad']>; advertiserName?: string } = {},
): FeedUpsertRow {
  return {
    advertiser: { externalId: advertiser, name: overrides.advertiserName ?? `Advertiser ${advertiser}` },
    campaign: {
      externalId: campaign,
      name: `Campaign ${campaign}`,
      flightStart: '2026-01-01T00:00:00Z',
      flightEnd: '2027-01-01T00:00:00Z',
      totalBudget: 500_000,
      dailyBudget: 10_000,
      bidType: 'CPM',
      bidAmount: 300,
      frequencyCap: { count: 3, windowSeconds: 86_400 },
      targeting: { countries: ['US', 'CA'], devices: ['mobile'], keywords: ['tents'] },
      ...overrides.campaign,
    },
    ad: {
      externalId: ad,
      format: 'banner',
      title: `Ad ${ad}`,
      clickUrl: `https://shop.example/${ad}`,
      imageUrl: `https://cdn.shop.example/${ad}.png`,
      width: 300,
      height: 250,
      ...overrides.ad,
    },
  };
}

async function noticesAfter(action: () => Promise<unknown>): Promise<number> {
  const before = notices.length;
  await action();
  // The API publishes before it answers, and Redis hands one subscriber its messages in the
  // order it ran the PUBLISH commands: once a fence published now has arrived, so has every
  // notice of the call.
  const fence = `fence-${randomUUID()}`;
  await publisher.publish(stack.keys.inventoryChangedChannel, fence);
  await waitFor(() => notices.includes(fence), 'the fence notice to reach the subscriber', { timeoutMs: 5_000, intervalMs: 5 });
  return notices.slice(before).filter((notice) => notice !== fence).length;
}

describe('imports.upsertRows', () => {
  const feed = [
    feedRow('acme', 'spring', 'a1'),
    feedRow('acme', 'spring', 'a2', { ad: { format: 'native', width: null, height: null, imageUrl: null } }),
    feedRow('acme', 'summer', 's1'),
    feedRow('globex', 'launch', 'g1'),
  ];
  let firstOutcomes: Awaited<ReturnType<ReturnType<RpcTestServer['client']>['imports']['upsertRows']>>['outcomes'];

  it('creates advertisers, campaigns (as drafts) and ads (pending review) by external id', async () => {
    const published = await noticesAfter(async () => {
      firstOutcomes = (await stack.client(stack.importerKey.secret).imports.upsertRows({ rows: feed })).outcomes;
    });
    assert.deepEqual(
      firstOutcomes.map((outcome) => outcome.outcome),
      ['created', 'created', 'created', 'created'],
    );
    assert.equal(published, 1, 'one inventory-changed notice per call');
    const { prisma } = stack.database;
    assert.equal(await prisma.advertiser.count(), 2);
    const campaigns = await prisma.campaign.findMany({ orderBy: { externalId: 'asc' } });
    assert.deepEqual(
      campaigns.map((campaign) => [campaign.externalId, campaign.status]),
      [
        ['launch', 'draft'],
        ['spring', 'draft'],
        ['summer', 'draft'],
      ],
    );
    assert.equal(campaigns[1]!.bidAmount, 300);
    assert.deepEqual(campaigns[1]!.countries, ['US', 'CA']);
    assert.equal(campaigns[1]!.frequencyCapWindowSeconds, 86_400);
    const ads = await prisma.ad.findMany();
    assert.equal(ads.length, 4);
    assert.ok(ads.every((ad) => ad.reviewState === 'pending' && ad.status === 'active'));
    const firstAdId = (firstOutcomes[0] as { adId: string }).adId;
    assert.equal((await prisma.ad.findUnique({ where: { id: firstAdId } }))!.externalId, 'a1');
  });

  it('audits every created row with the caller key', async () => {
    const entries = await stack.database.prisma.auditLog.findMany();
    const actions = entries.map((entry) => entry.action).sort();
    assert.deepEqual(actions, [
      'ad.create',
      'ad.create',
      'ad.create',
      'ad.create',
      'advertiser.create',
      'advertiser.create',
      'campaign.create',
      'campaign.create',
      'campaign.create',
    ]);
    assert.ok(entries.every((entry) => entry.actorKeyId === stack.importerKey.id));
  });

  it('changes nothing when the same feed arrives again: no version bump, no audit row, no notice', async () => {
    const { prisma } = stack.database;
    const versionsBefore = await prisma.campaign.findMany({ select: { id: true, version: true, updatedAt: true }, orderBy: { id: 'asc' } });
    const auditBefore = await prisma.auditLog.count();
    let outcomes: typeof firstOutcomes = [];
    const published = await noticesAfter(async () => {
      outcomes = (await stack.client(stack.importerKey.secret).imports.upsertRows({ rows: feed })).outcomes;
    });
    assert.deepEqual(
      outcomes.map((outcome) => outcome.outcome),
      ['unchanged', 'unchanged', 'unchanged', 'unchanged'],
    );
    assert.deepEqual(
      outcomes,
      firstOutcomes.map((outcome) => ({ ...outcome, outcome: 'unchanged' })),
      'the same ad ids',
    );
    assert.deepEqual(
      await prisma.campaign.findMany({ select: { id: true, version: true, updatedAt: true }, orderBy: { id: 'asc' } }),
      versionsBefore,
    );
    assert.equal(await prisma.auditLog.count(), auditBefore);
    assert.equal(published, 0);
  });

  it('updates what differs, bumps the version, sends a changed creative back to review, and audits before and after', async () => {
    const { prisma } = stack.database;
    const a1 = await prisma.ad.findFirstOrThrow({ where: { externalId: 'a1' } });
    await prisma.ad.update({ where: { id: a1.id }, data: { reviewState: 'approved' } });
    const rows = [
      feedRow('acme', 'spring', 'a1', { campaign: { bidAmount: 450 }, ad: { title: 'New title' } }),
      // Same campaign values as the row before: nothing left to change.
      feedRow('acme', 'spring', 'a2', {
        campaign: { bidAmount: 450 },
        ad: { format: 'native', width: null, height: null, imageUrl: null },
      }),
      feedRow('acme', 'summer', 's2'),
    ];
    const { outcomes } = await stack.client(stack.importerKey.secret).imports.upsertRows({ rows });
    assert.deepEqual(
      outcomes.map((outcome) => outcome.outcome),
      ['updated', 'unchanged', 'created'],
    );
    const campaign = await prisma.campaign.findFirstOrThrow({ where: { externalId: 'spring' } });
    assert.equal(campaign.bidAmount, 450);
    assert.equal(campaign.version, 2);
    const ad = await prisma.ad.findUniqueOrThrow({ where: { id: a1.id } });
    assert.equal(ad.title, 'New title');
    assert.equal(ad.reviewState, 'pending');
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { entityId: campaign.id, action: 'campaign.update' } });
    assert.equal((audit.before as { bidAmount: number }).bidAmount, 300);
    assert.equal((audit.after as { bidAmount: number }).bidAmount, 450);
  });

  it('reports bad rows with the field at fault and lands the good ones', async () => {
    const { prisma } = stack.database;
    await prisma.campaign.updateMany({ where: { externalId: 'launch' }, data: { status: 'archived' } });
    await prisma.campaign.updateMany({ where: { externalId: 'summer' }, data: { status: 'active' } });
    const rows = [
      feedRow('acme', 'autumn', 'f1'),
      feedRow('globex', 'launch', 'g2'),
      feedRow('acme', 'summer', 's1', { campaign: { totalBudget: 0 } }),
      feedRow('acme', 'winter', 'w1', { campaign: { bidAmount: 0 } }),
      feedRow('initech', 'one', 'i1', { advertiserName: 'Advertiser globex' }),
      feedRow('acme', 'autumn', 'f2', { ad: { format: 'native', width: 100, height: null, imageUrl: null } }),
      feedRow('acme', 'autumn', 'f3'),
    ];
    const { outcomes } = await stack.client(stack.importerKey.secret).imports.upsertRows({ rows });
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.outcome === 'failed' ? `failed:${outcome.field}` : outcome.outcome)),
      [
        'created',
        'failed:campaign.externalId',
        'failed:campaign.totalBudget',
        'failed:campaign.bidAmount',
        'failed:advertiser.name',
        'failed:ad.height',
        'created',
      ],
    );
    assert.equal(await prisma.ad.count({ where: { externalId: { in: ['f1', 'f3'] } } }), 2);
    assert.equal(await prisma.ad.count({ where: { externalId: { in: ['g2', 'w1', 'i1', 'f2'] } } }), 0);
    assert.equal(await prisma.advertiser.count({ where: { externalId: 'initech' } }), 0, 'a failed row creates no advertiser');
    assert.equal((await prisma.campaign.findFirstOrThrow({ where: { externalId: 'summer' } })).totalBudget, 500_000);
  });

  it('applies rows in order: a later row of a campaign sees what earlier rows did', async () => {
    const rows = [
      feedRow('umbrella', 'rain', 'r1', { campaign: { name: 'First name' } }),
      feedRow('umbrella', 'rain', 'r2', { campaign: { name: 'Second name' } }),
      feedRow('umbrella', 'rain', 'r1', { campaign: { name: 'Second name' } }),
    ];
    const { outcomes } = await stack.client(stack.importerKey.secret).imports.upsertRows({ rows });
    // Row 2 renamed the campaign; row 3 asks for what is already there.
    assert.deepEqual(
      outcomes.map((outcome) => outcome.outcome),
      ['created', 'created', 'unchanged'],
    );
    const campaigns = await stack.database.prisma.campaign.findMany({ where: { externalId: 'rain' } });
    assert.equal(campaigns.length, 1);
    assert.equal(campaigns[0]!.name, 'Second name');
  });

  it('gives the same result when the same new rows arrive twice at once', async () => {
    const rows = [feedRow('wayne', 'night', 'n1'), feedRow('wayne', 'night', 'n2')];
    const client = stack.client(stack.importerKey.secret);
    const [first, second] = await Promise.all([client.imports.upsertRows({ rows }), client.imports.upsertRows({ rows })]);
    const { prisma } = stack.database;
    assert.equal(await prisma.advertiser.count({ where: { externalId: 'wayne' } }), 1);
    assert.equal(await prisma.ad.count({ where: { externalId: { in: ['n1', 'n2'] } } }), 2);
    assert.deepEqual(
      first.outcomes.map((outcome) => (outcome as { adId: string }).adId),
      second.outcomes.map((outcome) => (outcome as { adId: string }).adId),
    );
  });
});

describe('imports.recordRun', () => {
  let runId: string;

  it('creates a run, then updates it by id', async () => {
    const client = stack.client(stack.importerKey.secret);
    const started = await client.imports.recordRun({
      source: 'https://feeds.example/acme.csv',
      format: 'csv',
      status: 'running',
      total: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
      startedAt: '2026-06-01T10:00:00Z',
      finishedAt: null,
    });
    runId = started.id;
    assert.equal(started.status, 'running');
    const finished = await client.imports.recordRun({
      ...started,
      status: 'partially_succeeded',
      total: 10,
      created: 8,
      failed: 2,
      errors: [{ line: 4, field: 'campaign.bidAmount', message: 'must be above 0' }],
      finishedAt: '2026-06-01T10:00:05Z',
    });
    assert.equal(finished.id, runId);
    const stored = await stack.database.prisma.importRun.findUniqueOrThrow({ where: { id: runId } });
    assert.equal(stored.status, 'partially_succeeded');
    assert.equal(stored.failedCount, 2);
    assert.deepEqual(stored.errors, [{ line: 4, field: 'campaign.bidAmount', message: 'must be above 0' }]);
  });

  it('refuses an unknown id (NOT_FOUND) and a run that finishes before it starts (INVALID_PARAMS)', async () => {
    const client = stack.client(stack.importerKey.secret);
    const run = {
      source: 'feed.json',
      format: 'json' as const,
      status: 'succeeded' as const,
      total: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
      failed: 0,
      errors: [],
      startedAt: '2026-06-01T10:00:00Z',
      finishedAt: '2026-06-01T11:00:00Z',
    };
    await rejectsWith(client.imports.recordRun({ ...run, id: '01900000-0000-7000-8000-000000000000' }), 'NOT_FOUND');
    // An id that cannot be a row id is refused before the store, naming the field.
    const notAnId = await rejectsWith(client.imports.recordRun({ ...run, id: 'not-an-id' }), 'INVALID_PARAMS');
    assert.deepEqual((notAnId.data as { issues: Array<{ path: unknown[] }> }).issues[0]!.path, ['id']);
    const error = await rejectsWith(client.imports.recordRun({ ...run, finishedAt: '2026-06-01T09:00:00Z' }), 'INVALID_PARAMS');
    assert.deepEqual((error.data as { issues: Array<{ path: unknown[] }> }).issues[0]!.path, ['finishedAt']);
  });
});
