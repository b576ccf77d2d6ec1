import type { Redis } from 'ioredis';
import { type ConsumerGroupPosition, streamTrimPoint } from '../domain/stream-trim-point';

/** One entry as read from the stream; `fields` is null when it was deleted while pending. */
export interface StreamEntry {
  id: string;
  fields: string[] | null;
}

/** A dead consumer's pending batch, now owned by the claimer. */
export interface ClaimedBatch {
  from: string;
  entries: StreamEntry[];
}

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

  /** The whole pending list of `consumer` (its unacknowledged batch), or nothing. */
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
   * Claims the whole pending list of one other consumer idle for at least `minIdleMs`.
   *
   * Not XAUTOCLAIM: it claims by id range across consumers, so it may cut one dead consumer's
   * batch in two or merge two batches, and a batch cut differently gets a different batch id and
   * would be counted twice. XPENDING names each entry's owner; XCLAIM of exactly that owner's
   * ids keeps the batch whole, and its min-idle check lets one claimer win when several race.
   */
  async claimStaleBatch(consumer: string, minIdleMs: number): Promise<ClaimedBatch | undefined> {
    const stale = (await this.redis.call('XPENDING', this.streamKey, this.group, 'IDLE', String(minIdleMs), '-', '+', '50')) as [string, string, number, number][];
    const owner = stale.find(([, name]) => name !== consumer)?.[1];
    if (owner === undefined) return undefined;
    const ids: string[] = [];
    let start = '-';
    for (;;) {
      const page = (await this.redis.call('XPENDING', this.streamKey, this.group, start, '+', '10000', owner)) as [string, string, number, number][];
      for (const [id] of page) ids.push(id);
      if (page.length < 10_000) break;
      start = `(${page[page.length - 1]![0]}`;
    }
    if (ids.length === 0) return { from: owner, entries: [] };
    const claimed = (await this.redis.call('XCLAIM', this.streamKey, this.group, consumer, String(minIdleMs), ...ids)) as RawEntry[];
    return { from: owner, entries: entriesOf(claimed) };
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
