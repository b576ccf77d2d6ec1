import { setTimeout as sleep } from 'node:timers/promises';
import {
  type EventsStreamEntry,
  EventsStreamStore,
  InvalidParamsError,
  type RedisKeys,
  RpcError,
  type TrackingEvent,
  decodeTrackingEvent,
  type RedisClient,
} from '@ads/ads-client';
import type { Config } from '../config';
import { type HourlyAdStats, aggregateTrackingEvents } from '../domain/rollup-aggregation';
import { rollupBatchId } from '../domain/rollup-batch-id';
import { IDLE_CONSUMER_EXPIRY_MS, ROLLUP_CONSUMER_GROUP } from '../domain/rollup-consumer-group';
import { entryIdsOfRows, eventsOfRow, rowRefusalsOf } from '../domain/rollup-row-refusal';
import { DataApiCallError } from '../errors';
import type { Logger } from 'pino';
import type { DataApiClient } from '../store/data-api-client';

export interface RollupDependencies {
  redis: RedisClient;
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
  /**
   * Events of rows the API refused for the row's own values (an hour or a sum it cannot store):
   * logged with their entry ids, acknowledged, not counted.
   */
  refusedRowEvents: number;
  /**
   * Entries of redone batches that had been deleted from the stream while pending (a MAXLEN cap
   * or XDEL). Counted if an earlier delivery of their batch was applied, lost otherwise; the
   * log says which.
   */
  deletedWhilePending: number;
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
/** Entry ids named per log line of rows left out; the line gives the full count. */
const ENTRY_ID_LOG_LIMIT = 100;

/** The decoded events of a batch and, index for index, the ids of the entries they came from. */
interface DecodedEntries {
  events: TrackingEvent[];
  entryIds: string[];
}

/** How a batch's ingest ended. */
type IngestOutcome = 'applied' | 'already-applied' | 'nothing-left';

/**
 * Drains the events stream into ads-data-api: each slot (a consumer of the group) first redoes
 * its own unacknowledged batch, then claims dead consumers' batches, then reads new entries, until
 * the stream is drained, the run's time limit passes, or the worker shuts down. Each batch is
 * aggregated per ad, placement and hour, sent with an id derived from its entry ids as delivered (also those
 * deleted from the stream since), and acknowledged only after the API confirmed it.
 */
export async function runRollup(dependencies: RollupDependencies, hooks: RollupHooks = {}): Promise<RollupSummary> {
  const { redis, keys, dataApi, logger, settings } = dependencies;
  const stream = new EventsStreamStore(redis, keys, ROLLUP_CONSUMER_GROUP);
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
    refusedRowEvents: 0,
    deletedWhilePending: 0,
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

  /**
   * `entries` is the batch as delivered: every id, those deleted from the stream since without
   * fields. The batch id comes from all of them, so a redo after the stream was trimmed under a
   * pending batch carries the id of the first delivery, and the API, which may have applied that
   * one already, does not add the surviving entries a second time.
   */
  async function processBatch(consumer: string, entries: EventsStreamEntry[], origin: 'own-pending' | 'claimed' | 'new'): Promise<void> {
    const decoded: DecodedEntries = { events: [], entryIds: [] };
    let malformedHere = 0;
    let deletedHere = 0;
    for (const entry of entries) {
      if (entry.fields === null) {
        deletedHere += 1;
        continue;
      }
      const read = decodeTrackingEvent(entry.fields);
      if (read.ok) {
        decoded.events.push(read.event);
        decoded.entryIds.push(entry.id);
      } else {
        malformedHere += 1;
        if (malformedHere <= MALFORMED_LOG_LIMIT) {
          logger.error(
            { streamId: entry.id, problem: read.problem, fields: entry.fields },
            'events stream entry is not a tracking event; acknowledged without counting',
          );
        }
      }
    }
    const aggregate = aggregateTrackingEvents(decoded.events);
    const batchId = rollupBatchId(
      keys.eventsStream,
      entries.map((entry) => entry.id),
    );
    let outcome: IngestOutcome = 'nothing-left';
    if (aggregate.rows.length > 0) {
      outcome = await ingest(batchId, aggregate.rows, decoded);
      if (outcome === 'already-applied') summary.alreadyApplied += 1;
      logger.debug({ consumer, batchId, origin, entries: entries.length, rows: aggregate.rows.length, outcome }, 'roll-up batch ingested');
      if (settings.pauseAfterIngestMs > 0) {
        // Test hook: a test kills the worker during this pause, between ingest and acknowledgement.
        logger.warn({ consumer, batchId, pauseMs: settings.pauseAfterIngestMs }, 'roll-up batch ingested; pausing before XACK (test hook)');
        await sleep(settings.pauseAfterIngestMs);
      }
    }
    if (deletedHere > 0) reportDeleted(consumer, batchId, entries, deletedHere, outcome);
    await stream.acknowledge(entries.map((entry) => entry.id));
    summary.batches += 1;
    summary.events += aggregate.events;
    summary.rows += aggregate.rows.length;
    summary.duplicates += aggregate.duplicates;
    summary.malformed += malformedHere;
    summary.deletedWhilePending += deletedHere;
    if (malformedHere > MALFORMED_LOG_LIMIT)
      logger.error(
        { consumer, malformed: malformedHere },
        'more malformed events stream entries in this batch were acknowledged without counting',
      );
    await hooks.onProgress?.({ ...summary });
  }

  /** Entries deleted while their batch was pending: whether they count depends on the earlier delivery. */
  function reportDeleted(
    consumer: string,
    batchId: string,
    entries: readonly EventsStreamEntry[],
    deleted: number,
    outcome: IngestOutcome,
  ): void {
    const deletedIds = entries.filter((entry) => entry.fields === null).map((entry) => entry.id);
    const context = { consumer, batchId, deleted, entryIds: deletedIds.slice(0, ENTRY_ID_LOG_LIMIT) };
    if (outcome === 'already-applied') {
      logger.warn(
        context,
        'entries of this batch were deleted from the stream while pending; the batch was applied before, so they are counted',
      );
    } else if (outcome === 'applied') {
      logger.error(
        context,
        'entries of this batch were deleted from the stream before it was ever applied: their events are lost (the stream is capped below the roll-up’s backlog)',
      );
    } else {
      logger.warn(
        context,
        'entries of this batch were deleted from the stream while pending; counted only if an earlier delivery of the batch was applied',
      );
    }
  }

  /**
   * Sends one batch. Rows the API refuses on their own can never be stored: an unknown ad (a
   * deleted ad, an id that is not one) or a row's own values (an hour or a sum the API cannot
   * hold). Those rows are logged with the entries they came from and left out, and the rest of
   * the batch is sent again under the same id: a refusal applies nothing, and a redo of the batch
   * either meets the same refusal or finds the id applied, so the id keeps standing for the same
   * rows. Any other refusal fails the batch, which stays pending.
   */
  async function ingest(batchId: string, allRows: HourlyAdStats[], decoded: DecodedEntries): Promise<IngestOutcome> {
    let rows = allRows;
    for (;;) {
      let refusals: ReturnType<typeof rowRefusalsOf>;
      try {
        return (await dataApi.stats.ingest({ batchId, rows })).applied ? 'applied' : 'already-applied';
      } catch (error) {
        refusals = error instanceof InvalidParamsError ? rowRefusalsOf(error.issues, rows) : undefined;
        if (refusals === undefined) {
          const code = error instanceof RpcError ? error.code : 'INTERNAL';
          throw new DataApiCallError(
            `stats.ingest of batch ${batchId} failed (${code}): ${(error as Error).message}; its entries stay pending and are redone`,
            code,
            {
              cause: error,
            },
          );
        }
      }
      const unknown = rows.filter((row) => refusals.unknownAdIds.has(row.adId));
      if (unknown.length > 0) {
        const events = unknown.reduce((sum, row) => sum + eventsOfRow(row), 0);
        summary.unknownAdEvents += events;
        const entryIds = entryIdsOfRows(decoded.entryIds, decoded.events, unknown);
        logger.error(
          {
            batchId,
            unknownAds: [...refusals.unknownAdIds],
            rows: unknown,
            events,
            entries: entryIds.length,
            entryIds: entryIds.slice(0, ENTRY_ID_LOG_LIMIT),
          },
          'events of unknown ads left out of the roll-up',
        );
      }
      const refused = [...refusals.refusedRows].filter(([index]) => !refusals.unknownAdIds.has(rows[index]!.adId));
      if (refused.length > 0) {
        const refusedRows = refused.map(([index]) => rows[index]!);
        const events = refusedRows.reduce((sum, row) => sum + eventsOfRow(row), 0);
        summary.refusedRowEvents += events;
        const entryIds = entryIdsOfRows(decoded.entryIds, decoded.events, refusedRows);
        logger.error(
          {
            batchId,
            rows: refused.map(([index, reasons]) => ({ ...rows[index]!, reasons })),
            events,
            entries: entryIds.length,
            entryIds: entryIds.slice(0, ENTRY_ID_LOG_LIMIT),
          },
          'stats rows the API cannot store left out of the roll-up; their entries are acknowledged without counting',
        );
      }
      const leftOut = new Set(refusals.refusedRows.keys());
      rows = rows.filter((row, index) => !leftOut.has(index) && !refusals.unknownAdIds.has(row.adId));
      if (rows.length === 0) return 'nothing-left';
    }
  }

  /** Dead consumers whose batch a slot is redoing without having moved it (see `ClaimedBatch.moved`). */
  const redoingInPlace = new Set<string>();

  async function runSlot(consumer: string): Promise<void> {
    const own = await stream.readOwnPending(consumer);
    if (own.length > 0) {
      logger.info({ consumer, entries: own.length }, 'redoing this consumer’s unacknowledged roll-up batch');
      await processBatch(consumer, own, 'own-pending');
    }
    while (!stopped()) {
      const claimed = await stream.claimStaleBatch(consumer, settings.claimMinIdleMs, redoingInPlace);
      if (claimed !== undefined) {
        if (claimed.entries.length > 0) {
          logger.info(
            { consumer, from: claimed.from, entries: claimed.entries.length, moved: claimed.moved },
            'claimed a dead consumer’s pending roll-up batch',
          );
          summary.claimedBatches += 1;
          // Not moved (entries were deleted): the batch stays listed on the dead consumer while it
          // is redone, so other slots of this run must not take it up too.
          if (!claimed.moved) redoingInPlace.add(claimed.from);
          try {
            await processBatch(consumer, claimed.entries, 'claimed');
          } finally {
            redoingInPlace.delete(claimed.from);
          }
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
  if (settings.trimStream) summary.trimmed = await stream.trimAcknowledged();
  const removed = await stream.removeIdleConsumers(IDLE_CONSUMER_EXPIRY_MS, new Set(consumers));
  if (removed.length > 0) logger.info({ removed }, 'forgot roll-up consumers of workers that are gone');
  return summary;
}
