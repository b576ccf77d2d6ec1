// `inventory.snapshot`: paging is complete and stable, and only servable inventory is in it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { OPEN_TARGETING } from '@ads/bench-kit';
import { readInventorySnapshot, type InventorySnapshot } from '@ads/ads-client';

import { createAd, createAdvertiser, createCampaign } from './support/inventory-fixtures';
import { startRpcTestServer, type RpcTestServer } from './support/rpc-test-server';

const DAY_MS = 86_400_000;
let stack: RpcTestServer;
const expected = { liveCampaignIds: new Set<string>(), servableAdIds: new Set<string>(), hiddenAdIds: new Set<string>() };
let liveWithStats: string;

before(async () => {
  stack = await startRpcTestServer();
  const { prisma } = stack.database;
  const now = Date.now();
  const active = await createAdvertiser(prisma);
  const archived = await createAdvertiser(prisma, { status: 'archived' });

  // Live: active campaigns of an active advertiser whose flight is not over (future starts included).
  for (let index = 0; index < 7; index += 1) {
    const campaign = await createCampaign(
      prisma,
      active.id,
      index === 6 ? { flightStart: new Date(now + 2 * DAY_MS), flightEnd: new Date(now + 9 * DAY_MS) } : {},
    );
    expected.liveCampaignIds.add(campaign.id);
    for (let ad = 0; ad < 3; ad += 1) expected.servableAdIds.add((await createAd(prisma, campaign.id)).id);
    expected.hiddenAdIds.add((await createAd(prisma, campaign.id, { reviewState: 'pending' })).id);
    expected.hiddenAdIds.add((await createAd(prisma, campaign.id, { reviewState: 'rejected' })).id);
    expected.hiddenAdIds.add((await createAd(prisma, campaign.id, { status: 'paused' })).id);
  }
  liveWithStats = [...expected.liveCampaignIds][0]!;

  // Not live, with approved active ads that must not leak into the snapshot.
  const hidden = [
    await createCampaign(prisma, active.id, { status: 'paused' }),
    await createCampaign(prisma, active.id, { status: 'draft' }),
    await createCampaign(prisma, active.id, { status: 'archived' }),
    await createCampaign(prisma, active.id, { flightStart: new Date(now - 9 * DAY_MS), flightEnd: new Date(now - DAY_MS) }),
    await createCampaign(prisma, archived.id),
  ];
  for (const campaign of hidden) expected.hiddenAdIds.add((await createAd(prisma, campaign.id)).id);

  // Lifetime spend: two hours of the live campaign, one of a hidden one.
  const [statsAd] = await prisma.ad.findMany({ where: { campaignId: liveWithStats, reviewState: 'approved', status: 'active' }, take: 1 });
  await prisma.hourlyStat.createMany({
    data: [
      { adId: statsAd!.id, campaignId: liveWithStats, hour: new Date('2026-01-01T10:00:00Z'), impressions: 100, spendMicros: 2_500_000n },
      { adId: statsAd!.id, campaignId: liveWithStats, hour: new Date('2026-01-01T11:00:00Z'), impressions: 40, spendMicros: 1_000_000n },
    ],
  });

  const newsSite = await prisma.site.create({ data: { name: 'News', domain: 'news.example', category: 'news' } });
  const pausedSite = await prisma.site.create({ data: { name: 'Old', domain: 'old.example', category: 'misc', status: 'paused' } });
  await prisma.placement.create({
    data: { siteId: newsSite.id, key: 'news-top', name: 'Top', allowedFormats: ['banner'], category: 'politics' },
  });
  await prisma.placement.create({
    data: { siteId: newsSite.id, key: 'news-inline', name: 'Inline', allowedFormats: ['native'], category: null },
  });
  await prisma.placement.create({
    data: { siteId: newsSite.id, key: 'news-paused', name: 'Paused', allowedFormats: ['native'], status: 'paused' },
  });
  await prisma.placement.create({ data: { siteId: pausedSite.id, key: 'old-top', name: 'Old top', allowedFormats: ['native'] } });
  await prisma.featureSwitch.create({ data: { name: 'serving.enabled', enabled: true } });
  await prisma.featureSwitch.create({
    data: { name: 'serving.house_ads', enabled: false, percentage: 50, scope: 'advertiser', scopeId: active.id },
  });
});

