import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDecisionIndex, type IndexedCampaign } from './decision-index';
import { livenessChangesAt, refreshCampaignLiveness, refreshDueCampaignLiveness } from './campaign-liveness';
import { LivenessSchedule } from './liveness-schedule';
import type { CampaignSpend } from './pacing';
import { seededRng } from './rng';
import { ZoneClock } from './zone-clock';
import { fixtureCampaign, fixtureIndex } from '../../tests/support/serving-index-fixture';

function taken(schedule: LivenessSchedule, nowMs: number, limit = 100): number[] {
  const into = new Int32Array(limit);
  return [...into.subarray(0, schedule.takeDue(nowMs, into))];
}

test('the schedule hands out campaigns due by now, earliest first, each once, a slice at a time', () => {
  const schedule = new LivenessSchedule(5);
  schedule.schedule(0, 300);
  schedule.schedule(1, 100);
  schedule.schedule(2, 200);
  schedule.schedule(3, 100);
  assert.deepEqual(taken(schedule, 99), []);
  assert.deepEqual(taken(schedule, 150).sort(), [1, 3]);
  assert.equal(schedule.dueAt(1), Number.POSITIVE_INFINITY, 'taken: not scheduled until scheduled again');
  schedule.schedule(0, 500); // later than before: its old entry is stale
  schedule.scheduleNoLaterThan(4, 250);
  schedule.scheduleNoLaterThan(2, 400); // due earlier already: stays at 200
  assert.deepEqual(taken(schedule, 300, 1), [2], 'at most the slice');
  assert.deepEqual(taken(schedule, 300), [4]);
  assert.equal(schedule.nextDueMs(), 500);
  assert.deepEqual(taken(schedule, 10_000), [0]);
  assert.equal(schedule.nextDueMs(), Number.POSITIVE_INFINITY);
});

test('the schedule agrees with a plain list of due times under random rescheduling (and stays bounded)', () => {
  const rng = seededRng(11);
  const count = 50;
  const schedule = new LivenessSchedule(count);
  const due = new Array<number>(count).fill(Number.POSITIVE_INFINITY);
  let now = 0;
  for (let step = 0; step < 20_000; step += 1) {
    const ordinal = Math.floor(rng() * count);
    const action = rng();
    if (action < 0.45) {
      const at = now + Math.floor(rng() * 100);
      schedule.schedule(ordinal, at);
      due[ordinal] = at;
    } else if (action < 0.6) {
      schedule.scheduleNoLaterThan(ordinal, now);
      due[ordinal] = Math.min(due[ordinal]!, now);
    } else if (action < 0.65) {
      schedule.schedule(ordinal, Number.POSITIVE_INFINITY);
      due[ordinal] = Number.POSITIVE_INFINITY;
    } else {
      now += Math.floor(rng() * 20);
      const expected = due.flatMap((at, which) => (at <= now ? [which] : []));
      assert.deepEqual(
        taken(schedule, now, count).sort((a, b) => a - b),
        expected,
        `step ${step}`,
      );
      for (const which of expected) due[which] = Number.POSITIVE_INFINITY;
    }
    assert.ok(schedule.entries <= 2 * count, 'stale entries are compacted away');
  }
});

const UTC_NOON = Date.parse('2026-03-02T12:00:00Z');

test('a campaign is looked at again when its flight starts or ends, at its local hour boundary, every refresh when ahead of even pace', () => {
  const index = buildDecisionIndex(
    fixtureIndex({
      campaigns: [
        fixtureCampaign({ id: 'ends', flightEnd: '2026-03-02T12:20:30Z' }),
        fixtureCampaign({ id: 'starts', flightStart: '2026-03-02T12:40:00Z' }),
        fixtureCampaign({ id: 'kolkata', timeZone: 'Asia/Kolkata' }),
        fixtureCampaign({ id: 'ahead', pacing: 'even', dailyBudget: 100 }),
      ],
    }),
  );
  const clock = new ZoneClock();
  const spend = (campaign: IndexedCampaign): CampaignSpend =>
    campaign.id === 'ahead'
      ? { totalSpentMicros: 90 * 10_000, todaySpentMicros: 90 * 10_000 }
      : { totalSpentMicros: 0, todaySpentMicros: 0 };
  refreshCampaignLiveness(index, spend, clock, UTC_NOON);
  const dueOf = (id: string) => index.liveness.dueAt(index.campaignsById.get(id)!.ordinal);
  assert.equal(dueOf('ends'), Date.parse('2026-03-02T12:20:30Z'));
  assert.equal(dueOf('starts'), Date.parse('2026-03-02T12:40:00Z'));
  assert.equal(dueOf('kolkata'), Date.parse('2026-03-02T12:30:00Z'), 'Kolkata is UTC+05:30: its hours turn at half past');
  assert.equal(index.campaignsById.get('ahead')!.blockedBy, 'ahead-of-even-pace');
  assert.equal(dueOf('ahead'), UTC_NOON + 1, 'ahead of its pace: the next refresh looks again');
  assert.equal(
    livenessChangesAt(index.campaignsById.get('ends')!, null, clock, Date.parse('2026-03-02T12:59:00Z')),
    Date.parse('2026-03-02T13:00:00Z'),
  );
});

