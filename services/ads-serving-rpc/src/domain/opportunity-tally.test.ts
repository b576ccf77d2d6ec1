import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forecast, samplePriority, seededRng, visitorHash } from '@ads/ads-client';
import { OPPORTUNITY_MEMORY_MS, OpportunityTally, type OpportunityRequest } from './opportunity-tally';

const AT = Date.parse('2026-03-02T10:15:00Z');
const DAY_START = Date.parse('2026-03-02T00:00:00Z');
const known = new Map([
  ['home-top', {}],
  ['home-side', {}],
]);

const request = (userKey: string | undefined, overrides: Partial<OpportunityRequest> = {}): OpportunityRequest => ({
  placements: [{ placementKey: 'home-top' }],
  userKey,
  consent: true,
  ...overrides,
});

test('counts every known placement per UTC hour; unknown keys are neither counted nor sampled', () => {
  const tally = new OpportunityTally(100, seededRng(1));
  const placements = [{ placementKey: 'home-top' }, { placementKey: 'home-side' }, { placementKey: 'typo' }];
  for (let at = 0; at < 7; at += 1) assert.equal(tally.record(known, request(`user-${at}x`, { placements }), [], AT), 2);
  assert.equal(tally.record(known, request('user-next', { placements }), [], AT + 3_600_000), 2);
  assert.equal(tally.record(known, request('user-typo', { placements: [{ placementKey: 'typo' }] }), [], AT), 0);
  const { hours, days } = tally.take();
  assert.deepEqual(
    hours.map((hour) => [hour.hour, Object.fromEntries(hour.counts)]),
    [
      ['2026030210', { 'home-top': 7, 'home-side': 7 }],
      ['2026030211', { 'home-top': 1, 'home-side': 1 }],
    ],
  );
  assert.equal(days.length, 1);
  assert.equal(days[0]!.day, '20260302');
  assert.equal(days[0]!.samples.length, 16, 'every request is kept while the day has fewer than k');
  assert.ok(days[0]!.samples.every((sample) => sample.placementKey !== 'typo'));
  assert.deepEqual(tally.take(), { hours: [], days: [] }, 'taken means gone');
});

test('a sample entry is what the contract says: hour, visitor, keywords as decided, the slot properties', () => {
  const tally = new OpportunityTally(100, seededRng(2));
  tally.record(
    known,
    request('visitor-one', {
      placements: [{ placementKey: 'home-top', properties: { section: 'sports', word_count: 5 } }, { placementKey: 'home-side' }],
      country: 'FR',
      device: 'mobile',
      properties: { section: 'news', logged_in: true },
    }),
    ['nba', 'nfl'],
    AT,
  );
  const [top, side] = tally.take().days[0]!.samples;
  assert.deepEqual(
    { ...top, nonce: 0 },
    {
      placementKey: 'home-top',
      hour: 10,
      visitor: visitorHash('visitor-one'),
      nonce: 0,
      keywords: ['nba', 'nfl'],
      country: 'FR',
      device: 'mobile',
      properties: { section: 'sports', logged_in: true, word_count: 5 },
    },
  );
  assert.deepEqual(side!.properties, { section: 'news', logged_in: true });
  assert.notEqual(top!.nonce, side!.nonce, 'two entries of one request differ by their nonce');
  // What the day ingest will take.
  for (const sample of [top, side]) assert.deepEqual(forecast.opportunitySample.parse(JSON.parse(JSON.stringify(sample))), sample);
  // A page's 20 properties and a slot's 20 others: 40 on the slot, which the contract takes.
  const page = Object.fromEntries(Array.from({ length: 20 }, (_, at) => [`page_${at}`, at]));
  const slot = Object.fromEntries(Array.from({ length: 20 }, (_, at) => [`slot_${at}`, `v${at}`]));
  tally.record(known, request('visitor-two', { placements: [{ placementKey: 'home-top', properties: slot }], properties: page }), [], AT);
  const merged = tally.take().days[0]!.samples[0]!;
  assert.equal(Object.keys(merged.properties!).length, 40);
  assert.deepEqual(forecast.opportunitySample.parse(JSON.parse(JSON.stringify(merged))), merged);
  tally.record(known, request(undefined), [], AT);
  const bare = tally.take().days[0]!.samples[0]!;
  assert.deepEqual(Object.keys(bare).sort(), ['hour', 'keywords', 'nonce', 'placementKey', 'visitor']);
});

