import type { RedisKeys, RedisClient } from '@ads/ads-client';
import type { Config } from '../config';
import { type JobName, isPlatformCommand, parseJobData } from '../domain/job-catalogue';
import { JobInvalidError } from '../errors';
import type { FeedFormat } from '../store/feed-source';
import type { Logger } from 'pino';
import type { DataApiClient } from '../store/data-api-client';
import { runFeedImport } from './feed-import-job';
import { runOpportunityRollup } from './opportunity-rollup-job';
import { runPlatformCommand } from './platform-command-job';
import { runRollup } from './rollup-job';

/** What every job needs from the process running it. */
export interface JobContext {
  config: Config;
  logger: Logger;
  redis: RedisClient;
  keys: RedisKeys;
  /** The service key's client: the roll-ups. */
  dataApi: DataApiClient;
  /** The importer key's client: feed imports. */
  importApi: DataApiClient;
}

/** Progress of any job, as stored on the BullMQ job and shown by `enqueue`. */
export interface JobProgressReport {
  phase: string;
  done: number;
  /** Null while the amount of work is not known (a streamed feed). */
  total: number | null;
  unit: string;
  detail: Record<string, unknown>;
}

export interface JobHooks {
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: JobProgressReport) => void | Promise<void>) | undefined;
}

/** Runs one job by name, in this process; the worker and `enqueue --local` both come here. */
export async function runJob(context: JobContext, name: JobName, data: unknown, hooks: JobHooks = {}): Promise<unknown> {
  const parsed = parseJobData(name, data);
  if (!parsed.ok) throw new JobInvalidError(`job ${name}: ${parsed.problem}`);
  const logger = context.logger;
  if (name === 'rollup') {
    return runRollup(
      { redis: context.redis, keys: context.keys, dataApi: context.dataApi, logger, settings: context.config.rollup },
      {
        signal: hooks.signal,
        onProgress: (summary) =>
          hooks.onProgress?.({
            phase: 'draining',
            done: summary.events + summary.duplicates + summary.malformed,
            total: summary.backlogAtStart,
            unit: 'events',
            detail: { ...summary },
          }),
      },
    );
  }
  if (name === 'opportunity-rollup') {
    return runOpportunityRollup(
      { redis: context.redis, keys: context.keys, dataApi: context.dataApi, logger },
      {
        signal: hooks.signal,
        onProgress: (summary) =>
          hooks.onProgress?.({
            phase: 'rolling up',
            done: summary.hours + summary.days + summary.refused + summary.dropped,
            total: summary.settled,
            unit: 'periods',
            detail: { ...summary },
          }),
      },
    );
  }
  if (name === 'feed-import') {
    const request = parsed.data as { source: string; format?: FeedFormat };
    return runFeedImport({ dataApi: context.importApi, logger, settings: context.config.feed }, request, {
      signal: hooks.signal,
      onProgress: (progress) =>
        hooks.onProgress?.({ phase: progress.phase, done: progress.rowsRead, total: null, unit: 'rows', detail: { ...progress } }),
    });
  }
  if (isPlatformCommand(name)) {
    const { args } = parsed.data as { args: string[] };
    return runPlatformCommand(context.config.commands, logger, name, args, {
      signal: hooks.signal,
      onProgress: (progress) =>
        hooks.onProgress?.({ phase: progress.phase, done: progress.lines, total: null, unit: 'output lines', detail: { ...progress } }),
    });
  }
  throw new JobInvalidError(`unknown job ${String(name)}`);
}
