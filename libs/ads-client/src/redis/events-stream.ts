import { MICROS_PER_MINOR_UNIT, campaignFields } from '../contracts/inventory.js';
import { trackingEvent } from '../contracts/serving-contract.js';
import type { TrackingEvent } from '../contracts/serving-contract.js';

// One encoding of the events stream, shared by its writer (ads-serving-rpc) and its reader
// (the roll-up in ads-data-import), so neither side guesses the other's field names.

/**
 * The consumer group the roll-up reads the stream with (one group, shared by every worker).
 * Defined here so that serving, which caps the stream, can report how far the roll-up lags.
 */
export const EVENTS_ROLLUP_GROUP = 'ads-data-import.rollup';

/** The field of an events-stream entry that holds the JSON of one tracking event. */
export const TRACKING_EVENT_FIELD = 'event';

/**
 * Field/value pairs of one stream entry, to spread into XADD:
 * `redis.xadd(keys.eventsStream, '*', ...encodeTrackingEvent(event))`.
 */
export function encodeTrackingEvent(event: TrackingEvent): [typeof TRACKING_EVENT_FIELD, string] {
  return [TRACKING_EVENT_FIELD, JSON.stringify(event)];
}

/**
 * The instants an event may carry (epoch ms, [2000-01-01, 9999-12-31] UTC). Outside them `at` is
 * a unit mistake (seconds or microseconds) or garbage, and its hour cannot be written as the
 * four-digit ISO year stats.ingest takes: such an entry would fail its batch on every redo.
 */
export const EARLIEST_EVENT_AT = Date.UTC(2000, 0, 1);
export const LATEST_EVENT_AT = Date.UTC(10_000, 0, 1) - 1;

/**
 * The most one event can cost: a click at the highest bid a campaign may have. More is not an
 * event serving counted, and a few such events would push one ad-hour's spend past what a
 * stats row can hold (2^53).
 */
export const MAX_EVENT_SPEND_MICROS = (campaignFields.bidAmount.maxValue ?? 0) * MICROS_PER_MINOR_UNIT;

/** An entry read back: the event, or why the entry is not one (never thrown). */
export type DecodedTrackingEvent = { ok: true; event: TrackingEvent } | { ok: false; problem: string };

/**
 * Reads the field/value list of one entry as XRANGE or XREADGROUP return it
 * (`['event', '{...}']`); `null` stands for an entry deleted while it was pending.
 */
export function decodeTrackingEvent(fields: readonly string[] | null): DecodedTrackingEvent {
  if (fields === null) return { ok: false, problem: 'the entry was deleted from the stream' };
  let json: string | undefined;
  for (let index = 0; index + 1 < fields.length; index += 2) {
    if (fields[index] === TRACKING_EVENT_FIELD) json = fields[index + 1];
  }
  if (json === undefined) return { ok: false, problem: `the entry has no "${TRACKING_EVENT_FIELD}" field` };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, problem: `"${TRACKING_EVENT_FIELD}" is not JSON: ${(error as Error).message}` };
  }
  let event = checkedTrackingEvent(value);
  if (event === undefined) {
    const parsed = trackingEvent.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      return { ok: false, problem: `not a tracking event: ${problems.join('; ')}` };
    }
    event = parsed.data;
  }
  const unstorable = unstorableProblem(event);
  return unstorable === undefined ? { ok: true, event } : { ok: false, problem: `not a countable tracking event: ${unstorable}` };
}

/** Why a well-formed event cannot be rolled up into stats (see the bounds above), if it cannot. */
function unstorableProblem(event: TrackingEvent): string | undefined {
  if (event.at < EARLIEST_EVENT_AT || event.at > LATEST_EVENT_AT) {
    return `at: ${event.at} is not an instant between 2000-01-01 and 9999-12-31 in epoch milliseconds`;
  }
  if (event.spendMicros > MAX_EVENT_SPEND_MICROS)
    return `spendMicros: ${event.spendMicros} is more than one event can cost (${MAX_EVENT_SPEND_MICROS})`;
  return undefined;
}

const EVENT_TYPES: ReadonlySet<unknown> = new Set(trackingEvent.shape.type.options);

/**
 * The `trackingEvent` schema checked by hand, for the roll-up's hot path (the zod parse costs
 * more than the JSON parse). It accepts nothing the schema refuses and keeps only the schema's
 * fields; anything it does not accept goes through zod, which then explains the problem (a
 * test holds the two side by side).
 */
function checkedTrackingEvent(value: unknown): TrackingEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, eventId, decisionId, adId, campaignId, advertiserId, placementKey, userKey, at, spendMicros } = value as Record<
    string,
    unknown
  >;
  if (!EVENT_TYPES.has(type)) return undefined;
  if (
    typeof eventId !== 'string' ||
    typeof decisionId !== 'string' ||
    typeof adId !== 'string' ||
    typeof campaignId !== 'string' ||
    typeof advertiserId !== 'string' ||
    typeof placementKey !== 'string' ||
    typeof userKey !== 'string' ||
    !Number.isSafeInteger(at) ||
    !Number.isSafeInteger(spendMicros) ||
    (spendMicros as number) < 0
  ) {
    return undefined;
  }
  return {
    type: type as TrackingEvent['type'],
    eventId,
    decisionId,
    adId,
    campaignId,
    advertiserId,
    placementKey,
    userKey,
    at: at as number,
    spendMicros: spendMicros as number,
  };
}
