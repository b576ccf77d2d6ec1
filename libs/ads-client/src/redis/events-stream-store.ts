import type { TrackingEvent } from '../contracts/serving-contract.js';
import { EVENTS_ROLLUP_GROUP, encodeTrackingEvent } from './events-stream.js';
import type { RedisKeys } from './redis-keys.js';
import { type ConsumerGroupPosition, streamTrimPoint } from './stream-trim-point.js';
import type { RedisClient } from './redis-client.js';

// The events stream's protocol in one module: appending, reading with a consumer group,
// claiming a dead consumer's batch, acknowledging, trimming and reading the group's position.
// Serving appends inside its own atomic script (it counts the event in the same call); every
// other command on the stream goes through here.

/** One entry as read from the stream; `fields` is null when it was deleted while pending. */
export interface EventsStreamEntry {
  id: string;
  fields: string[] | null;
}

/** A dead consumer's pending batch, taken over by the claimer. */
export interface ClaimedBatch {
  from: string;
  /**
   * Every id of the batch as it was delivered, in order: entries deleted from the stream since
   * (trimmed while pending) have `fields: null`, as in one's own pending list.
   */
  entries: EventsStreamEntry[];
  /**
   * True when the entries were moved to the claimer with XCLAIM. False when some had been
   * deleted: XCLAIM would drop those ids from the pending list (Redis 7), and with them the
   * batch's identity, so the batch stays on the dead consumer and the claimer redoes it from there.
   */
  moved: boolean;
}

/** One entry delivered to the group and not acknowledged yet. */
export interface PendingEntry {
  id: string;
  consumer: string;
  idleMs: number;
  deliveries: number;
}

/** How much of the stream the group has still to do. */
export interface EventsStreamBacklog {
  /** Entries never delivered to the group (Redis 7 `lag`); null when Redis cannot tell (a trimmed stream). */
  undelivered: number | null;
  /** Entries delivered and not acknowledged. */
  pending: number;
}

/** Where the group stands on the stream (XINFO STREAM and XINFO GROUPS). */
export interface EventsStreamPosition {
  /** The id of the newest entry ever appended. */
  lastGeneratedId: string;
  /** The oldest entry still in the stream; undefined when it is empty. */
  firstEntryId: string | undefined;
  /** The newest entry delivered to the group. */
  lastDeliveredId: string;
}

/**
 * Atomically: when every id still exists, XCLAIM them all (in chunks: Lua's unpack has a
 * limit) and answer {1, claimed entries}; otherwise claim nothing and answer {0, entries that
 * remain}. Atomic, so no entry can be deleted between the check and the XCLAIM.
 * KEYS[1] stream; ARGV: group, consumer, min idle ms, ids…
 */
const CLAIM_WHOLE_BATCH_SCRIPT = `
local present = {}
local missing = false
for index = 4, #ARGV do
  local found = redis.call('XRANGE', KEYS[1], ARGV[index], ARGV[index])
  if found[1] then present[#present + 1] = found[1] else missing = true end
end
if missing then return {0, present} end
local claimed = {}
for first = 4, #ARGV, 1000 do
  local chunk = {}
  for index = first, math.min(first + 999, #ARGV) do chunk[#chunk + 1] = ARGV[index] end
  for _, entry in ipairs(redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], unpack(chunk))) do claimed[#claimed + 1] = entry end
end
return {1, claimed}
`;

/** Entries appended per pipeline round trip. */
const APPEND_CHUNK = 1_000;
/** Ids asked of XPENDING per page. */
const PENDING_PAGE = 10_000;

type RawEntry = [string, string[] | null];
type RawPending = [string, string, number, number];

function pairsToObject(reply: unknown[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let index = 0; index + 1 < reply.length; index += 2) object[String(reply[index])] = reply[index + 1];
  return object;
}

