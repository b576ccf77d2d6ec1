import {
  EVENTS_ROLLUP_GROUP,
  EventsStreamStore,
  encodeTrackingEvent,
  hourBucket,
  type RedisKeys,
  type TrackingEvent,
  type RedisClient,
} from '@ads/ads-client';
import { decisionOrigin } from '../domain/decision-id';
import { coalesceTurnWrites } from './coalesce-turn-writes';

/** An event on its way to Redis, with what counting it needs besides the event itself. */
export interface PendingEvent {
  event: TrackingEvent;
  /** The day of spend (`YYYYMMDD` in the campaign's time zone). */
  day: string;
  /** The campaign's frequency-cap window for impressions, 0 when uncapped. */
  frequencyCapWindowMs: number;
  /** The replay marker must outlive the tracking URL. */
  seenUntilMs: number;
  /** The cap to check an impression against when its decision's hold has lapsed; 0: none (uncapped or switched off). */
  frequencyCapCount: number;
  /** Spend limits the charge is checked against (see `spendLimits`); null: none known. */
  limits: ChargeLimits | null;
}

/** What a charge is checked against, atomically, when the event is counted. */
export interface ChargeLimits {
  /** Today's limit (daily budget or even plan); null: none. */
  todayMicros: number | null;
  totalMicros: number;
  /** The database's rolled-up total and the live counter as read with it (see `totalSpentMicros`). */
  spentMicros: number;
  liveSpendBaselineMicros: number;
}

/** What counting an event came to. */
export type CountOutcome = 'counted' | 'duplicate' | 'over-budget' | 'over-cap';
const COUNT_OUTCOMES: Record<number, CountOutcome> = { 0: 'duplicate', 1: 'counted', 2: 'over-budget', 3: 'over-cap' };

const COUNTER_FIELD: Record<TrackingEvent['type'], string> = { impression: 'impressions', viewable: 'viewable', click: 'clicks' };
const HOUR_COUNTER_TTL_SECONDS = 8 * 86_400;
const DAY_SPEND_TTL_SECONDS = 3 * 86_400;

// Counting one event is one script: the replay marker, the counters, the frequency-cap window
// and the stream entry change together or not at all, and a second delivery changes nothing.
// Before anything is counted, the limits are checked in the same step: an impression turns
// its decision's frequency-cap hold into a count, or, the hold lapsed, is counted only if the
// cap still has room (3: over the cap); spend is charged only while today's and the total
// spend are under their limits (2: over the budget), so charged spend passes a limit by less
// than one price whatever the instances decided. A refused event keeps its replay marker. A
// charge turns that much of a live spend lease of the deciding process into spend (leases are
// found by the decision id's prefix), so what decisions hold and what was charged are not
// counted twice while the lease runs.
const COUNT_EVENT_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  return 0
end
local at = tonumber(ARGV[4])
local window = tonumber(ARGV[5])
local cap = tonumber(ARGV[12])
if window > 0 and cap > 0 and redis.call('ZREM', KEYS[7], ARGV[17]) == 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', at)
  if redis.call('ZCOUNT', KEYS[5], '(' .. (at - window), '+inf') + redis.call('ZCARD', KEYS[7]) >= cap then
    return 3
  end
end
local spend = tonumber(ARGV[3])
if spend > 0 then
  local todayLimit = tonumber(ARGV[13])
  if todayLimit >= 0 and tonumber(redis.call('GET', KEYS[3]) or '0') >= todayLimit then
    return 2
  end
  local totalLimit = tonumber(ARGV[14])
  if totalLimit >= 0 then
    local live = tonumber(redis.call('GET', KEYS[4]) or '0')
    if math.max(live, tonumber(ARGV[15]) + math.max(0, live - tonumber(ARGV[16]))) >= totalLimit then
      return 2
    end
  end
end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
if spend > 0 and ARGV[18] ~= '' then
  local leases = redis.call('ZRANGEBYSCORE', KEYS[8], '(' .. at, '+inf', 'WITHSCORES')
  for i = 1, #leases, 2 do
    local id, amount = string.match(leases[i], '^(.*):(%d+)$')
    if string.sub(id, 1, #ARGV[18]) == ARGV[18] and tonumber(amount) >= spend then
      redis.call('ZREM', KEYS[8], leases[i])
      redis.call('ZADD', KEYS[8], leases[i + 1], id .. ':' .. string.format('%d', tonumber(amount) - spend))
      break
    end
  end
end
if spend > 0 then
  redis.call('HINCRBY', KEYS[2], 'spendMicros', spend)
  redis.call('INCRBY', KEYS[3], spend)
  redis.call('EXPIRE', KEYS[3], ARGV[11])
  redis.call('INCRBY', KEYS[4], spend)
end
redis.call('EXPIRE', KEYS[2], ARGV[10])
if window > 0 then
  redis.call('ZADD', KEYS[5], at, ARGV[6])
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', at - window)
  redis.call('PEXPIRE', KEYS[5], window)
end
if tonumber(ARGV[7]) > 0 then
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[7], '*', ARGV[8], ARGV[9])
else
  redis.call('XADD', KEYS[6], '*', ARGV[8], ARGV[9])
