import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidParamsError, type RedisKeys, RpcError, type TrackingEvent, decodeTrackingEvent } from '@ads/ads-client';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import { type HourlyAdStats, aggregateTrackingEvents } from '../domain/rollup-aggregation';
import { rollupBatchId } from '../domain/rollup-batch-id';
import { IDLE_CONSUMER_EXPIRY_MS, ROLLUP_CONSUMER_GROUP } from '../domain/rollup-consumer-group';
import { DataApiCallError } from '../errors';
import type { Logger } from '../logger';
import type { DataApiClient } from '../store/data-api-client';
import { EventsStreamConsumer, type StreamEntry } from '../store/events-stream-consumer';

export interface RollupDependencies {
  redis: Redis;
  keys: RedisKeys;
  dataApi: DataApiClient;
  logger: Logger;
  settings: Config['rollup'];
}

/** Progress and result of one roll-up run. */
export interface RollupSummary {
  batches: number;
  /** Events counted into stats rows. */
  events: number;
  rows: number;
  /** Batches the API had applied before (a re-delivery after a crash). */
  alreadyApplied: number;
  duplicates: number;
  /** Entries that were not tracking events, acknowledged and logged. */
  malformed: number;
  /** Events about ads the API does not know (or ids that are not ad ids): logged, not counted. */
  unknownAdEvents: number;
  claimedBatches: number;
  /** Undelivered entries when the run started (Redis 7 group lag), when known. */
  backlogAtStart: number | null;
  trimmed: number;
  stoppedBy: 'drained' | 'time-limit' | 'shutdown';
}

export interface RollupHooks {
  signal?: AbortSignal | undefined;
  onProgress?: ((summary: RollupSummary) => void | Promise<void>) | undefined;
}

const MALFORMED_LOG_LIMIT = 5;

/**
 * Drains the events stream into ads-data-api: each slot (a consumer of the group) first redoes
 * its own unacknowledged batch, then claims dead consumers' batches, then reads new entries, until
 * the stream is drained, the run's time limit passes, or the worker shuts down. Each batch is
 * aggregated per ad and hour, sent with an id derived from its entries, and acknowledged only
 * after the API confirmed it.
 */
