// The total-budget stop against the real Redis: spend is counted by the event script (the same
// `campaignLiveSpend` counter the beacons bump), the index carries the database total and the
// baseline cache-warming read with it, and `PacingState` must not forget spend the roll-up has
// not loaded yet when a new index version comes in.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { RedisKeys, type TrackingEvent } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { campaignBlock } from '../src/domain/campaign-liveness';
import { buildDecisionIndex, type IndexedCampaign } from '../src/domain/decision-index';
import { fixtureCampaign, fixtureIndex } from './support/serving-index-fixture';
import { ZoneClock } from '../src/domain/zone-clock';
import { EventRecorder } from '../src/store/event-recorder';
import { PacingState } from '../src/store/pacing-state';

const prefix = `test:${randomUUID()}:`;
const keys = new RedisKeys(prefix);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const recorder = new EventRecorder(redis, keys, 0);
const clock = new ZoneClock();
const DOLLAR = 1_000_000;

after(async () => {
  const found = await redis.keys(`${prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

/** Counts impressions worth `dollars` through the event script, $10 each. */
async function countSpend(campaignId: string, dollars: number): Promise<void> {
  const now = Date.now();
  for (let spent = 0; spent < dollars; spent += 10) {
    const event: TrackingEvent = {
      type: 'impression',
      eventId: randomUUID(),
      decisionId: randomUUID(),
      adId: `${campaignId}-ad`,
      campaignId,
      advertiserId: `adv-${campaignId}`,
      placementKey: 'home-top',
      userKey: 'u1',
      at: now,
      spendMicros: 10 * DOLLAR,
    };
    assert.equal(
      await recorder.count({
        event,
        day: clock.at('UTC', now).day,
        frequencyCapWindowMs: 0,
        seenUntilMs: now + 60_000,
        frequencyCapCount: 0,
        limits: null,
      }),
      'counted',
    );
  }
}

/** The campaign as a freshly built index version holds it: `spentMicros` from the database, the baseline from Redis. */
async function indexedCampaign(campaignId: string, databaseDollars: number): Promise<IndexedCampaign> {
  const baseline = Number((await redis.get(keys.campaignLiveSpend(campaignId))) ?? 0);
  const index = buildDecisionIndex(
    fixtureIndex({
      campaigns: [
        fixtureCampaign({ id: campaignId, totalBudget: 10_000, spentMicros: databaseDollars * DOLLAR, liveSpendBaselineMicros: baseline }),
      ],
    }),
  );
  return index.campaigns[0]!;
}

async function totalSpent(pacing: PacingState, campaign: IndexedCampaign): Promise<{ dollars: number; blockedBy: string | null }> {
  const now = Date.now();
  await pacing.refresh([campaign], clock, now);
  const spend = pacing.spendOf(campaign, clock.at('UTC', now).day);
  return { dollars: spend.totalSpentMicros / DOLLAR, blockedBy: campaignBlock(campaign, spend, clock, now) };
}

test('spend counted in Redis but not rolled up yet survives an index rebuild: a $100 budget stops at $100', async () => {
  const campaignId = randomUUID();
  await countSpend(campaignId, 90);
  // The roll-up stalled after $60: the database holds $60, the live counter $90.
  const campaign = await indexedCampaign(campaignId, 60);
  const pacing = new PacingState(redis, keys);
  // Before the first refresh, the baseline read with the snapshot is the floor.
  assert.equal(pacing.spendOf(campaign, clock.at('UTC', Date.now()).day).totalSpentMicros, 90 * DOLLAR);
  assert.deepEqual(await totalSpent(pacing, campaign), { dollars: 90, blockedBy: null });
  await countSpend(campaignId, 10);
  assert.deepEqual(await totalSpent(pacing, campaign), { dollars: 100, blockedBy: 'total-budget-spent' });
});

test('spend the database already holds is not counted twice', async () => {
  const campaignId = randomUUID();
  await countSpend(campaignId, 90);
  // The roll-up caught up: the database holds all $90 the counter holds.
  const campaign = await indexedCampaign(campaignId, 90);
  const pacing = new PacingState(redis, keys);
  assert.deepEqual(await totalSpent(pacing, campaign), { dollars: 90, blockedBy: null });
  await countSpend(campaignId, 10);
  assert.deepEqual(await totalSpent(pacing, campaign), { dollars: 100, blockedBy: 'total-budget-spent' });
});

test('a live counter Redis lost still adds the spend since the snapshot to the database total', async () => {
  const campaignId = randomUUID();
  // The database holds $60 from before Redis lost its data; the counter started again at 0.
  const campaign = await indexedCampaign(campaignId, 60);
  const pacing = new PacingState(redis, keys);
  await countSpend(campaignId, 30);
  assert.deepEqual(await totalSpent(pacing, campaign), { dollars: 90, blockedBy: null });
  // This process's own beacons count at once, before the next refresh.
  pacing.recordSpend(campaign, clock.at('UTC', Date.now()).day, 10 * DOLLAR);
  assert.equal(pacing.spendOf(campaign, clock.at('UTC', Date.now()).day).totalSpentMicros, 100 * DOLLAR);
});

test("a refresh tells which campaigns' readings moved, and reads the new day's counter once the local day turns", async () => {
  const campaignId = randomUUID();
  const campaign = await indexedCampaign(campaignId, 0);
  const pacing = new PacingState(redis, keys);
  const moved: string[] = [];
  const refreshAt = (nowMs: number) => pacing.refresh([campaign], clock, nowMs, (which) => moved.push(which.id));
  const monday = Date.parse('2026-03-02T23:00:00Z');
  const tuesday = Date.parse('2026-03-03T01:00:00Z');
  await redis.set(keys.campaignDaySpend(campaignId, '20260302'), 30 * DOLLAR);
  await redis.set(keys.campaignDaySpend(campaignId, '20260303'), 5 * DOLLAR);
  await refreshAt(monday);
  assert.deepEqual(moved, [campaignId], 'the first reading');
  await refreshAt(monday);
  assert.deepEqual(moved, [campaignId], 'nothing moved');
  assert.equal(pacing.spendOf(campaign, '20260302').todaySpentMicros, 30 * DOLLAR);
  await refreshAt(tuesday);
  assert.deepEqual(moved, [campaignId, campaignId], 'a new day');
  assert.equal(pacing.spendOf(campaign, '20260303').todaySpentMicros, 5 * DOLLAR);
  await redis.incrby(keys.campaignDaySpend(campaignId, '20260303'), 2 * DOLLAR);
  await refreshAt(tuesday);
  assert.deepEqual(moved, [campaignId, campaignId, campaignId], 'spend counted elsewhere');
  assert.equal(pacing.spendOf(campaign, '20260303').todaySpentMicros, 7 * DOLLAR);
});
