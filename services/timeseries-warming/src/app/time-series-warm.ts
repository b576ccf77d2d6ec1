import { RedisKeys, TimeSeriesStore, localDay, utcHoursOfLocalDay, type RedisClient } from '@ads/ads-client';
import type { TimeSeriesEntry, TimeSeriesGranularity, TimeSeriesLevel } from '@ads/ads-client';
import type { Logger } from 'pino';
import { assembleSeries } from '../domain/series-assembly';
import { isUnsettled, reconcileDaySpend } from '../domain/spend-reconciliation';
import { seriesTtlSeconds, warmWindow } from '../domain/warm-window';
import type { DataApiSource } from '../store/data-api-source';
import { narrowTimeSeriesMeta } from '../store/narrow-time-series-meta';
import { SpendCounterStore } from '../store/spend-counter-store';

const HOUR_MS = 3_600_000;
const LEVELS: readonly TimeSeriesLevel[] = ['ad', 'campaign', 'advertiser'];
const GRANULARITIES: readonly TimeSeriesGranularity[] = ['hour', 'day'];
// Two calls in flight keep the data API busy without crowding out its other clients.
const QUERY_CONCURRENCY = 2;

/** A counter the reconciliation raised. */
export interface RaisedCounter {
  campaignId: string;
  day: string;
  beforeMicros: number;
  afterMicros: number;
}

/** What a run did, printed as JSON with --json. */
export interface WarmSummary {
  window: { from: string; to: string; days: number };
  series: Record<TimeSeriesLevel, Record<TimeSeriesGranularity, number>>;
  points: number;
  /** Series of entities with no data left in the window, deleted. */
  staleSeriesDeleted: number;
  /** Change marks of stats.ingest that this warm's reads include, deleted. */
  changeMarksCleared: number;
  reconciliation: { campaigns: number; raised: number; raisedMicros: number; counters: RaisedCounter[] };
  durationMs: number;
}

export interface WarmOptions {
  source: DataApiSource;
  redis: RedisClient;
  redisKeyPrefix: string;
  days: number;
  settleMinutes: number;
  logger: Logger;
  nowMs?: number;
}

/**
 * One warm: read every series of the window and the inventory from ads-data-api first, then
 * narrow the meta key to what old and new series both hold, replace the series in Redis, drop
 * those of entities with no data left, reconcile the day spend counters and write the new
 * meta key last. Nothing is written before every read succeeded, so a data API failure leaves
 * Redis as the previous run left it; a failure after the narrowing leaves a meta that claims
 * only what the series hold (readers fall back to the database for the rest).
 */