function entriesOf(raw: RawEntry[] | null | undefined): EventsStreamEntry[] {
  return (raw ?? []).map(([id, fields]) => ({ id, fields }));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The events stream (`keys.eventsStream`) as one consumer group reads it, the roll-up's
 * `ads-data-import.rollup` by default.
 *
 * The roll-up keeps one invariant here: a consumer's pending list holds at most one batch, the
 * exact set of entries it was first delivered with. Re-reading one's own pending list or claiming
 * a dead consumer's whole list therefore rebuilds the same batch, and with it the same batch id.
 * Trimming does not touch pending lists (an entry deleted while pending is re-read as its id
 * without fields); only XCLAIM drops deleted ids from them, so it is never given one.
 */
export class EventsStreamStore {
  /** The stream's key. */
  readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    keys: RedisKeys,
    readonly group: string = EVENTS_ROLLUP_GROUP,
  ) {
    this.key = keys.eventsStream;
  }

  // ─── appending (what serving's script does, for tools, tests and benchmarks) ───────────────

  /** Appends tracking events in the shared encoding, pipelined; answers their ids in order. */
  async append(events: readonly TrackingEvent[]): Promise<string[]> {
    return this.appendFields(events.map((event) => encodeTrackingEvent(event)));
  }

  /**
   * Appends entries given as field/value lists (`['event', '{...}']`), pipelined: what a test
   * needs to append an entry that is not a tracking event. `id` defaults to `*` (Redis assigns).
   */
  async appendFields(entries: readonly (readonly string[])[], id = '*'): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < entries.length; start += APPEND_CHUNK) {
      const pipeline = this.redis.pipeline();
      for (const fields of entries.slice(start, start + APPEND_CHUNK)) pipeline.xadd(this.key, id, ...fields);
      for (const [error, appended] of (await pipeline.exec()) ?? []) {
        if (error !== null) throw error;
        ids.push(appended as string);
      }
    }
    return ids;
  }

  /** Entries in the stream. */
  async length(): Promise<number> {
    return this.redis.xlen(this.key);
  }

  // ─── the consumer group ─────────────────────────────────────────────────────────────────────

  /**
   * Creates the group, by default at the start of the stream (so events appended before it are
   * counted); a group that exists already is left as it is.
   */
  async ensureGroup(startId = '0'): Promise<void> {
    try {
      await this.redis.call('XGROUP', 'CREATE', this.key, this.group, startId, 'MKSTREAM');
    } catch (error) {
      if (!errorMessage(error).startsWith('BUSYGROUP')) throw error;
    }
  }

  /** Deletes the group with its pending lists (a benchmark's or a test's own group). */
  async destroyGroup(): Promise<void> {
    await this.redis.call('XGROUP', 'DESTROY', this.key, this.group);
  }

  /**
   * The whole pending list of `consumer` (its unacknowledged batch, every id as delivered; those
   * deleted from the stream since come back with `fields: null`), or nothing.
   */
  async readOwnPending(consumer: string): Promise<EventsStreamEntry[]> {
    const reply = (await this.redis.call('XREADGROUP', 'GROUP', this.group, consumer, 'STREAMS', this.key, '0')) as
      [string, RawEntry[]][] | null;
    return entriesOf(reply?.[0]?.[1]);
  }

  /** Up to `count` entries never delivered to the group. */
  async readNew(consumer: string, count: number): Promise<EventsStreamEntry[]> {
    const reply = (await this.redis.call('XREADGROUP', 'GROUP', this.group, consumer, 'COUNT', String(count), 'STREAMS', this.key, '>')) as
      [string, RawEntry[]][] | null;
    return entriesOf(reply?.[0]?.[1]);
  }

  /**
   * Claims the whole pending list of one other consumer idle for at least `minIdleMs` (other
   * than those in `skip`, batches the caller is already redoing).
   *
   * Not XAUTOCLAIM: it claims by id range across consumers, so it may cut one dead consumer's
   * batch in two or merge two batches, and a batch cut differently gets a different batch id and
   * would be counted twice. XPENDING names each entry's owner; XCLAIM of exactly that owner's
   * ids keeps the batch whole, and its min-idle check lets one claimer win when several race.
   *
   * The ids XPENDING lists are the batch as delivered, also after the stream was trimmed under
   * it; they, not the entries still there, make its batch id. When some are gone the batch is
   * not moved (see `ClaimedBatch.moved`): its ids then stay listed for whoever redoes it next.
   */
  async claimStaleBatch(consumer: string, minIdleMs: number, skip: ReadonlySet<string> = new Set()): Promise<ClaimedBatch | undefined> {
    const stale = (await this.redis.call('XPENDING', this.key, this.group, 'IDLE', String(minIdleMs), '-', '+', '50')) as RawPending[];
    const owner = stale.find(([, name]) => name !== consumer && !skip.has(name))?.[1];
    if (owner === undefined) return undefined;
    const ids = (await this.pendingEntries(owner)).map((entry) => entry.id);
    if (ids.length === 0) return { from: owner, entries: [], moved: false };
    const [moved, raw] = (await this.redis.eval(
      CLAIM_WHOLE_BATCH_SCRIPT,
      1,
      this.key,
      this.group,
      consumer,
      String(minIdleMs),
      ...ids,
    )) as [number, RawEntry[]];
    // Moved: what XCLAIM returned (nothing when a racing claimer won). Not moved: every id, deleted ones without fields.
    if (moved === 1) return { from: owner, entries: entriesOf(raw), moved: true };
    const present = new Map(raw.map(([id, fields]) => [id, fields]));
    return { from: owner, entries: ids.map((id) => ({ id, fields: present.get(id) ?? null })), moved: false };
  }

  /** Acknowledges entries of the group; answers how many were pending. */
  async acknowledge(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.redis.call('XACK', this.key, this.group, ...ids)) as number;
  }

  /** Every entry pending in the group (of one consumer, when given), oldest first. */
  async pendingEntries(consumer?: string): Promise<PendingEntry[]> {
    const entries: PendingEntry[] = [];
    let start = '-';
    for (;;) {
      const page = (await this.redis.call(
        'XPENDING',
        this.key,
        this.group,
        start,
        '+',
        String(PENDING_PAGE),
        ...(consumer === undefined ? [] : [consumer]),
      )) as RawPending[];
      for (const [id, owner, idleMs, deliveries] of page) entries.push({ id, consumer: owner, idleMs, deliveries });
      if (page.length < PENDING_PAGE) return entries;
      start = `(${page[page.length - 1]![0]}`;
    }
  }

  /** How many entries are pending in the group (0 when there is no group). */
  async pendingCount(): Promise<number> {
    return (await this.backlog()).pending;
  }

  /** Entries not yet delivered to the group, and entries delivered but unacknowledged. */
  async backlog(): Promise<EventsStreamBacklog> {
    const group = (await this.groups()).find((entry) => entry.name === this.group);
    if (group === undefined) return { undelivered: await this.length(), pending: 0 };
    return { undelivered: group.lag, pending: group.pending };
  }

  /** Where the group stands on the stream; undefined when the stream or the group does not exist. */
  async position(): Promise<EventsStreamPosition | undefined> {
    // Both reads at once: serving asks for this on every scrape of its metrics.
    const [stream, groups] = await Promise.all([this.streamInfo(), this.groups()]);
    const group = groups.find((entry) => entry.name === this.group);
    if (stream === undefined || group === undefined) return undefined;
    const first = stream['first-entry'] as RawEntry | null;
    return {
      lastGeneratedId: String(stream['last-generated-id']),
      firstEntryId: first === null ? undefined : first[0],
      lastDeliveredId: group.lastDeliveredId,
    };
  }

  /** Forgets consumers (other than `keep`) with nothing pending and idle longer than `idleMs`: dead workers' names. */
  async removeIdleConsumers(idleMs: number, keep: ReadonlySet<string>): Promise<string[]> {
    let reply: unknown[][];
    try {
      reply = (await this.redis.call('XINFO', 'CONSUMERS', this.key, this.group)) as unknown[][];
    } catch (error) {
      if (errorMessage(error).includes('NOGROUP')) return [];
      throw error;
    }
    const removed: string[] = [];
    for (const raw of reply) {
      const consumer = pairsToObject(raw);
      const name = String(consumer.name);
      if (Number(consumer.pending) === 0 && Number(consumer.idle) > idleMs && !keep.has(name)) {
        await this.redis.call('XGROUP', 'DELCONSUMER', this.key, this.group, name);
        removed.push(name);
      }
    }
    return removed;
  }

  // ─── trimming ───────────────────────────────────────────────────────────────────────────────

  /**
   * Drops entries every group of the stream has acknowledged; returns how many went. Approximate
   * trimming (the default) drops whole internal nodes only, which is much cheaper and may keep a
   * few entries.
   */
  async trimAcknowledged(approximate = true): Promise<number> {
    const positions: ConsumerGroupPosition[] = [];
    for (const group of await this.groups()) {
      let oldestPendingId: string | undefined;
      if (group.pending > 0) {
        const summary = (await this.redis.call('XPENDING', this.key, group.name)) as [number, string | null, string | null, unknown];
        oldestPendingId = summary[1] ?? undefined;
      }
      positions.push({ name: group.name, lastDeliveredId: group.lastDeliveredId, oldestPendingId });
    }
    const point = streamTrimPoint(positions);
    if (point === undefined) return 0;
    return (await this.redis.call('XTRIM', this.key, 'MINID', ...(approximate ? ['~'] : []), point)) as number;
  }

  /**
   * Drops the oldest entries, pending or not, exactly as a cap does (`maxLength`: keep that many;
   * `minId`: drop the entries older than it): what serving's MAXLEN does to the stream.
   */
  async trim(limit: { maxLength: number } | { minId: string }): Promise<number> {
    const args = 'maxLength' in limit ? ['MAXLEN', String(limit.maxLength)] : ['MINID', limit.minId];
    return (await this.redis.call('XTRIM', this.key, ...args)) as number;
  }

  private async streamInfo(): Promise<Record<string, unknown> | undefined> {
    try {
      return pairsToObject((await this.redis.call('XINFO', 'STREAM', this.key)) as unknown[]);
    } catch (error) {
      if (errorMessage(error).includes('no such key')) return undefined;
      throw error;
    }
  }

  private async groups(): Promise<{ name: string; pending: number; lastDeliveredId: string; lag: number | null }[]> {
    let reply: unknown[][];
    try {
      reply = (await this.redis.call('XINFO', 'GROUPS', this.key)) as unknown[][];
    } catch (error) {
      if (errorMessage(error).includes('no such key')) return [];
      throw error;
    }
    return reply.map((raw) => {
      const group = pairsToObject(raw);
      return {
        name: String(group.name),
        pending: Number(group.pending),
        lastDeliveredId: String(group['last-delivered-id']),
        lag: group.lag === null || group.lag === undefined ? null : Number(group.lag),
      };
    });
  }
}
