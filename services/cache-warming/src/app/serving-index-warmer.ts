import { ServingIndexStore, encodeServingIndex, type RedisKeys, type RedisClient } from '@ads/ads-client';
import { isServiceError, type DataApiReader } from '@ads/ads-client/service';
import type { Logger } from 'pino';
import { newIndexVersionId } from '../domain/index-version';
import { ServingIndexBuilder, type BuildCounts } from '../domain/serving-index-builder';
import { CacheWarmingError } from '../errors';
import { readLiveSpend } from '../store/live-spend-reader';

/**
 * How a warm ended: `published` (the version is current), `stale` (written but refused: the
 * current version was built from a newer snapshot, by an overlapping run; it stays current
 * and this version expires), `dry-run` (nothing written).
 */
export type WarmOutcome = 'published' | 'stale' | 'dry-run';

/** What one warm did (also the `--json` output). */
export interface WarmSummary {
  runId: string;
  outcome: WarmOutcome;
  dryRun: boolean;
  /** The version written, or that would have been written on a dry run. */
  version: string;
  /** The Redis hash that holds (or would hold) the version. */
  key: string;
  /** The version it replaced, or on a dry run the current one it would replace (null for the first version, or when stale). */
  previous: string | null;
  /** The version scheduled to expire (this very version when stale). */
  expired: string | null;
  /** When stale: the current version that stays, and the asOf of its snapshot. */
  supersededBy: { version: string; asOf: string } | null;
  asOf: string;
  builtAt: string;
  counts: BuildCounts;
  chunks: number;
  bytes: number;
  placements: { key: string; sponsorship: number; standard: number; house: number }[];
  readMs: number;
  writeMs: number;
}

/** Callbacks for a progress display. */
export interface WarmProgress {
  page(counts: BuildCounts, more: boolean): void;
  writing(fields: number): void;
}

export interface WarmerDependencies {
  /** ads-data-api; its failures come out as DATA_API_UNAVAILABLE, DATA_API_REFUSED or DATA_API_ANSWER_INVALID. */
  dataApi: Pick<DataApiReader, 'call'>;
  redis: RedisClient;
  keys: RedisKeys;
  logger: Logger;
  pageSize: number;
  retainMs: number;
}

/**
 * One warm: read every snapshot page, build the index, write it as a new version, flip the
 * pointer. A failure anywhere before the flip leaves the current version untouched (the
 * half-written version expires on its own).
 */
export class ServingIndexWarmer {
  private readonly store: ServingIndexStore;

  constructor(private readonly deps: WarmerDependencies) {
    this.store = new ServingIndexStore(deps.redis, deps.keys);
  }

  async warm(options: { runId: string; dryRun: boolean; progress?: WarmProgress; nowMs?: number }): Promise<WarmSummary> {
    const { logger } = this.deps;
    const started = Date.now();
    const nowMs = options.nowMs ?? started;
    const builder = new ServingIndexBuilder(nowMs);
    let cursor: string | undefined;
    do {
      const page = await this.snapshotPage(cursor);
      const liveSpend = await this.redisStep('read the live spend counters', () =>
        readLiveSpend(
          this.deps.redis,
          this.deps.keys,
          page.campaigns.map((campaign) => campaign.id),
        ),
      );
      builder.addPage(page, (id) => liveSpend.get(id) ?? 0);
      cursor = page.nextCursor ?? undefined;
      options.progress?.page(builder.counts, cursor !== undefined);
      logger.debug({ runId: options.runId, pages: builder.counts.pages, campaigns: builder.counts.campaigns }, 'snapshot page read');
    } while (cursor !== undefined);
    const readDone = Date.now();
    const version = newIndexVersionId(nowMs);
    const parts = builder.finish(version, new Date().toISOString());
    const placements = parts.placements.map((placement) => ({
      key: placement.key,
      sponsorship: placement.candidates.sponsorship.length,
      standard: placement.candidates.standard.length,
      house: placement.candidates.house.length,
    }));
    let outcome: WarmOutcome = 'dry-run';
    let previous: string | null = null;
    let expired: string | null = null;
    let supersededBy: WarmSummary['supersededBy'] = null;
    let chunks: number;
    let bytes: number;
    if (options.dryRun) {
      const encoded = encodeServingIndex(parts);
      chunks = encoded.meta.chunks;
      bytes = encoded.bytes;
      previous = await this.redisStep('read the current version', () => this.store.currentVersion());
    } else {
      const encoded = await this.redisStep('write the index version', async () => {
        options.progress?.writing(parts.campaigns.length);
        return this.store.write(parts);
      });
      chunks = encoded.meta.chunks;
      bytes = encoded.bytes;
      const flip = await this.redisStep('publish the index version', () => this.store.publish(version, { retainMs: this.deps.retainMs }));
      expired = flip.expired;
      if (flip.outcome === 'stale') {
        outcome = 'stale';
        supersededBy = { version: flip.current, asOf: flip.currentAsOf };
      } else {
        outcome = 'published';
        previous = flip.previous;
      }
    }
    const summary: WarmSummary = {
      runId: options.runId,
      outcome,
      dryRun: options.dryRun,
      version,
      key: this.deps.keys.indexVersion(version),
      previous,
      expired,
      supersededBy,
      asOf: parts.asOf,
      builtAt: parts.builtAt,
      counts: { ...builder.counts },
      chunks,
      bytes,
      placements,
      readMs: readDone - started,
      writeMs: Date.now() - readDone,
    };
    const logged = { ...summary, placements: placements.length };
    if (outcome === 'stale') {
      // Not a failure: an overlapping run published newer inventory, which serving keeps.
      logger.warn(logged, 'index version not published: the current version was built from a newer snapshot and stays current');
    } else {
      logger.info(logged, outcome === 'dry-run' ? 'index built (dry run, nothing written)' : 'index version published');
    }
    return summary;
  }

  private async snapshotPage(cursor: string | undefined) {
    const limit = this.deps.pageSize;
    return this.deps.dataApi.call(cursor === undefined ? 'inventory.snapshot' : `inventory.snapshot (cursor ${cursor})`, (client) =>
      client.inventory.snapshot(cursor === undefined ? { limit } : { cursor, limit }),
    );
  }

  private async redisStep<T>(what: string, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (isServiceError(error)) throw error;
      const connection = this.deps.redis.status !== 'ready';
      throw new CacheWarmingError(
        connection ? 'REDIS_UNAVAILABLE' : 'INDEX_WRITE_FAILED',
        `could not ${what}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
