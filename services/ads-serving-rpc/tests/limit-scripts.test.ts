// The atomic steps of delivery limits against the real Redis: a frequency-cap hold taken by a
// decision and turned into a count by its impression, a late impression whose hold lapsed
// counted only while the cap has room, spend leases that never grant more than is left, and
// charges refused once a limit is reached, whatever the instances decided.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { RedisKeys, type TrackingEvent } from '@ads/ads-client';
import { Redis } from 'ioredis';
import { nextDecisionId } from '../src/domain/decision-id';
import { EventRecorder, type ChargeLimits, type PendingEvent } from '../src/store/event-recorder';
import { LimitReservations } from '../src/store/limit-reservations';

const keys = new RedisKeys(`test:${randomUUID()}:`);
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const recorder = new EventRecorder(redis, keys, 0);
const reservations = new LimitReservations(redis, keys, { holdMs: 30_000, leaseMs: 10_000, shortLeaseMs: 2_000, timeoutMs: 2_000 });
const HOUR_MS = 3_600_000;
const DAY = '20260302';

after(async () => {
  const found = await redis.keys(`${keys.prefix}*`);
  if (found.length > 0) await redis.del(...found);
  redis.disconnect();
});

function impression(
  decisionId: string,
  fields: { campaignId: string; userKey?: string; spendMicros?: number; at?: number },
): TrackingEvent {
  return {
    type: 'impression',
    eventId: `${decisionId}:ad:impression`,
    decisionId,
    adId: 'ad',
    campaignId: fields.campaignId,
    advertiserId: 'advertiser',
    placementKey: 'home-top',
    userKey: fields.userKey ?? 'user',
    at: fields.at ?? Date.now(),
    spendMicros: fields.spendMicros ?? 0,
  };
}

function pending(event: TrackingEvent, limits: { cap?: number; charge?: ChargeLimits } = {}): PendingEvent {
  return {
    event,
    day: DAY,
    frequencyCapWindowMs: limits.cap === undefined ? 0 : HOUR_MS,
    seenUntilMs: Date.now() + 60_000,
    frequencyCapCount: limits.cap ?? 0,
    limits: limits.charge ?? null,
  };
}

const cap = { count: 2, windowMs: HOUR_MS };

test('a hold turns into a count at the impression; without a hold an impression counts only while the cap has room', async () => {
  const campaignId = `capped-${randomUUID()}`;
  const now = Date.now();
  const hold = (decisionId: string) => ({ userKey: 'user', campaignId, frequencyCap: cap, decisionId });
  const first = await reservations.reserve([hold('d1'), hold('d2')], [], now);
  assert.deepEqual(first?.holds, [
    { granted: true, count: 1, fullUntilMs: 0 },
    { granted: true, count: 2, fullUntilMs: 0 },
  ]);
  assert.deepEqual(
    (await reservations.reserve([hold('d3')], [], now))?.holds,
    [{ granted: false, count: 2, fullUntilMs: now + 30_000 }],
    'two holds fill a cap of two, until the first lapses',
  );
  // An impression beacon of d1 converts its hold: still two places taken.
  assert.equal(await recorder.count(pending(impression('d1', { campaignId }), { cap: 2 })), 'counted');
  assert.deepEqual(await redis.zrange(keys.frequencyCapHolds('user', campaignId), 0, -1), ['d2']);
  assert.equal(await redis.zcard(keys.frequencyCap('user', campaignId)), 1);
  // A beacon of a decision that holds nothing (d3 was refused; say it was shown anyway): over the cap.
  assert.equal(await recorder.count(pending(impression('d3', { campaignId }), { cap: 2 })), 'over-cap');
  assert.equal(await redis.zcard(keys.frequencyCap('user', campaignId)), 1, 'not counted');
  assert.equal(await recorder.count(pending(impression('d3', { campaignId }), { cap: 2 })), 'duplicate', 'and never counted later');
  assert.equal(await recorder.count(pending(impression('d2', { campaignId }), { cap: 2 })), 'counted');
  assert.equal(await redis.zcard(keys.frequencyCap('user', campaignId)), 2);
  // Holds lapse: a hold older than its time no longer takes a place.
  const lapsedCampaign = `lapsed-${randomUUID()}`;
  await reservations.reserve([{ ...hold('old'), campaignId: lapsedCampaign }], [], now - 31_000);
  assert.deepEqual(
    (
      await reservations.reserve(
        [
          { ...hold('new-1'), campaignId: lapsedCampaign },
          { ...hold('new-2'), campaignId: lapsedCampaign },
        ],
        [],
        now,
      )
    )?.holds.map((result) => result.granted),
    [true, true],
  );
  // The impression of the lapsed hold arrives late: the cap is full of the new holds, it is not counted.
  assert.equal(await recorder.count(pending(impression('old', { campaignId: lapsedCampaign }), { cap: 2 })), 'over-cap');
  // With the cap switched off (count 0) the impression counts and still joins the window.
  assert.equal(await recorder.count(pending(impression('free', { campaignId: lapsedCampaign }))), 'counted');
  assert.equal(
    await recorder.count({ ...pending(impression('free-2', { campaignId: lapsedCampaign })), frequencyCapWindowMs: HOUR_MS }),
    'counted',
  );
  assert.equal(await redis.zcard(keys.frequencyCap('user', lapsedCampaign)), 1);
});

