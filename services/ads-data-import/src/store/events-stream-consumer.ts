import type { Redis } from 'ioredis';
import { type ConsumerGroupPosition, streamTrimPoint } from '../domain/stream-trim-point';

/** One entry as read from the stream; `fields` is null when it was deleted while pending. */
export interface StreamEntry {
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
  entries: StreamEntry[];
  /**
   * True when the entries were moved to the claimer with XCLAIM. False when some had been
   * deleted: XCLAIM would drop those ids from the pending list (Redis 7), and with them the
   * batch's identity, so the batch stays on the dead consumer and the claimer redoes it from there.
   */
  moved: boolean;
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

type RawEntry = [string, string[] | null];

function pairsToObject(reply: unknown[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let index = 0; index + 1 < reply.length; index += 2) object[String(reply[index])] = reply[index + 1];
  return object;
}

function entriesOf(raw: RawEntry[] | null | undefined): StreamEntry[] {
  return (raw ?? []).map(([id, fields]) => ({ id, fields }));
}

/**
 * Every Redis stream operation of the roll-up, on one stream and one consumer group.
 *
 * The roll-up keeps one invariant here: a consumer's pending list holds at most one batch, the
 * exact set of entries it was first delivered with. Re-reading one's own pending list or claiming
 * a dead consumer's whole list therefore rebuilds the same batch, and with it the same batch id.
 * Trimming does not touch pending lists (an entry deleted while pending is re-read as its id
 * without fields); only XCLAIM drops deleted ids from them, so it is never given one.
 */
export class EventsStreamConsumer {
  constructor(
    private readonly redis: Redis,
    readonly streamKey: string,
    readonly group: string,
  ) {}

  /** Creates the group at the start of the stream (so events appended before it are counted). */
  async ensureGroup(): Promise<void> {
    try {
      await this.redis.call('XGROUP', 'CREATE', this.streamKey, this.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
  }

  /**
   * The whole pending list of `consumer` (its unacknowledged batch, every id as delivered; those
   * deleted from the stream since come back with `fields: null`), or nothing.
   */
  async readOwnPending(consumer: string): Promise<StreamEntry[]> {
    const reply = (await this.redis.call('XREADGROUP', 'GROUP', this.group, consumer, 'STREAMS', this.streamKey, '0')) as [string, RawEntry[]][] | null;
    return entriesOf(reply?.[0]?.[1]);
  }

  /** Up to `count` entries never delivered to the group. */
  async readNew(consumer: string, count: number): Promise<StreamEntry[]> {
    const reply = (await this.redis.call('XREADGROUP', 'GROUP', this.group, consumer, 'COUNT', String(count), 'STREAMS', this.streamKey, '>')) as
      | [string, RawEntry[]][]
      | null;
    return entriesOf(reply?.[0]?.[1]);
  }

  /**
   * Claims the whole pending list of one other consumer idle for at least `minIdleMs` (other
   * than those in `skip`, batches this process is already redoing).
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
    const stale = (await this.redis.call('XPENDING', this.streamKey, this.group, 'IDLE', String(minIdleMs), '-', '+', '50')) as [string, string, number, number][];
    const owner = stale.find(([, name]) => name !== consumer && !skip.has(name))?.[1];
    if (owner === undefined) return undefined;
    const ids: string[] = [];
    let start = '-';
    for (;;) {
      const page = (await this.redis.call('XPENDING', this.streamKey, this.group, start, '+', '10000', owner)) as [string, string, number, number][];
      for (const [id] of page) ids.push(id);
      if (page.length < 10_000) break;
      start = `(${page[page.length - 1]![0]}`;
    }
    if (ids.length === 0) return { from: owner, entries: [], moved: false };
    const [moved, raw] = (await this.redis.eval(CLAIM_WHOLE_BATCH_SCRIPT, 1, this.streamKey, this.group, consumer, String(minIdleMs), ...ids)) as [number, RawEntry[]];
    // Moved: what XCLAIM returned (nothing when a racing claimer won). Not moved: every id, deleted ones without fields.
    if (moved === 1) return { from: owner, entries: entriesOf(raw), moved: true };
    const present = new Map(raw.map(([id, fields]) => [id, fields]));
    return { from: owner, entries: ids.map((id) => ({ id, fields: present.get(id) ?? null })), moved: false };
  }

  async ack(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return (await this.redis.call('XACK', this.streamKey, this.group, ...ids)) as number;
  }

  /** Entries not yet delivered to the group (Redis 7 `lag`), and entries delivered but unacknowledged. */
  async backlog(): Promise<{ undelivered: number | null; pending: number }> {
    const group = (await this.groups()).find((entry) => entry.name === this.group);
    if (group === undefined) return { undelivered: await this.redis.xlen(this.streamKey), pending: 0 };
    return { undelivered: group.lag, pending: group.pending };
  }

  /**
   * Drops entries every group has acknowledged; returns how many went. Approximate trimming (the
   * default) drops whole internal nodes only, which is much cheaper and may keep a few entries.
   */
  async trimConsumed(approximate = true): Promise<number> {
    const groups = await this.groups();
    const positions: ConsumerGroupPosition[] = [];
    for (const group of groups) {
      let oldestPendingId: string | undefined;
      if (group.pending > 0) {
        const summary = (await this.redis.call('XPENDING', this.streamKey, group.name)) as [number, string | null, string | null, unknown];
        oldestPendingId = summary[1] ?? undefined;
      }
      positions.push({ name: group.name, lastDeliveredId: group.lastDeliveredId, oldestPendingId });
    }
    const point = streamTrimPoint(positions);
    if (point === undefined) return 0;
    return (await this.redis.call('XTRIM', this.streamKey, 'MINID', ...(approximate ? ['~'] : []), point)) as number;
  }

  /** Forgets consumers (other than `keep`) with nothing pending and idle longer than `idleMs`: dead workers' names. */
  async removeIdleConsumers(idleMs: number, keep: ReadonlySet<string>): Promise<string[]> {
    let reply: unknown[][];
    try {
      reply = (await this.redis.call('XINFO', 'CONSUMERS', this.streamKey, this.group)) as unknown[][];
    } catch (error) {
      if (String((error as Error).message).includes('NOGROUP')) return [];
      throw error;
    }
    const removed: string[] = [];
    for (const raw of reply) {
      const consumer = pairsToObject(raw);
      const name = String(consumer.name);
      if (Number(consumer.pending) === 0 && Number(consumer.idle) > idleMs && !keep.has(name)) {
        await this.redis.call('XGROUP', 'DELCONSUMER', this.streamKey, this.group, name);
        removed.push(name);
      }
    }
    return removed;
  }

  private async groups(): Promise<{ name: string; pending: number; lastDeliveredId: string; lag: number | null }[]> {
    let reply: unknown[][];
    try {
      reply = (await this.redis.call('XINFO', 'GROUPS', this.streamKey)) as unknown[][];
    } catch (error) {
      if (String((error as Error).message).includes('no such key')) return [];
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
