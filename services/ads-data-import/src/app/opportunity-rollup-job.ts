import {
  InvalidParamsError,
  OPPORTUNITY_SETTLE_MS,
  type OpportunitySample,
  type RedisClient,
  type RedisKeys,
  RpcError,
  forecast,
} from '@ads/ads-client';
import type { Logger } from 'pino';
import {
  type OpportunityPeriod,
  isOpportunityPeriodSettled,
  opportunityHourChunks,
  opportunitySampleThreshold,
  parseOpportunityPeriod,
} from '../domain/opportunity-period';
import { DataApiCallError } from '../errors';
import type { DataApiClient } from '../store/data-api-client';
import { OpportunityPendingStore, type PendingOpportunity } from '../store/opportunity-pending-store';

export interface OpportunityRollupDependencies {
  redis: RedisClient;
  keys: RedisKeys;
  dataApi: DataApiClient;
  logger: Logger;
}

export interface OpportunityRollupHooks {
  signal?: AbortSignal | undefined;
  /** The clock (ms); tests leave it to `Date.now`. */
  now?: (() => number) | undefined;
  onProgress?: ((summary: OpportunityRollupSummary) => void | Promise<void>) | undefined;
}

/** What one run did. */
export interface OpportunityRollupSummary {
  /** Pending periods whose last flush settled, when the run started. */
  settled: number;
  /** Of those, periods still open (or closed less than the settle time ago): left for a later run. */
  open: number;
  hours: number;
  days: number;
  /** Placement rows sent for the hours, and stored by the API. */
  placements: number;
  stored: number;
  sampleEntries: number;
  /** Sample members that are not an `OpportunitySample`: left out of their day, logged. */
  malformedSampleEntries: number;
  /** Keys the API found no placement for (distinct, at most 100). */
  unknownPlacementKeys: string[];
  /** Periods the API refused (logged with its issues); removed so they do not block. */
  refused: number;
  /** Pending members that name no period, or whose data expired: logged and removed. */
  dropped: number;
  /** Periods a flush touched during the run: left pending, they roll again. */
  flushedMeanwhile: number;
  stoppedBy: 'done' | 'shutdown';
}

const UNKNOWN_KEY_LIMIT = 100;
const ISSUE_LOG_LIMIT = 20;
const MALFORMED_LOG_LIMIT = 5;

/** How one period's ingest ended. */
type PeriodOutcome = 'stored' | 'refused' | 'dropped';

/**
 * Moves the closed, settled periods of serving's opportunity keys into ads-data-api: each
 * hour's counts with `opportunities.ingestHour` (in calls of at most 10,000 placements), each
 * day's sample with `opportunities.ingestDay`. A period is taken once it closed and its last
 * flush is `OPPORTUNITY_SETTLE_MS` old; its pending member is removed afterwards only if no
 * flush moved it meanwhile, so a late flush rolls the period again (the ingest replaces). A
 * data API failure fails the run and leaves the period pending; a refusal is logged and the
 * period removed.
 */