export async function warmTimeSeries(options: WarmOptions): Promise<WarmSummary> {
  const started = performance.now();
  const nowMs = options.nowMs ?? Date.now();
  const window = warmWindow(nowMs, options.days);
  const keys = new RedisKeys(options.redisKeyPrefix);
  const { source, logger } = options;
  const store = new TimeSeriesStore(options.redis, keys);
  // Taken before any read: a change mark older than this is in what the reads return.
  const changeClock = await store.changeClock();

  const reads: (() => Promise<void>)[] = [];
  const entries: TimeSeriesEntry[] = [];
  for (const level of LEVELS) {
    reads.push(async () => {
      entries.push(...assembleSeries(level, 'day', [await source.series(level, 'day', window.fromMs, window.toMs)], window));
    });
    reads.push(async () => {
      const answers = await inSequence(
        window.dayStartsMs.map((dayMs) => () => source.series(level, 'hour', dayMs, Math.min(dayMs + 24 * HOUR_MS, window.toMs))),
      );
      entries.push(...assembleSeries(level, 'hour', answers, window));
    });
  }
  // The campaigns' local days may start before the window (zones east of UTC, --days 1).
  const reconcileFromMs = Math.floor((nowMs - 26 * HOUR_MS) / HOUR_MS) * HOUR_MS;
  let recentCampaignHours: TimeSeriesEntry[] = [];
  reads.push(async () => {
    recentCampaignHours = assembleSeries('campaign', 'hour', [await source.series('campaign', 'hour', reconcileFromMs, window.toMs)], {
      fromMs: reconcileFromMs,
      toMs: window.toMs,
    });
  });
  const snapshotRead = source.snapshot();
  await Promise.all([runLimited(reads, QUERY_CONCURRENCY), snapshotRead]);
  const snapshot = await snapshotRead;
  logger.info({ series: entries.length, campaigns: snapshot.campaigns.length }, 'series read from ads-data-api');

  // Once a new window drops a day (a warm after UTC midnight), the old meta must stop claiming
  // it before any series loses it: a reader would answer zeros instead of asking the database.
  const keptMeta = await narrowTimeSeriesMeta(options.redis, keys, window);
  logger.info({ keptMeta }, 'meta narrowed to the window old and new series share');
  await store.replaceSeries(entries, { ttlSeconds: seriesTtlSeconds(options.days) });
  const series = { ad: { hour: 0, day: 0 }, campaign: { hour: 0, day: 0 }, advertiser: { hour: 0, day: 0 } };
  let points = 0;
  for (const entry of entries) {
    series[entry.level][entry.granularity] += 1;
    points += entry.points.length;
  }

  let staleSeriesDeleted = 0;
  for (const level of LEVELS) {
    for (const granularity of GRANULARITIES) {
      const warmed = new Set(
        entries.filter((entry) => entry.level === level && entry.granularity === granularity).map((entry) => entry.id),
      );
      const stale = (await store.listIds(level, granularity)).filter((id) => !warmed.has(id));
      staleSeriesDeleted += await store.deleteSeries(level, stale, granularity);
    }
  }

  // Only now that every series holds what the reads returned may readers trust them again.
  const changeMarksCleared = await store.clearChangesBefore(changeClock);

  const reconciliation = await reconcileCounters({
    counters: new SpendCounterStore(options.redis, keys),
    campaigns: snapshot.campaigns,
    databaseHours: new Map(
      recentCampaignHours.map((entry) => [entry.id, new Map(entry.points.map((point) => [Date.parse(point.bucket), point.spendMicros]))]),
    ),
    nowMs,
    settleMs: options.settleMinutes * 60_000,
  });
  for (const counter of reconciliation.counters) logger.info(counter, 'day spend counter raised to the database total');

  await store.writeMeta(
    {
      warmedAt: new Date(nowMs).toISOString(),
      from: new Date(window.fromMs).toISOString(),
      to: new Date(window.toMs).toISOString(),
      retentionDays: options.days,
    },
    seriesTtlSeconds(options.days),
  );
  return {
    window: { from: new Date(window.fromMs).toISOString(), to: new Date(window.toMs).toISOString(), days: options.days },
    series,
    points,
    staleSeriesDeleted,
    changeMarksCleared,
    reconciliation,
    durationMs: Math.round(performance.now() - started),
  };
}

async function reconcileCounters(input: {
  counters: SpendCounterStore;
  campaigns: readonly { id: string; timeZone: string; ads: readonly { id: string }[] }[];
  databaseHours: ReadonlyMap<string, ReadonlyMap<number, number>>;
  nowMs: number;
  settleMs: number;
}): Promise<WarmSummary['reconciliation']> {
  const { counters, campaigns, nowMs, settleMs } = input;
  const days = campaigns.map((campaign) => localDay(nowMs, campaign.timeZone));
  const hoursOf = days.map((day) => utcHoursOfLocalDay(day, nowMs));
  const liveRequests = campaigns.flatMap((campaign, index) =>
    hoursOf[index]!.filter((hour) => isUnsettled(hour, nowMs, settleMs)).map((hourStartMs) => ({
      campaignId: campaign.id,
      hourStartMs,
      adIds: campaign.ads.map((ad) => ad.id),
    })),
  );
  const liveSpend = await counters.readLiveHourSpend(liveRequests);
  const liveByHour = new Map(
    liveRequests.map((request, index) => [`${request.campaignId}/${request.hourStartMs}`, liveSpend[index] ?? null]),
  );
  const current = await counters.readDayCounters(campaigns.map((campaign, index) => ({ campaignId: campaign.id, day: days[index]!.day })));

  const raised: RaisedCounter[] = [];
  let raisedMicros = 0;
  for (const [index, campaign] of campaigns.entries()) {
    const database = input.databaseHours.get(campaign.id);
    const hours = hoursOf[index]!.map((startMs) => ({
      startMs,
      databaseMicros: database?.get(startMs) ?? 0,
      liveMicros: liveByHour.get(`${campaign.id}/${startMs}`) ?? null,
    }));
    const { floorMicros, raiseByMicros } = reconcileDaySpend(hours, current[index] ?? 0, nowMs, settleMs);
    if (raiseByMicros === 0) continue;
    const day = days[index]!.day;
    const outcome = await counters.raiseDayCounter(campaign.id, day, floorMicros);
    if (outcome.raisedByMicros > 0) {
      raised.push({
        campaignId: campaign.id,
        day,
        beforeMicros: outcome.valueMicros - outcome.raisedByMicros,
        afterMicros: outcome.valueMicros,
      });
      raisedMicros += outcome.raisedByMicros;
    }
  }
  return { campaigns: campaigns.length, raised: raised.length, raisedMicros, counters: raised };
}

async function inSequence<T>(calls: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (const call of calls) results.push(await call());
  return results;
}

async function runLimited(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