export async function runRollup(dependencies: RollupDependencies, hooks: RollupHooks = {}): Promise<RollupSummary> {
  const { redis, keys, dataApi, logger, settings } = dependencies;
  const stream = new EventsStreamConsumer(redis, keys.eventsStream, ROLLUP_CONSUMER_GROUP);
  await stream.ensureGroup();
  const backlog = await stream.backlog();
  const summary: RollupSummary = {
    batches: 0,
    events: 0,
    rows: 0,
    alreadyApplied: 0,
    duplicates: 0,
    malformed: 0,
    unknownAdEvents: 0,
    claimedBatches: 0,
    backlogAtStart: backlog.undelivered === null ? null : backlog.undelivered + backlog.pending,
    trimmed: 0,
    stoppedBy: 'drained',
  };
  const deadline = Date.now() + settings.maxRunMs;
  // One slot failing stops the others at their next batch boundary: nothing half-done is left.
  const stopSlots = new AbortController();
  let stopReason: RollupSummary['stoppedBy'] = 'drained';
  const stopped = (): boolean => {
    if (hooks.signal?.aborted === true) stopReason = 'shutdown';
    else if (Date.now() > deadline) stopReason = 'time-limit';
    else return stopSlots.signal.aborted;
    return true;
  };

  async function processBatch(consumer: string, entries: StreamEntry[], origin: 'own-pending' | 'claimed' | 'new'): Promise<void> {
    const present = entries.filter((entry) => entry.fields !== null);
    const events: TrackingEvent[] = [];
    let malformedHere = 0;
    for (const entry of present) {
      const decoded = decodeTrackingEvent(entry.fields);
      if (decoded.ok) events.push(decoded.event);
      else {
        malformedHere += 1;
        if (malformedHere <= MALFORMED_LOG_LIMIT) {
          logger.error({ streamId: entry.id, problem: decoded.problem, fields: entry.fields }, 'events stream entry is not a tracking event; acknowledged without counting');
        }
      }
    }
    const aggregate = aggregateTrackingEvents(events);
    if (present.length > 0 && aggregate.rows.length > 0) {
      const batchId = rollupBatchId(keys.eventsStream, present.map((entry) => entry.id));
      const answer = await ingest(batchId, aggregate.rows);
      if (!answer.applied) summary.alreadyApplied += 1;
      logger.debug({ consumer, batchId, origin, entries: entries.length, rows: aggregate.rows.length, applied: answer.applied }, 'roll-up batch ingested');
      if (settings.pauseAfterIngestMs > 0) {
        // Test hook: a test kills the worker during this pause, between ingest and acknowledgement.
        logger.warn({ consumer, batchId, pauseMs: settings.pauseAfterIngestMs }, 'roll-up batch ingested; pausing before XACK (test hook)');
        await sleep(settings.pauseAfterIngestMs);
      }
    }
    await stream.ack(entries.map((entry) => entry.id));
    summary.batches += 1;
    summary.events += aggregate.events;
    summary.rows += aggregate.rows.length;
    summary.duplicates += aggregate.duplicates;
    summary.malformed += malformedHere;
    if (malformedHere > MALFORMED_LOG_LIMIT) logger.error({ consumer, malformed: malformedHere }, 'more malformed events stream entries in this batch were acknowledged without counting');
    await hooks.onProgress?.({ ...summary });
  }

  /**
   * Sends one batch. Rows the API refuses because their ad does not exist (a deleted ad, an id
   * that is not one) can never be stored: they are logged and left out, and the rest of the batch
   * is sent again under the same id. Any other refusal fails the batch, which stays pending.
   */
  async function ingest(batchId: string, allRows: HourlyAdStats[]): Promise<{ applied: boolean }> {
    let rows = allRows;
    for (;;) {
      try {
        return await dataApi.stats.ingest({ batchId, rows });
      } catch (error) {
        const unknownAds = error instanceof InvalidParamsError ? unknownAdIdsOf(error, rows) : new Set<string>();
        if (unknownAds.size === 0) {
          const code = error instanceof RpcError ? error.code : 'INTERNAL';
          throw new DataApiCallError(`stats.ingest of batch ${batchId} failed (${code}): ${(error as Error).message}; its entries stay pending and are redone`, code, {
            cause: error,
          });
        }
        const dropped = rows.filter((row) => unknownAds.has(row.adId));
        const events = dropped.reduce((sum, row) => sum + row.impressions + row.viewableImpressions + row.clicks, 0);
        summary.unknownAdEvents += events;
        logger.error({ batchId, unknownAds: [...unknownAds], rows: dropped, events }, 'events of unknown ads left out of the roll-up');
        rows = rows.filter((row) => !unknownAds.has(row.adId));
        if (rows.length === 0) return { applied: false };
      }
    }
  }

  async function runSlot(consumer: string): Promise<void> {
    const own = await stream.readOwnPending(consumer);
    if (own.length > 0) {
      logger.info({ consumer, entries: own.length }, 'redoing this consumer’s unacknowledged roll-up batch');
      await processBatch(consumer, own, 'own-pending');
    }
    while (!stopped()) {
      const claimed = await stream.claimStaleBatch(consumer, settings.claimMinIdleMs);
      if (claimed !== undefined) {
        if (claimed.entries.length > 0) {
          logger.info({ consumer, from: claimed.from, entries: claimed.entries.length }, 'claimed a dead consumer’s pending roll-up batch');
          summary.claimedBatches += 1;
          await processBatch(consumer, claimed.entries, 'claimed');
        }
        continue;
      }
      const fresh = await stream.readNew(consumer, settings.batchSize);
      if (fresh.length === 0) return;
      await processBatch(consumer, fresh, 'new');
    }
  }

  const consumers = Array.from({ length: settings.consumers }, (_, slot) => `${settings.consumerNamePrefix}:${slot}`);
  const outcomes = await Promise.allSettled(
    consumers.map((consumer) =>
      runSlot(consumer).catch((error: unknown) => {
        stopSlots.abort();
        throw error;
      }),
    ),
  );
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;

  summary.stoppedBy = stopReason;
  if (settings.trimStream) summary.trimmed = await stream.trimConsumed();
  const removed = await stream.removeIdleConsumers(IDLE_CONSUMER_EXPIRY_MS, new Set(consumers));
  if (removed.length > 0) logger.info({ removed }, 'forgot roll-up consumers of workers that are gone');
  return summary;
}

/** The ad ids of the rows an INVALID_PARAMS answer blames by `rows.<index>.adId`. */
function unknownAdIdsOf(error: InvalidParamsError, rows: readonly HourlyAdStats[]): Set<string> {
  const adIds = new Set<string>();
  for (const issue of error.issues) {
    const [list, index, field] = issue.path;
    if (list !== 'rows' || field !== 'adId' || typeof index !== 'number') return new Set();
    const row = rows[index];
    if (row !== undefined) adIds.add(row.adId);
  }
  return adIds;
}