end
return 1
`;

type CountEventCommand = (...args: (string | number)[]) => Promise<number>;

/**
 * Counts tracking events in Redis: per ad and hour, per campaign and day (spend), the
 * campaign's real-time spend, the user's frequency-cap window, and the events stream.
 */
export class EventRecorder {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly streamMaxLen: number,
  ) {
    if (!('adsCountEvent' in redis)) redis.defineCommand('adsCountEvent', { numberOfKeys: 8, lua: COUNT_EVENT_SCRIPT });
  }

  /** Counts one event (or refuses it by a limit, or finds it counted before). */
  async count(pending: PendingEvent, nowMs = Date.now()): Promise<CountOutcome> {
    coalesceTurnWrites(this.redis);
    return outcomeOf(
      await (this.redis as unknown as { adsCountEvent: CountEventCommand }).adsCountEvent(...this.arguments(pending, nowMs)),
    );
  }

  /** Counts several in one round trip; each entry is the event's outcome or its error. */
  async countMany(pendings: readonly PendingEvent[], nowMs = Date.now()): Promise<Array<CountOutcome | Error>> {
    const pipeline = this.redis.pipeline() as unknown as {
      adsCountEvent: (...args: (string | number)[]) => void;
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (const pending of pendings) pipeline.adsCountEvent(...this.arguments(pending, nowMs));
    const results = await pipeline.exec();
    if (results === null) return pendings.map(() => new Error('the pipeline was discarded'));
    return results.map(([error, value]) => (error !== null ? error : outcomeOf(value)));
  }

  private arguments(pending: PendingEvent, nowMs: number): (string | number)[] {
    const { event } = pending;
    const [field, json] = encodeTrackingEvent(event);
    return [
      this.keys.eventSeen(event.decisionId, event.adId, event.type),
      this.keys.adHourCounters(event.adId, hourBucket(event.at)),
      this.keys.campaignDaySpend(event.campaignId, pending.day),
      this.keys.campaignLiveSpend(event.campaignId),
      this.keys.frequencyCap(event.userKey, event.campaignId),
      this.keys.eventsStream,
      this.keys.frequencyCapHolds(event.userKey, event.campaignId),
      this.keys.campaignSpendLeases(event.campaignId),
      Math.max(60_000, pending.seenUntilMs - nowMs),
      COUNTER_FIELD[event.type],
      event.spendMicros,
      event.at,
      event.type === 'impression' ? pending.frequencyCapWindowMs : 0,
      event.eventId,
      this.streamMaxLen,
      field,
      json,
      HOUR_COUNTER_TTL_SECONDS,
      DAY_SPEND_TTL_SECONDS,
      event.type === 'impression' ? pending.frequencyCapCount : 0,
      pending.limits?.todayMicros ?? -1,
      pending.limits?.totalMicros ?? -1,
      pending.limits?.spentMicros ?? 0,
      pending.limits?.liveSpendBaselineMicros ?? 0,
      event.decisionId,
      decisionOrigin(event.decisionId),
    ];
  }
}

function outcomeOf(reply: unknown): CountOutcome {
  const outcome = COUNT_OUTCOMES[Number(reply)];
  if (outcome === undefined) throw new Error(`the event script answered ${String(reply)}`);
  return outcome;
}

/** Where the roll-up stands on the events stream, from two O(1) reads. */
export interface RollupStatus {
  /** Time between the newest entry and the last one delivered to the roll-up (0: caught up). */
  delaySeconds: number;
  /** True when entries the roll-up never read were trimmed by the stream's cap: events lost. */
  unreadTrimmed: boolean;
}

const entryMs = (id: string) => Number(id.slice(0, id.indexOf('-')));
const entrySeq = (id: string) => Number(id.slice(id.indexOf('-') + 1));
const isAfter = (a: string, b: string) => entryMs(a) > entryMs(b) || (entryMs(a) === entryMs(b) && entrySeq(a) > entrySeq(b));

/**
 * The roll-up's position on the events stream (EventsStreamStore.position), or undefined
 * when Redis is away or slow or the stream or the roll-up's group does not exist. Redis 7.0
 * cannot count the unread entries of a trimmed stream (its `lag` is null), so this reports
 * time instead, and whether the cap has already removed entries the roll-up had not read.
 */
export async function readRollupStatus(redis: RedisClient, keys: RedisKeys, timeoutMs = 250): Promise<RollupStatus | undefined> {
  if (redis.status !== 'ready') return undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const position = await Promise.race([
      new EventsStreamStore(redis, keys, EVENTS_ROLLUP_GROUP).position(),
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      }),
    ]);
    if (position === null || position === undefined) return undefined;
    const { lastDeliveredId: delivered, lastGeneratedId: newest, firstEntryId: first } = position;
    return {
      delaySeconds: Math.max(0, entryMs(newest) - entryMs(delivered)) / 1000,
      // The oldest entry left is newer than the last one delivered: the unread part reached the
      // cap and the trimming has cut into it (at the exact boundary, one entry early).
      unreadTrimmed: first !== undefined && isAfter(first, delivered),
    };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
