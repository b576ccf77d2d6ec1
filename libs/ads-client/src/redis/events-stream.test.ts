import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type TrackingEvent, trackingEvent } from '../contracts/serving-contract';
import { TRACKING_EVENT_FIELD, decodeTrackingEvent, encodeTrackingEvent } from './events-stream';

const event: TrackingEvent = {
  type: 'impression',
  eventId: 'ev-1',
  decisionId: 'dec-1',
  adId: 'ad-1',
  campaignId: 'camp-1',
  advertiserId: 'adv-1',
  placementKey: 'home.top',
  userKey: 'user-12345678',
  at: Date.UTC(2026, 0, 1, 10, 30),
  spendMicros: 1500,
};

test('an encoded event decodes to the same event', () => {
  const fields = encodeTrackingEvent(event);
  assert.equal(fields[0], TRACKING_EVENT_FIELD);
  assert.deepEqual(decodeTrackingEvent(fields), { ok: true, event });
});

test('other fields of the entry are ignored', () => {
  assert.deepEqual(decodeTrackingEvent(['v', '1', ...encodeTrackingEvent(event)]), { ok: true, event });
});

test('a deleted entry, a missing field, bad JSON and a bad event are reported, not thrown', () => {
  assert.match(expectProblem(null), /deleted/);
  assert.match(expectProblem(['other', '{}']), /no "event" field/);
  assert.match(expectProblem(['event', '{nope']), /not JSON/);
  assert.match(expectProblem(['event', JSON.stringify({ ...event, spendMicros: -1 })]), /spendMicros/);
  assert.match(expectProblem(['event', JSON.stringify({ ...event, type: 'hover' })]), /type/);
});

function expectProblem(fields: string[] | null): string {
  const decoded = decodeTrackingEvent(fields);
  assert.equal(decoded.ok, false);
  return (decoded as { problem: string }).problem;
}

test('the fast check agrees with the trackingEvent schema on edge cases', () => {
  const variants: unknown[] = [
    { ...event, extra: 'dropped' },
    { ...event, at: -5 },
    { ...event, at: 1.5 },
    { ...event, at: 2 ** 53 },
    { ...event, spendMicros: -0 },
    { ...event, spendMicros: -1 },
    { ...event, spendMicros: '5' },
    { ...event, eventId: '' },
    { ...event, adId: 7 },
    { ...event, type: 'Click' },
    { ...event, type: undefined },
    [],
  ];
  for (const variant of variants) {
    const decoded = decodeTrackingEvent(['event', JSON.stringify(variant)]);
    const schema = trackingEvent.safeParse(JSON.parse(JSON.stringify(variant)));
    assert.equal(decoded.ok, schema.success, JSON.stringify(variant));
    if (decoded.ok && schema.success) assert.deepEqual(decoded.event, schema.data);
  }
});
