import { RedisKeys } from '@ads/ads-client';
import { QueueEvents } from 'bullmq';
import { config } from '../config';
import { JOB_CATALOGUE, JOB_NAMES, type JobName, isJobName, isPlatformCommand, parseJobData } from '../domain/job-catalogue';
import { JobInvalidError } from '../errors';
import { type JobProgressReport, runJob } from '../jobs/job-runner';
import { createLogger } from '../logger';
import { createDataApiClient, createDataApiImportClient } from '../store/data-api-client';
import { closeJobQueues, openJobQueues } from '../store/job-queues';
import { connectRedis } from '../store/redis-connection';
import { createProgressDisplay } from './progress-display';

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
export function jobDataFromOptions(job: string, options: Pick<EnqueueOptions, 'source' | 'format' | 'arg'>): { name: JobName; data: Record<string, unknown> } {
  if (!isJobName(job)) throw new JobInvalidError(`unknown job "${job}"; jobs: ${JOB_NAMES.join(', ')}`);
  const data: Record<string, unknown> = {};
  if (job === 'feed-import') {
    if (options.source !== undefined) data.source = options.source;
    if (options.format !== undefined) data.format = options.format;
  } else if (options.source !== undefined || options.format !== undefined) {
    throw new JobInvalidError(`--source and --format belong to feed-import, not ${job}`);
  }
  if (isPlatformCommand(job)) data.args = options.arg ?? [];
  else if (options.arg !== undefined && options.arg.length > 0) throw new JobInvalidError(`--arg belongs to the platform commands, not ${job}`);
  const parsed = parseJobData(job, data);
  if (!parsed.ok) throw new JobInvalidError(`${job}: ${parsed.problem.replace(/^source /, '--source ').replace(/^format /, '--format ')}`);
  return { name: job, data: parsed.data };
}

/**
 * `enqueue <job>`: runs a job now, through the queue (a worker picks it up; the command follows
 * its progress) or with --local in this process. Exits non-zero when the job fails.
 */
export async function runEnqueueCommand(job: string, options: EnqueueOptions): Promise<number> {
  const { name, data } = jobDataFromOptions(job, options);
  const settings = config();
  const display = createProgressDisplay({ interactive: process.stderr.isTTY === true && !options.json });
  const redis = connectRedis(settings.redisUrl, 'ads-data-import:enqueue');
  const keys = new RedisKeys(settings.redisKeyPrefix);
  try {
    if (options.local) {
      const logger = createLogger(settings.logLevel === 'info' ? 'warn' : settings.logLevel, 'enqueue');
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
        return 0;
      } catch (error) {
        display.failed(`${(error as { code?: string }).code ?? (error as Error).name}: ${(error as Error).message}`);
        return 1;
      } finally {
        await Promise.all([dataApi.$close(), importApi.$close()]);
      }
    }

    const queues = openJobQueues(redis, settings.redisKeyPrefix, settings.jobs);
    const queueName = JOB_CATALOGUE[name].queue;
    // BullMQ leaves a connection it was given open, so this one is closed below.
    const eventsConnection = options.wait ? redis.duplicate() : undefined;
    const events = eventsConnection === undefined ? undefined : new QueueEvents(queueName, { connection: eventsConnection, prefix: keys.queuePrefix });
    try {
      await events?.waitUntilReady();
      const added = await queues[queueName].add(name, data, { attempts: options.attempts });
      display.enqueued(name, added.id, 'queue');
      if (events === undefined) return 0;
      events.on('progress', ({ jobId, data: progress }) => {
        if (jobId === added.id && typeof progress === 'object' && progress !== null) display.progress(progress as unknown as JobProgressReport);
      });
      try {
        const result: unknown = await added.waitUntilFinished(events, options.timeout);
        display.completed(result);
        return 0;
      } catch (error) {
        display.failed((error as Error).message);
        return 1;
      }
    } finally {
      await events?.close();
      await eventsConnection?.quit();
      await closeJobQueues(queues);
    }
  } finally {
    await redis.quit();
  }
}
