import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type TrackingEvent, trackingEvent } from '../contracts/serving-contract.js';
import {
  LATEST_EVENT_AT,
  MAX_EVENT_SPEND_MICROS,
  TRACKING_EVENT_FIELD,
  decodeTrackingEvent,
  encodeTrackingEvent,
} from './events-stream.js';

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

test('events whose hour or spend stats cannot hold are refused, naming the field', () => {
  const microseconds = event.at * 1000; // year 57,000 and more: its hour is not a four-digit ISO year
  assert.match(expectProblem(['event', JSON.stringify({ ...event, at: microseconds })]), /^not a countable tracking event: at: /);
  assert.match(
    expectProblem(['event', JSON.stringify({ ...event, at: Math.floor(event.at / 1000) })]),
    /at: .*between 2000-01-01 and 9999-12-31/,
  );
  assert.match(expectProblem(['event', JSON.stringify({ ...event, at: 8.64e15 + 1 })]), /at: /);
  assert.match(expectProblem(['event', JSON.stringify({ ...event, spendMicros: MAX_EVENT_SPEND_MICROS + 1 })]), /spendMicros: /);
  // The bounds themselves are events: the last millisecond of 9999, 2000-01-01, the highest bid's click.
  for (const edge of [{ at: LATEST_EVENT_AT }, { at: Date.UTC(2000, 0, 1) }, { spendMicros: MAX_EVENT_SPEND_MICROS }]) {
    assert.deepEqual(decodeTrackingEvent(encodeTrackingEvent({ ...event, ...edge })), { ok: true, event: { ...event, ...edge } });
  }
  assert.equal(new Date(LATEST_EVENT_AT).toISOString(), '9999-12-31T23:59:59.999Z');
  assert.equal(MAX_EVENT_SPEND_MICROS, 10_000_000_000_000);
});

test('the fast check agrees with the trackingEvent schema on edge cases', () => {
  const inBounds = (value: TrackingEvent) =>
    value.at >= Date.UTC(2000, 0, 1) && value.at <= LATEST_EVENT_AT && value.spendMicros <= MAX_EVENT_SPEND_MICROS;
  const variants: unknown[] = [
    { ...event, extra: 'dropped' },
    { ...event, at: -5 },
    { ...event, at: 1.5 },
    { ...event, at: 2 ** 53 },
    { ...event, at: LATEST_EVENT_AT + 1 },
    { ...event, spendMicros: 2 ** 53 - 1 },
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
    // Beyond the schema, decoding refuses only what stats cannot hold (the test above).
    assert.equal(decoded.ok, schema.success && inBounds(schema.data), JSON.stringify(variant));
    if (decoded.ok && schema.success) assert.deepEqual(decoded.event, schema.data);
  }
});