test('refreshing only due campaigns every second gives the same verdicts as refreshing all of them', () => {
  const campaigns = [
    fixtureCampaign({ id: 'ends', flightEnd: '2026-03-02T12:20:30Z' }),
    fixtureCampaign({ id: 'starts', flightStart: '2026-03-02T12:40:00Z' }),
    fixtureCampaign({ id: 'ny-hours', timeZone: 'America/New_York', targeting: { hours: [8, 9] } }),
    fixtureCampaign({ id: 'kolkata-hours', timeZone: 'Asia/Kolkata', targeting: { hours: [18] } }),
    fixtureCampaign({ id: 'runs-out', totalBudget: 100 }),
    fixtureCampaign({ id: 'daily', dailyBudget: 100, timeZone: 'Asia/Tokyo' }),
    fixtureCampaign({ id: 'even', pacing: 'even', dailyBudget: 100 }),
    fixtureCampaign({ id: 'even-total', pacing: 'even', totalBudget: 1_000, flightEnd: '2026-03-05T00:00:00Z' }),
    fixtureCampaign({ id: 'house', bidAmount: 0 }),
  ];
  const scheduled = buildDecisionIndex(fixtureIndex({ campaigns }));
  const reference = buildDecisionIndex(fixtureIndex({ campaigns }));
  const clock = new ZoneClock();
  // Spend readings as the pacing refresh would bring them: a few steps over the hours.
  const readings = new Map<string, { micros: number; day: string }>();
  const spendOf = (campaign: IndexedCampaign, day: string): CampaignSpend => {
    const reading = readings.get(campaign.id);
    if (reading === undefined) return { totalSpentMicros: 0, todaySpentMicros: 0 };
    return { totalSpentMicros: reading.micros, todaySpentMicros: reading.day === day ? reading.micros : 0 };
  };
  let now = UTC_NOON;
  const readingArrives = (id: string, micros: number) => {
    readings.set(id, { micros, day: clock.at(scheduled.campaignsById.get(id)!.timeZone, now).day });
    scheduled.liveness.scheduleNoLaterThan(scheduled.campaignsById.get(id)!.ordinal, 0);
  };
  const moves = new Map<number, () => void>([
    [600, () => readingArrives('even', 20 * 10_000)],
    [1_500, () => readingArrives('runs-out', 100 * 10_000)],
    [2_000, () => readingArrives('daily', 100 * 10_000)],
    [3_000, () => readingArrives('even-total', 250 * 10_000)],
    [5_000, () => readingArrives('even', 60 * 10_000)],
  ]);
  refreshCampaignLiveness(scheduled, spendOf, clock, UTC_NOON);
  const due = new Int32Array(4);
  let checks = 0;
  // Four hours, a refresh a second (New York's 08:00 and 09:00, Kolkata's 18:00, Tokyo's midnight).
  for (let second = 1; second <= 4 * 3_600; second += 1) {
    now = UTC_NOON + second * 1_000;
    moves.get(second)?.();
    for (;;) {
      const { checked } = refreshDueCampaignLiveness(scheduled, spendOf, clock, now, due);
      checks += checked;
      if (checked < due.length) break;
    }
    refreshCampaignLiveness(reference, spendOf, clock, now);
    for (const campaign of reference.campaigns) {
      const same = scheduled.campaignsById.get(campaign.id)!;
      assert.equal(same.blockedBy, campaign.blockedBy, `${campaign.id} at ${new Date(now).toISOString()}`);
      assert.equal(same.live, campaign.live);
    }
  }
  const verdicts = Object.fromEntries(scheduled.campaigns.map((campaign) => [campaign.id, campaign.blockedBy]));
  assert.equal(verdicts['ends'], 'outside its flight');
  assert.equal(verdicts['starts'], null);
  assert.equal(verdicts['runs-out'], 'total-budget-spent');
  assert.equal(verdicts['daily'], null, 'a new day in Tokyo: the daily budget is back');
  assert.ok(checks < (campaigns.length * 4 * 3_600) / 10, `${checks} checks instead of one per campaign and second`);
});