test('spend leases: slices of what is left, at least one price, nothing once nothing is left', async () => {
  const campaignId = `leased-${randomUUID()}`;
  const now = Date.now();
  const lease = {
    campaignId,
    priceMicros: 1_000,
    day: DAY,
    todayLimitMicros: 100_000,
    totalBudgetMicros: 10_000_000,
    spentMicros: 0,
    liveSpendBaselineMicros: 0,
  };
  const granted: number[] = [];
  for (let at = 0; at < 200; at += 1) {
    const reply = await reservations.reserve([], [lease], now);
    granted.push(reply!.leases[0]!.grantedMicros);
    if (reply!.leases[0]!.grantedMicros === 0) break;
  }
  assert.equal(granted[0], 5_000, 'a twentieth of 100,000');
  assert.equal(granted.at(-1), 0, 'nothing once all is leased');
  const total = granted.reduce((sum, micros) => sum + micros, 0);
  assert.ok(total <= 100_000 + 1_000 && total >= 99_000, `leases add up to the limit within one price (${total})`);
  assert.ok(
    granted.every((micros) => micros % 1_000 === 0),
    'whole prices',
  );
  // Spend counted (another instance's impressions) leaves less to lease; lapsed leases free theirs.
  const second = `leased-${randomUUID()}`;
  await redis.set(keys.campaignDaySpend(second, DAY), 99_500);
  assert.equal(
    (await reservations.reserve([], [{ ...lease, campaignId: second }], now))!.leases[0]!.grantedMicros,
    1_000,
    'the last slice is one price (may pass the limit by less than one)',
  );
  assert.equal((await reservations.reserve([], [{ ...lease, campaignId: second }], now))!.leases[0]!.grantedMicros, 0);
  assert.equal(
    (await reservations.reserve([], [{ ...lease, campaignId: second }], now + 3_000))!.leases[0]!.grantedMicros,
    1_000,
    'the small lease lapsed after its short time',
  );
  // The total budget counts too, with the database's total (spentMicros) when Redis lost the counter.
  const third = `leased-${randomUUID()}`;
  assert.equal(
    (await reservations.reserve([], [{ ...lease, campaignId: third, todayLimitMicros: null, spentMicros: 10_000_000 }], now))!.leases[0]!
      .grantedMicros,
    0,
  );
});

test("a charged impression turns that much of its deciding process's lease into spend: nothing is counted twice while the lease runs", async () => {
  const campaignId = `converted-${randomUUID()}`;
  const now = Date.now();
  // 2 prices left: a lease of one price, charged, and the second price can be leased at once.
  const lease = {
    campaignId,
    priceMicros: 10_000,
    day: DAY,
    todayLimitMicros: 20_000,
    totalBudgetMicros: 1_000_000,
    spentMicros: 0,
    liveSpendBaselineMicros: 0,
  };
  const charge: ChargeLimits = { todayMicros: 20_000, totalMicros: 1_000_000, spentMicros: 0, liveSpendBaselineMicros: 0 };
  assert.equal((await reservations.reserve([], [lease], now))!.leases[0]!.grantedMicros, 10_000);
  assert.equal(await recorder.count(pending(impression(nextDecisionId(), { campaignId, spendMicros: 10_000 }), { charge })), 'counted');
  assert.match((await redis.zrange(keys.campaignSpendLeases(campaignId), 0, -1))[0]!, /:0$/, 'the lease now holds nothing');
  assert.equal((await reservations.reserve([], [lease], now))!.leases[0]!.grantedMicros, 10_000, 'the second price is left to lease');
  assert.equal((await reservations.reserve([], [lease], now))!.leases[0]!.grantedMicros, 0, 'and then nothing');
  // A beacon of another process's decision leaves this process's leases alone.
  assert.equal(
    await recorder.count(pending(impression(`someoneX${randomUUID()}`, { campaignId, spendMicros: 10_000 }), { charge })),
    'counted',
  );
  const amounts = (await redis.zrange(keys.campaignSpendLeases(campaignId), 0, -1)).map((member) => Number(member.split(':')[1]));
  assert.deepEqual(amounts.sort(), [0, 10_000]);
});

test('a charge is refused once today or the total is spent: charged spend passes a limit by less than one price', async () => {
  const campaignId = `charged-${randomUUID()}`;
  const charge: ChargeLimits = { todayMicros: 25_000, totalMicros: 1_000_000, spentMicros: 0, liveSpendBaselineMicros: 0 };
  const outcomes: string[] = [];
  for (let at = 0; at < 10; at += 1)
    outcomes.push(await recorder.count(pending(impression(`c${at}`, { campaignId, spendMicros: 10_000 }), { charge })));
  assert.deepEqual(outcomes, ['counted', 'counted', 'counted', ...Array<string>(7).fill('over-budget')]);
  assert.equal(await redis.get(keys.campaignDaySpend(campaignId, DAY)), '30000', 'under 25,000 + one price of 10,000');
  assert.equal(await redis.get(keys.campaignLiveSpend(campaignId)), '30000');
  const totalOnly = `total-${randomUUID()}`;
  const totalCharge: ChargeLimits = { todayMicros: null, totalMicros: 15_000, spentMicros: 0, liveSpendBaselineMicros: 0 };
  const totals: string[] = [];
  for (let at = 0; at < 4; at += 1)
    totals.push(
      await recorder.count(pending(impression(`t${at}`, { campaignId: totalOnly, spendMicros: 10_000 }), { charge: totalCharge })),
    );
  assert.deepEqual(totals, ['counted', 'counted', 'over-budget', 'over-budget']);
  assert.equal((await redis.xlen(keys.eventsStream)) >= 5, true);
});