after(async () => {
  await stack?.close();
});

describe('inventory.snapshot', () => {
  let snapshot: InventorySnapshot;

  before(async () => {
    snapshot = await readInventorySnapshot(stack.client(), { pageSize: 2 });
  });

  it('pages through every live campaign exactly once, in id order', () => {
    const ids = snapshot.campaigns.map((campaign) => campaign.id);
    assert.equal(ids.length, expected.liveCampaignIds.size);
    assert.deepEqual(new Set(ids), expected.liveCampaignIds);
    assert.deepEqual(ids, [...ids].sort());
  });

  it('carries only servable ads (active and approved) of live campaigns', () => {
    const adIds = snapshot.campaigns.flatMap((campaign) => campaign.ads.map((ad) => ad.id));
    assert.deepEqual(new Set(adIds), expected.servableAdIds);
    assert.equal(adIds.length, expected.servableAdIds.size);
    assert.ok(adIds.every((id) => !expected.hiddenAdIds.has(id)));
  });

  it('gives budgets, bids, targeting and lifetime spend in the contract units', () => {
    const campaign = snapshot.campaigns.find((candidate) => candidate.id === liveWithStats)!;
    assert.equal(campaign.spentMicros, 3_500_000);
    assert.equal(campaign.totalBudget, 100_000);
    assert.equal(campaign.bidAmount, 250);
    assert.equal(campaign.frequencyCap, null);
    assert.deepEqual(campaign.targeting, OPEN_TARGETING);
    const others = snapshot.campaigns.filter((candidate) => candidate.id !== liveWithStats);
    assert.ok(others.every((other) => other.spentMicros === 0));
  });

  it('adds active placements of active sites, with the site category as fallback, and feature switches', () => {
    assert.deepEqual(
      snapshot.placements.map(({ key, siteDomain, category, allowedFormats }) => ({ key, siteDomain, category, allowedFormats })),
      [
        { key: 'news-inline', siteDomain: 'news.example', category: 'news', allowedFormats: ['native'] },
        { key: 'news-top', siteDomain: 'news.example', category: 'politics', allowedFormats: ['banner'] },
      ],
    );
    assert.deepEqual(
      snapshot.featureSwitches.map((feature) => [feature.name, feature.enabled, feature.percentage, feature.scope]),
      [
        ['serving.enabled', true, 100, 'global'],
        ['serving.house_ads', false, 50, 'advertiser'],
      ],
    );
  });

  it('sends placements and switches on the first page only, and keeps asOf on every page', async () => {
    const client = stack.client();
    const first = await client.inventory.snapshot({ limit: 3 });
    assert.ok(first.placements && first.featureSwitches);
    assert.ok(first.nextCursor);
    const second = await client.inventory.snapshot({ limit: 3, cursor: first.nextCursor });
    assert.equal(second.placements, undefined);
    assert.equal(second.featureSwitches, undefined);
    assert.equal(second.asOf, first.asOf);
    const third = await client.inventory.snapshot({ limit: 3, cursor: second.nextCursor! });
    assert.equal(third.campaigns.length, 1);
    assert.equal(third.nextCursor, null);
  });

  it('returns the same campaigns whatever the page size', async () => {
    const whole = await readInventorySnapshot(stack.client(), { pageSize: 2000 });
    assert.deepEqual(whole.campaigns, snapshot.campaigns);
  });

  it('does not show a campaign paused after the first page was read', async () => {
    const client = stack.client();
    const first = await client.inventory.snapshot({ limit: 2 });
    const sorted = [...expected.liveCampaignIds].sort();
    const last = sorted[sorted.length - 1]!;
    await stack.database.prisma.campaign.update({ where: { id: last }, data: { status: 'paused' } });
    try {
      const rest = [];
      let cursor = first.nextCursor;
      while (cursor !== null) {
        const page = await client.inventory.snapshot({ limit: 2, cursor });
        rest.push(...page.campaigns);
        cursor = page.nextCursor;
      }
      assert.equal(first.campaigns.length + rest.length, expected.liveCampaignIds.size - 1);
      assert.ok(!rest.some((campaign) => campaign.id === last));
    } finally {
      await stack.database.prisma.campaign.update({ where: { id: last }, data: { status: 'active' } });
    }
  });
});
