import { RedisKeys, type RedisClient } from '@ads/ads-client';
import { ServiceError, connectRedis, openRedis, printJsonLine } from '@ads/ads-client/service';
import { QueueEvents } from 'bullmq';
import type { Logger } from 'pino';
import type { FeedImportSummary } from '../app/feed-import-job';
import { type JobProgressReport, runJob } from '../app/run-job';
import type { Config } from '../config';
import { JOB_CATALOGUE, JOB_NAMES, type JobName, isJobName, isPlatformCommand, parseJobData } from '../domain/job-catalogue';
import { DataImportError, JobInvalidError, isDataImportErrorCode } from '../errors';
import { createDataApiClient, createDataApiImportClient } from '../store/data-api-client';
import { closeJobQueues, openJobQueues } from '../store/job-queues';
import { type ProgressDisplay, createProgressDisplay } from './progress-display';

export interface EnqueueOptions {
  source?: string;
  format?: string;
  arg?: string[];
  attempts: number;
  local: boolean;
  wait: boolean;
  timeout: number;
  json: boolean;
}

/** The job data the command line asks for; options that do not belong to the job are refused. */
export function jobDataFromOptions(
  job: string,
  options: Pick<EnqueueOptions, 'source' | 'format' | 'arg'>,
): { name: JobName; data: Record<string, unknown> } {
  if (!isJobName(job)) throw new JobInvalidError(`unknown job "${job}"; jobs: ${JOB_NAMES.join(', ')}`);
  const data: Record<string, unknown> = {};
  if (job === 'feed-import') {
    if (options.source !== undefined) data.source = options.source;
    if (options.format !== undefined) data.format = options.format;
  } else if (options.source !== undefined || options.format !== undefined) {
    throw new JobInvalidError(`--source and --format belong to feed-import, not ${job}`);
  }
  if (isPlatformCommand(job)) data.args = options.arg ?? [];
  else if (options.arg !== undefined && options.arg.length > 0)
    throw new JobInvalidError(`--arg belongs to the platform commands, not ${job}`);
  const parsed = parseJobData(job, data);
  if (!parsed.ok) throw new JobInvalidError(`${job}: ${parsed.problem.replace(/^source /, '--source ').replace(/^format /, '--format ')}`);
  return { name: job, data: parsed.data };
}

/** What the command is given by the entry point. */
export interface EnqueueDependencies {
  settings: Config;
  logger: Logger;
}

/**
 * `enqueue <job>`: runs a job now, through the queue (a worker picks it up; the command follows
 * its progress) or with --local in this process. Throws the job's failure, so the command
 * ends with its exit code; a feed import that refused rows ends FEED_ROWS_REFUSED (exit 7).
 */
export async function runEnqueueCommand(job: string, options: EnqueueOptions, { settings, logger }: EnqueueDependencies): Promise<void> {
  const { name, data } = jobDataFromOptions(job, options);
  // --json: the job's events go to stderr as JSON lines and stdout gets one document at the end.
  const display = createProgressDisplay({ interactive: process.stderr.isTTY === true && !options.json, json: options.json });
  const redis = await connectRedis('command', { url: settings.redisUrl, name: 'ads-data-import:enqueue', logger });
  const keys = new RedisKeys(settings.redisKeyPrefix);
  try {
    const { jobId, result } = options.local
      ? await runHere(name, data, { settings, logger, redis, keys, display })
      : await runThroughQueue(name, data, options, { settings, logger, redis, keys, display });
    if (result !== undefined) checkFeedImportResult(name, result);
    if (options.json) printJsonLine({ ok: true, job: name, jobId, waited: result !== undefined, result });
  } finally {
    await redis.quit();
  }
}

/** The job's id in its queue (none for --local) and its result (none when not waited for). */
interface JobOutcome {
  jobId: string | undefined;
  result: unknown;
}

interface Running {
  settings: Config;
  logger: Logger;
  redis: RedisClient;
  keys: RedisKeys;
  display: ProgressDisplay;
}

/** `--local`: the job runs in this process. */
async function runHere(
  name: JobName,
  data: Record<string, unknown>,
  { settings, logger, redis, keys, display }: Running,
): Promise<JobOutcome> {
  const dataApi = createDataApiClient(settings.dataApi);
  const importApi = createDataApiImportClient(settings.dataApi);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  display.enqueued(name, undefined, 'local');
  try {
    const result = await runJob({ config: settings, logger, redis, keys, dataApi, importApi }, name, data, {
      signal: abort.signal,
      onProgress: (progress) => display.progress(progress),
    });
    display.completed(result);
    return { jobId: undefined, result };
  } catch (error) {
    display.failed(
      error instanceof ServiceError ? (error as ServiceError).code : undefined,
      error instanceof Error ? error.message : String(error),
    );
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all([dataApi.$close(), importApi.$close()]);
  }
}

/** The job goes to its queue; a worker runs it, and unless --no-wait the command follows it. */
async function runThroughQueue(
  name: JobName,
  data: Record<string, unknown>,
  options: EnqueueOptions,
  { settings, logger, redis, keys, display }: Running,
): Promise<JobOutcome> {
  const queues = openJobQueues(redis, settings.redisKeyPrefix, settings.jobs);
  const queueName = JOB_CATALOGUE[name].queue;
  // QueueEvents reads with blocking commands: a connection of the worker role, closed below
  // (BullMQ leaves a connection it was given open).
  const eventsConnection = options.wait
    ? openRedis('worker', { url: settings.redisUrl, name: 'ads-data-import:enqueue-events', logger })
    : undefined;
  const events =
    eventsConnection === undefined ? undefined : new QueueEvents(queueName, { connection: eventsConnection, prefix: keys.queuePrefix });
  try {
    await events?.waitUntilReady();
    const added = await queues[queueName].add(name, data, { attempts: options.attempts });
    display.enqueued(name, added.id, 'queue');
    if (events === undefined) return { jobId: added.id, result: undefined };
    events.on('progress', ({ jobId, data: progress }) => {
      if (jobId === added.id && typeof progress === 'object' && progress !== null)
        display.progress(progress as unknown as JobProgressReport);
    });
    let result: unknown;
    try {
      result = await added.waitUntilFinished(events, options.timeout);
    } catch (error) {
      const failure = failureOfReason(error instanceof Error ? error.message : String(error));
      display.failed(failure.code, failure.message);
      throw failure;
    }
    display.completed(result);
    return { jobId: added.id, result };
  } finally {
    await events?.close();
    await eventsConnection?.quit();
    await closeJobQueues(queues);
  }
}

/**
 * The failure a worker stored for a job, as an error of the catalogue: the worker writes a
 * failure of ads-data-import as `<CODE>: <message>`; anything else is JOB_FAILED.
 */
export function failureOfReason(reason: string): DataImportError {
  const match = /^([A-Z][A-Z_]+): ([\s\S]*)$/.exec(reason);
  if (match !== null && isDataImportErrorCode(match[1]!)) return new DataImportError(match[1], match[2]!);
  return new DataImportError('JOB_FAILED', reason);
}

/** A feed import that completed but refused rows is no success for whoever ran it. */
function checkFeedImportResult(name: JobName, result: unknown): void {
  if (name !== 'feed-import') return;
  const summary = result as Partial<FeedImportSummary>;
  if (summary.status === 'succeeded') return;
  throw new DataImportError(
    'FEED_ROWS_REFUSED',
    `the import of ${summary.source ?? 'the feed'} ended ${summary.status ?? 'without a status'}: ${summary.failed ?? '?'} of ${summary.total ?? '?'} rows refused (import run ${summary.runId ?? '?'})`,
  );
}
