/**
 * The Redis key layout of the platform: every key and channel name is spelled here and only
 * here. A prefix (default `ads:`) lets tests and several environments share one Redis.
 *
 * Redis Cluster: every key carries a hash tag naming its slot group, right after the prefix
 * (`ads:{rt}:events`). The keys one command, pipeline, transaction or script touches are in
 * one group, so that no command spans slots:
 *
 * - `{index}`: the serving index pointers and versions (the publish and rollback scripts);
 * - `{scores}`: the score pointers and versions (the flip script);
 * - `{rt}`: everything serving counts in real time — the events stream, the replay markers,
 *   the ad and campaign counters, frequency caps and holds, spend leases — since one script
 *   counts an event into all of them;
 * - `{ts}`: the warmed time series, their meta and change marks (read together in a MULTI);
 * - `{fc}`: the forecasting opportunity counts and samples (one pipeline per serving flush);
 * - `{bull}`: the BullMQ queues (`queuePrefix`).
 *
 * Each group is one slot, so one master holds it: `{rt}` takes every serving write (see the
 * README's Redis section for the limits). Channels have no slot (PUBLISH reaches the whole
 * cluster). A prefix holding braces itself puts every key in the prefix's slot: still correct.
 */
export class RedisKeys {
  constructor(readonly prefix = 'ads:') {}

  /** `<prefix>{<group>}:<rest>`: a key of one slot group. */
  private grouped(group: 'index' | 'scores' | 'rt' | 'ts' | 'fc', rest: string): string {
    return `${this.prefix}{${group}}:${rest}`;
  }

  // Serving index (written by cache-warming, read by serving).
  /** String: the version id of the index serving should use. */
  get indexCurrent(): string {
    return this.grouped('index', 'current');
  }
  /** String: the version before the current one, kept for rollback. */
  get indexPrevious(): string {
    return this.grouped('index', 'previous');
  }
  /** Hash of one index version's parts (see the serving index contract). */
  indexVersion(version: string): string {
    return this.grouped('index', `v:${version}`);
  }
  /** Pub/sub channel: a new index version was published (message: the version id). */
  get indexAnnounceChannel(): string {
    return `${this.prefix}index:announce`;
  }
  /** Pub/sub channel: ads-data-api changed inventory (message: JSON {entity, id, at}). */
  get inventoryChangedChannel(): string {
    return `${this.prefix}inventory:changed`;
  }

  // Scores (written by ads-scoring, read by serving).
  get scoresCurrent(): string {
    return this.grouped('scores', 'current');
  }
  get scoresPrevious(): string {
    return this.grouped('scores', 'previous');
  }
  scoresVersion(version: string): string {
    return this.grouped('scores', `v:${version}`);
  }
  get scoresAnnounceChannel(): string {
    return `${this.prefix}scores:announce`;
  }

  // Events and real-time counters (written by serving).
  /** Stream of tracking events, drained by the roll-up's consumer group. */
  get eventsStream(): string {
    return this.grouped('rt', 'events');
  }
  /** Hash per ad and UTC hour (`YYYYMMDDHH`): impressions, viewable, clicks, spendMicros. */
  adHourCounters(adId: string, hour: string): string {
    return this.grouped('rt', `ad:${adId}:h:${hour}`);
  }
  /** Integer: a campaign's spend in micros on one day (`YYYYMMDD`, in the campaign's time zone). */
  campaignDaySpend(campaignId: string, day: string): string {
    return this.grouped('rt', `campaign:${campaignId}:d:${day}:spend`);
  }
  /** Integer: the lifetime spend in micros serving counted in real time (never expires; the roll-up puts the same events into the database). */
  campaignLiveSpend(campaignId: string): string {
    return this.grouped('rt', `campaign:${campaignId}:spend`);
  }
  /** Sorted set of impression times (ms) of one user key for one campaign: the frequency cap window. */
  frequencyCap(userKey: string, campaignId: string): string {
    return this.grouped('rt', `fcap:${campaignId}:${userKey}`);
  }
  /**
   * Sorted set of the places decisions hold in one user's frequency cap for one campaign:
   * member the decision id, score the time (ms) the hold lapses. The impression beacon
   * turns its hold into an entry of `frequencyCap`.
   */
  frequencyCapHolds(userKey: string, campaignId: string): string {
    return this.grouped('rt', `fcap-hold:${campaignId}:${userKey}`);
  }
  /**
   * Sorted set of a campaign's spend leases: member `<leaseId>:<micros>`, score the time (ms)
   * the lease lapses. Serving instances take slices of the remaining budget here before they
   * serve against them.
   */
  campaignSpendLeases(campaignId: string): string {
    return this.grouped('rt', `campaign:${campaignId}:leases`);
  }
  /** Marker that one event of one decision was counted (set NX, expiring with the URL). */
  eventSeen(decisionId: string, adId: string, event: string): string {
    return this.grouped('rt', `seen:${decisionId}:${adId}:${event}`);
  }

