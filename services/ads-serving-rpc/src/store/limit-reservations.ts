import type { RedisKeys, RedisClient } from '@ads/ads-client';
import { processPrefix } from '../domain/decision-id';
import { coalesceTurnWrites } from './coalesce-turn-writes';
import type { FrequencyCapRule } from '../domain/frequency-cap';

// A decision holds its place in a user's frequency cap: counted impressions in the window plus
// holds not yet lapsed must stay within the cap, so the check and the hold are one step. A
// refusal says when a place can free up at the earliest (the oldest impression leaves the
// window, or the first hold lapses): until then the user is known to be capped.
const HOLD_CAP_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local count = redis.call('ZCOUNT', KEYS[1], '(' .. (now - window), '+inf') + redis.call('ZCARD', KEYS[2])
if count >= tonumber(ARGV[3]) then
  local freeAt = now + window
  local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - window), '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  if #oldest > 0 then freeAt = math.min(freeAt, tonumber(oldest[2]) + window) end
  local firstHold = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if #firstHold > 0 then freeAt = math.min(freeAt, tonumber(firstHold[2])) end
  return {0, count, freeAt}
end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[4])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]) - now)
return {1, count + 1}
`;

// A spend lease: a slice of what is left of the budget (today's limit and the total, both net
// of the leases other instances hold) that one instance may serve against until it lapses.
// Slices are a share of what is left, at least one price: the last one may pass the budget by
// less than one price, and nothing is granted once nothing is left.
const LEASE_SPEND_SCRIPT = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local held = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  held = held + tonumber(string.match(member, ':(%d+)$'))
end
local today = tonumber(redis.call('GET', KEYS[2]) or '0')
local live = tonumber(redis.call('GET', KEYS[3]) or '0')
local total = math.max(live, tonumber(ARGV[6]) + math.max(0, live - tonumber(ARGV[7])))
local room = tonumber(ARGV[5]) - total - held
local todayLimit = tonumber(ARGV[4])
if todayLimit >= 0 then
  room = math.min(room, todayLimit - today - held)
end
if room <= 0 then
  return {0, 0}
end
local price = tonumber(ARGV[3])
local grant = math.max(price, math.floor(room / tonumber(ARGV[10]) / price) * price)
local untilMs = tonumber(ARGV[9])
if grant >= price * tonumber(ARGV[11]) then
  untilMs = tonumber(ARGV[8])
end
redis.call('ZADD', KEYS[1], untilMs, ARGV[2] .. ':' .. string.format('%d', grant))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[8]) - now)
return {grant, untilMs}
`;

/**
 * Leases taken in the background (first leases, renewals) live between 75% and 100% of the
 * lease time, drawn at random: leases granted together (every campaign's first lease when an
 * index loads) then lapse, and are renewed, spread over time instead of in one burst.
 */
export const BACKGROUND_LEASE_SPREAD = 0.25;

/** A background lease's lifetime: `leaseMs` shortened by up to `BACKGROUND_LEASE_SPREAD`. */
export function spreadLeaseMs(leaseMs: number, random: number = Math.random()): number {
  return Math.round(leaseMs * (1 - BACKGROUND_LEASE_SPREAD * random));
}

/** Each lease takes this share of what is left (1/20): N instances hold at most N/20 of it. */
export const LEASE_SHARE_DIVISOR = 20;
/** A lease worth fewer impressions than this lives `shortLeaseMs`: the budget is nearly gone. */
export const SMALL_LEASE_PRICES = 10;

export interface CapHoldRequest {
  userKey: string;
  campaignId: string;
  frequencyCap: FrequencyCapRule;
  /** The decision's id: the impression beacon finds its hold by it (a decision shows one ad per campaign). */
  decisionId: string;
}

export interface SpendLeaseRequest {
  campaignId: string;
  priceMicros: number;
  /** The day (`YYYYMMDD`, campaign time zone) the lease's spend is charged to. */
  day: string;
  /** Today's limit (daily budget or even plan), null: none. */
  todayLimitMicros: number | null;
  totalBudgetMicros: number;
  /** The database's rolled-up total and the live counter as read with it (see `totalSpentMicros`). */
  spentMicros: number;
  liveSpendBaselineMicros: number;
  /** How long the lease lives when it is long (plenty left); default the `leaseMs` option. */
  longLeaseMs?: number;
}

export interface CapHoldResult {
  granted: boolean;
  /** Impressions in the window plus live holds, this decision's included when granted. */
  count: number;
  /** Refused: the earliest time (ms) a place can free up; 0 when granted or unknown. */
  fullUntilMs: number;
}

export interface SpendLeaseResult {
  leaseId: string;
  /** 0: nothing left to lease. */
  grantedMicros: number;
  /** When the lease lapses in Redis (ms). */
  untilMs: number;
  /** Granted for the long time (plenty of budget left). */
  long: boolean;
}