export async function runOpportunityRollup(
  dependencies: OpportunityRollupDependencies,
  hooks: OpportunityRollupHooks = {},
): Promise<OpportunityRollupSummary> {
  const { redis, keys, dataApi, logger } = dependencies;
  const now = (hooks.now ?? Date.now)();
  const store = new OpportunityPendingStore(redis, keys);
  const pending = await store.flushedBy(now - OPPORTUNITY_SETTLE_MS);
  const summary: OpportunityRollupSummary = {
    settled: pending.length,
    open: 0,
    hours: 0,
    days: 0,
    placements: 0,
    stored: 0,
    sampleEntries: 0,
    malformedSampleEntries: 0,
    unknownPlacementKeys: [],
    refused: 0,
    dropped: 0,
    flushedMeanwhile: 0,
    stoppedBy: 'done',
  };
  const unknownKeys = new Set<string>();
  const noteUnknown = (found: readonly string[]): void => {
    for (const key of found) if (unknownKeys.size < UNKNOWN_KEY_LIMIT) unknownKeys.add(key);
    summary.unknownPlacementKeys = [...unknownKeys];
  };

  async function rollHour(period: Extract<OpportunityPeriod, { kind: 'hour' }>): Promise<PeriodOutcome> {
    const counts = await store.hourCounts(period.bucket);
    const placements = Object.entries(counts).map(([placementKey, requests]) => ({ placementKey, requests: Number(requests) }));
    if (placements.length === 0) {
      logger.warn({ period: period.member }, 'opportunity counts of a pending hour are gone (expired?); nothing to roll up');
      return 'dropped';
    }
    for (const chunk of opportunityHourChunks(placements)) {
      const result = await dataApi.opportunities.ingestHour({ hour: period.hour, placements: chunk });
      summary.placements += chunk.length;
      summary.stored += result.stored;
      noteUnknown(result.unknownPlacementKeys);
      if (result.unknownPlacementKeys.length > 0) {
        logger.warn(
          { period: period.member, unknownPlacementKeys: result.unknownPlacementKeys.slice(0, UNKNOWN_KEY_LIMIT) },
          'opportunity counts of placement keys no placement has: not stored',
        );
      }
    }
    summary.hours += 1;
    return 'stored';
  }

  async function rollDay(period: Extract<OpportunityPeriod, { kind: 'day' }>): Promise<PeriodOutcome> {
    const [read, dayRequests] = await Promise.all([store.daySample(period.bucket), store.dayRequests(period.hourBuckets)]);
    if (read.size === 0) {
      logger.warn({ period: period.member }, 'the sample of a pending day is gone (expired?); nothing to roll up');
      return 'dropped';
    }
    const sample: OpportunitySample[] = [];
    let malformed = 0;
    for (const member of read.members) {
      let parsed: ReturnType<typeof forecast.opportunitySample.safeParse> | undefined;
      try {
        parsed = forecast.opportunitySample.safeParse(JSON.parse(member.json));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success === true) {
        sample.push(parsed.data);
        continue;
      }
      malformed += 1;
      if (malformed <= MALFORMED_LOG_LIMIT) {
        logger.error(
          { period: period.member, member: member.json.slice(0, 500), problem: parsed?.error.issues.slice(0, 3) ?? 'not JSON' },
          'opportunity sample member is not an OpportunitySample; left out of the day',
        );
      }
    }
    summary.malformedSampleEntries += malformed;
    const highest = read.members.at(-1)?.priority;
    const sampleThreshold = opportunitySampleThreshold(read.size, dayRequests, highest);
    const result = await dataApi.opportunities.ingestDay({ day: period.day, sampleThreshold, sample });
    summary.sampleEntries += sample.length;
    summary.stored += result.stored;
    noteUnknown(result.unknownPlacementKeys);
    logger.info(
      { period: period.member, sample: sample.length, sampleSize: read.size, dayRequests, sampleThreshold, malformed },
      'opportunity day rolled up',
    );
    summary.days += 1;
    return 'stored';
  }

  async function roll(entry: PendingOpportunity, period: OpportunityPeriod): Promise<PeriodOutcome> {
    try {
      return period.kind === 'hour' ? await rollHour(period) : await rollDay(period);
    } catch (error) {
      if (error instanceof InvalidParamsError) {
        // The same payload would be refused on every run: log it all and let the period go.
        logger.error(
          { period: period.member, lastFlush: Number(entry.score), issues: error.issues.slice(0, ISSUE_LOG_LIMIT), message: error.message },
          'ads-data-api refused an opportunity period; removed from pending without being stored',
        );
        summary.refused += 1;
        return 'refused';
      }
      const code = error instanceof RpcError ? error.code : 'INTERNAL';
      throw new DataApiCallError(
        `opportunities ingest of ${period.member} failed (${code}): ${(error as Error).message}; it stays pending and rolls up on the next run`,
        code,
        { cause: error },
      );
    }
  }

  for (const entry of pending) {
    if (hooks.signal?.aborted === true) {
      summary.stoppedBy = 'shutdown';
      break;
    }
    const period = parseOpportunityPeriod(entry.member);
    if (period === undefined) {
      logger.error({ member: entry.member }, 'opportunity pending member names no hour or day; removed');
      summary.dropped += 1;
      await store.removeIfUnchanged(entry);
      continue;
    }
    if (!isOpportunityPeriodSettled(period, now)) {
      summary.open += 1;
      continue;
    }
    const outcome = await roll(entry, period);
    if (outcome === 'dropped') summary.dropped += 1;
    if (!(await store.removeIfUnchanged(entry))) {
      summary.flushedMeanwhile += 1;
      logger.info({ period: period.member }, 'a flush touched this opportunity period during its roll-up; it rolls up again');
    }
    await hooks.onProgress?.({ ...summary });
  }
  return summary;
}