test('with consent the visitor is the user key hash; without consent or user key, a new visitor every request', () => {
  const tally = new OpportunityTally(100, seededRng(3));
  for (let at = 0; at < 20; at += 1) tally.record(known, request('same-visitor'), [], AT);
  for (let at = 0; at < 20; at += 1) tally.record(known, request('same-visitor', { consent: false }), [], AT);
  for (let at = 0; at < 20; at += 1) tally.record(known, request(undefined), [], AT);
  const visitors = tally.take().days[0]!.samples.map((sample) => sample.visitor);
  assert.deepEqual(new Set(visitors.slice(0, 20)), new Set([visitorHash('same-visitor')]));
  assert.equal(new Set(visitors.slice(20)).size, 40, 'consent=false and no user key: 40 different visitors');
});

test('a day keeps at most 2k requests in memory and always the k lowest priorities; the threshold falls', () => {
  const k = 50;
  const tally = new OpportunityTally(k, seededRng(4));
  const all: number[] = [];
  for (let at = 0; at < 5_000; at += 1) {
    const userKey = `visitor-${at}`;
    all.push(visitorHash(userKey));
    tally.record(known, request(userKey), [], AT);
    assert.ok(tally.samplesHeld <= 2 * k, `held ${tally.samplesHeld} after ${at + 1}`);
  }
  const lowest = [...all].sort((left, right) => left - right).slice(0, k);
  assert.ok(tally.thresholdOf(DAY_START) < 1);
  assert.ok(tally.thresholdOf(DAY_START) >= samplePriority(lowest.at(-1)!), 'the threshold never cuts into the k lowest');
  const kept = new Set(tally.take().days[0]!.samples.map((sample) => sample.visitor));
  for (const visitor of lowest) assert.ok(kept.has(visitor), `visitor ${visitor} of the k lowest is kept`);
});

test('a learned threshold stops buffering requests above it; a lower local one is kept', () => {
  const tally = new OpportunityTally(10, seededRng(5));
  tally.record(known, request('first-visitor'), [], AT);
  tally.take();
  tally.learnThreshold(DAY_START, 0.25);
  assert.equal(tally.thresholdOf(DAY_START), 0.25);
  tally.learnThreshold(DAY_START, 0.5);
  assert.equal(tally.thresholdOf(DAY_START), 0.25, 'a threshold only falls');
  let below = 0;
  for (let at = 0; at < 400; at += 1) {
    const userKey = `visitor-${at}`;
    if (samplePriority(visitorHash(userKey)) <= 0.25) below += 1;
    tally.record(known, request(userKey), [], AT);
  }
  const samples = tally.take().days[0]!.samples;
  assert.ok(samples.every((sample) => samplePriority(sample.visitor) <= 0.25));
  assert.ok(below > 20, 'enough requests below the threshold to matter');
  assert.ok(samples.length > 0 && samples.length <= 20, `${samples.length} kept of ${below} below the threshold (k = 10)`);
});

test('what a flush gives back is kept for the next: counts add up, samples at most k per day, old periods dropped', () => {
  const tally = new OpportunityTally(5, seededRng(6));
  for (let at = 0; at < 30; at += 1) tally.record(known, request(`visitor-${at}`), [], AT);
  const taken = tally.take();
  tally.record(known, request('one-more'), [], AT);
  for (const hour of taken.hours) for (const [key, requests] of hour.counts) tally.restoreCount(hour.startMs, key, requests);
  for (const day of taken.days) tally.restoreSamples(day.startMs, day.samples);
  const again = tally.take();
  assert.equal(again.hours[0]!.counts.get('home-top'), 31);
  assert.equal(again.days[0]!.samples.length, 5, 'at most k');
  const lowest = [...taken.days[0]!.samples.map((sample) => sample.visitor), visitorHash('one-more')].sort((a, b) => a - b).slice(0, 5);
  assert.deepEqual(
    again.days[0]!.samples.map((sample) => sample.visitor).sort((a, b) => a - b),
    lowest,
  );

  // Periods more than two days behind the newest recorded one are not kept for later.
  tally.record(known, request('later'), [], AT + OPPORTUNITY_MEMORY_MS + 86_400_000);
  tally.take();
  tally.restoreCount(again.hours[0]!.startMs, 'home-top', 31);
  tally.restoreSamples(again.days[0]!.startMs, again.days[0]!.samples);
  assert.deepEqual(tally.take(), { hours: [], days: [] });
  assert.equal(tally.thresholdOf(DAY_START), 1, 'the old day is forgotten');
});

test('one heavy visitor fills the day once: at the threshold its further requests are not kept', () => {
  const tally = new OpportunityTally(50, seededRng(7));
  for (let at = 0; at < 10_000; at += 1) tally.record(known, request('a-heavy-visitor'), [], AT);
  assert.equal(tally.samplesHeld, 50, 'cut to k once, then nothing more is kept');
  assert.equal(tally.thresholdOf(DAY_START), samplePriority(visitorHash('a-heavy-visitor')));
  assert.equal(tally.take().hours[0]!.counts.get('home-top'), 10_000, 'every request is still counted');
});