type ScriptCommand = (...args: (string | number)[]) => void;
interface ReservationPipeline {
  adsHoldCap: ScriptCommand;
  adsLeaseSpend: ScriptCommand;
  zrem(key: string, member: string): void;
  exec(): Promise<[Error | null, unknown][] | null>;
}

// Lease ids begin with the process's decision-id prefix: a charged beacon finds the leases of
// the process that decided its ad by the decision id, and turns that much of them into spend.
let leaseCounter = 0;

/**
 * The atomic steps that keep delivery limits across instances: frequency-cap holds taken by
 * decisions and spend leases taken per campaign, all of one decision in one pipelined round
 * trip bounded by a timeout. The impression beacon's side (turning a hold into a count, the
 * charge's last check) is in the event script (`event-recorder.ts`).
 */
export class LimitReservations {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly options: { holdMs: number; leaseMs: number; shortLeaseMs: number; timeoutMs: number },
  ) {
    if (!('adsHoldCap' in redis)) redis.defineCommand('adsHoldCap', { numberOfKeys: 2, lua: HOLD_CAP_SCRIPT });
    if (!('adsLeaseSpend' in redis)) redis.defineCommand('adsLeaseSpend', { numberOfKeys: 3, lua: LEASE_SPEND_SCRIPT });
  }

  /** How long a long spend lease lives. */
  get leaseMs(): number {
    return this.options.leaseMs;
  }

  /** How long an unconverted frequency-cap hold lives. */
  get holdMs(): number {
    return this.options.holdMs;
  }

  /**
   * Takes every hold and lease in one round trip; undefined when Redis did not answer in time
   * (holds or leases taken late lapse by themselves).
   */
  async reserve(
    holds: readonly CapHoldRequest[],
    leases: readonly SpendLeaseRequest[],
    nowMs: number,
    timeoutMs = this.options.timeoutMs,
  ): Promise<{ holds: CapHoldResult[]; leases: SpendLeaseResult[] } | undefined> {
    const pipeline = this.redis.pipeline() as unknown as ReservationPipeline;
    const holdUntil = nowMs + this.options.holdMs;
    for (const hold of holds) {
      pipeline.adsHoldCap(
        this.keys.frequencyCap(hold.userKey, hold.campaignId),
        this.keys.frequencyCapHolds(hold.userKey, hold.campaignId),
        nowMs,
        hold.frequencyCap.windowMs,
        hold.frequencyCap.count,
        hold.decisionId,
        holdUntil,
      );
    }
    const leaseIds: string[] = [];
    for (const lease of leases) {
      leaseCounter += 1;
      const leaseId = `${processPrefix}.${leaseCounter.toString(36)}`;
      leaseIds.push(leaseId);
      pipeline.adsLeaseSpend(
        this.keys.campaignSpendLeases(lease.campaignId),
        // The lease's day is the one its spend will be charged to: today in the campaign's zone.
        this.keys.campaignDaySpend(lease.campaignId, lease.day),
        this.keys.campaignLiveSpend(lease.campaignId),
        nowMs,
        leaseId,
        lease.priceMicros,
        lease.todayLimitMicros ?? -1,
        lease.totalBudgetMicros,
        lease.spentMicros,
        lease.liveSpendBaselineMicros,
        nowMs + (lease.longLeaseMs ?? this.options.leaseMs),
        nowMs + this.options.shortLeaseMs,
        LEASE_SHARE_DIVISOR,
        SMALL_LEASE_PRICES,
      );
    }
    let timer: NodeJS.Timeout | undefined;
    coalesceTurnWrites(this.redis);
    try {
      const results = await Promise.race([
        pipeline.exec(),
        new Promise<null>((resolve) => {
          timer = setTimeout(() => resolve(null), timeoutMs);
        }),
      ]);
      if (results === null) return undefined;
      const replies = results.map(([error, value]) => (error === null ? (value as [number, number, number?]) : undefined));
      return {
        // A failed script grants nothing: the limit is kept, at the price of one missed ad.
        holds: holds.map((_, at) => {
          const reply = replies[at];
          return reply === undefined
            ? { granted: false, count: Number.POSITIVE_INFINITY, fullUntilMs: 0 }
            : { granted: reply[0] === 1, count: reply[1], fullUntilMs: reply[2] ?? 0 };
        }),
        leases: leases.map((_, at) => {
          const reply = replies[holds.length + at];
          const untilMs = reply?.[1] ?? 0;
          return { leaseId: leaseIds[at]!, grantedMicros: reply?.[0] ?? 0, untilMs, long: untilMs > nowMs + this.options.shortLeaseMs };
        }),
      };
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Gives back holds of ads a decision did not show in the end (best effort: they lapse anyway). */
  release(holds: readonly CapHoldRequest[]): void {
    if (holds.length === 0) return;
    const pipeline = this.redis.pipeline() as unknown as ReservationPipeline;
    for (const hold of holds) pipeline.zrem(this.keys.frequencyCapHolds(hold.userKey, hold.campaignId), hold.decisionId);
    pipeline.exec().catch(() => undefined);
  }
}