  // Time series (written by timeseries-warming, read by ads-data-api reports and scoring).
  /** Hash bucket (ISO start) → JSON totals, for one entity and granularity. */
  timeSeries(level: 'ad' | 'campaign' | 'advertiser', id: string, granularity: 'hour' | 'day'): string {
    return this.grouped('ts', `${level}:${id}:${granularity}`);
  }
  /** String: JSON {at, from, to} of the last complete time-series warm. */
  get timeSeriesMeta(): string {
    return this.grouped('ts', 'meta');
  }
  /**
   * Hash: one entity's change mark, set by ads-data-api's `stats.ingest` after a batch changed
   * the entity's stats. `from` is the start (epoch ms) of the oldest hour changed, `at` the Redis
   * time (µs) of the newest change. A warm deletes the marks older than its reads; a reader takes
   * the buckets from `from` on from the database.
   */
  timeSeriesChange(level: 'ad' | 'campaign' | 'advertiser', id: string): string {
    return this.grouped('ts', `changed:${level}:${id}`);
  }

  // Forecasting opportunities (written by serving, moved to ads-data-api by the roll-up).
  /** Hash per UTC hour (`YYYYMMDDHH`): placement key → requests counted in that hour. */
  opportunityCounts(hour: string): string {
    return this.grouped('fc', `opp:h:${hour}`);
  }
  /**
   * Sorted set per UTC day (`YYYYMMDD`): the day's sample of requests (see
   * `contracts/forecast.ts`), member the JSON of an `OpportunitySample`, score its priority
   * (`samplePriority`), trimmed to the k lowest scores after each flush.
   */
  opportunitySample(day: string): string {
    return this.grouped('fc', `opp:d:${day}`);
  }
  /**
   * Sorted set of the periods not yet rolled up: member `h:YYYYMMDDHH` (counts) or
   * `d:YYYYMMDD` (a sample), score the time (ms) of the last flush into it. The roll-up takes a
   * period once it has closed and no flush has touched it for `OPPORTUNITY_SETTLE_MS`, and
   * removes it only if its score is unchanged (a later flush makes it roll up again; the ingest
   * replaces, so that is safe).
   */
  get opportunityPending(): string {
    return this.grouped('fc', 'opp:pending');
  }

  // Imports and schedules.
  /**
   * Prefix for BullMQ queues, so queues live beside the rest of the platform's keys. Braced: a
   * queue's keys (`<prefix>{bull}:<queue>:…`) share one slot, as BullMQ's scripts need on a cluster.
   */
  get queuePrefix(): string {
    return `${this.prefix}{bull}`;
  }
}

/** The layout with the default prefix. */
export const redisKeys = new RedisKeys();

let lastHour = Number.NaN;
let lastBucket = '';

/** UTC hour bucket `YYYYMMDDHH` of an epoch-ms time. */
export function hourBucket(epochMs: number): string {
  const hour = Math.floor(epochMs / 3_600_000);
  // Every event of an hour names the same bucket: formatting a Date per event showed in profiles.
  if (hour !== lastHour) {
    lastBucket = new Date(epochMs).toISOString().slice(0, 13).replace(/[-T]/g, '');
    lastHour = hour;
  }
  return lastBucket;
}

/** Day bucket `YYYYMMDD` of an epoch-ms time in a time zone. */
export function dayBucket(epochMs: number, timeZone = 'UTC'): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(epochMs);
  return parts.replace(/-/g, '');
}
