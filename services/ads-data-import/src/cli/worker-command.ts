import type { Server } from 'node:http';
import { EventsStreamStore, RedisKeys } from '@ads/ads-client';
import { connectRedis } from '@ads/ads-client/service';
import { type Job, type Processor, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { type JobContext, runJob } from '../app/run-job';
import type { Config } from '../config';
import { isUnspecifiedHost } from '../domain/host-pattern';
import { QUEUE_NAMES, type QueueName, isJobName } from '../domain/job-catalogue';
import { ROLLUP_CONSUMER_GROUP } from '../domain/rollup-consumer-group';
import { DataImportError, FeedFormatError, FeedSourceRefusedError, JobInvalidError } from '../errors';
import { checkDashboardExposure, createDashboardApp } from '../http/dashboard-server';
import { createDataApiClient, createDataApiImportClient } from '../store/data-api-client';
import { closeJobQueues, openJobQueues } from '../store/job-queues';

/** How many jobs of each queue one worker process runs at a time. */
const CONCURRENCY: Record<QueueName, number> = {
  // One drain per process; its consumers run in parallel inside the job.
  [QUEUE_NAMES.rollup]: 1,
  [QUEUE_NAMES.feedImport]: 1,
  [QUEUE_NAMES.platformCommands]: 2,
};

/** Errors that no retry can fix: the job fails at once instead of backing off. */
function isPermanent(error: unknown): boolean {
  return error instanceof JobInvalidError || error instanceof FeedFormatError || error instanceof FeedSourceRefusedError;
}

/**
 * The error BullMQ stores as the job's failure reason: a failure of the catalogue as
 * `<CODE>: <message>` (so `enqueue` ends with its exit code), without retries when none can help.
 */
function failureToStore(error: unknown): Error {
  if (!(error instanceof DataImportError)) return error instanceof Error ? error : new Error(String(error));
  const reason = `${error.code}: ${error.message}`;
  return isPermanent(error) ? new UnrecoverableError(reason) : new DataImportError(error.code, reason, { cause: error });
}

/** `worker`: runs the BullMQ workers of every queue and serves the dashboard until SIGTERM. */
export async function runWorkerCommand(settings: Config, logger: Logger): Promise<void> {
  const access = { password: settings.dashboardPassword, listenHost: settings.workerHost, publicHosts: settings.dashboardPublicHosts };
  // Before anything opens: a refused start must exit, not hang on open connections.
  checkDashboardExposure(access);
  const keys = new RedisKeys(settings.redisKeyPrefix);
  const redis = await connectRedis('worker', { url: settings.redisUrl, name: 'ads-data-import:worker', logger });
  const dataApi = createDataApiClient(settings.dataApi);
  const importApi = createDataApiImportClient(settings.dataApi);
  const context: JobContext = { config: settings, logger, redis, keys, dataApi, importApi };
  const queues = openJobQueues(redis, settings.redisKeyPrefix, settings.jobs);

  const processor: Processor = async (job: Job, token?: string, signal?: AbortSignal) => {
    const jobLogger = logger.child({ jobId: job.id, job: job.name, queue: job.queueName, attempt: job.attemptsMade + 1 });
    if (!isJobName(job.name)) throw new UnrecoverableError(`unknown job "${job.name}"`);
    jobLogger.info('job started');
    try {
      const result = await runJob({ ...context, logger: jobLogger }, job.name, job.data, {
        signal,
        onProgress: (progress) => job.updateProgress({ ...progress }),
      });
      jobLogger.info({ result }, 'job completed');
      return result;
    } catch (error) {
      if (error instanceof DataImportError && error.code === 'SHUTTING_DOWN' && token !== undefined) {
        jobLogger.warn('worker shutting down: job returned to the queue');
        await job.moveToWait(token);
        throw new WaitingError();
      }
      jobLogger.error({ err: error, code: error instanceof DataImportError ? error.code : undefined }, 'job failed');
      throw failureToStore(error);
    }
  };

  const stream = new EventsStreamStore(redis, keys, ROLLUP_CONSUMER_GROUP);
  let workers: Worker[] = [];
  const app = createDashboardApp(Object.values(queues), access, async () => {
    const pong = await redis.ping();
    const running = workers.length > 0 && workers.every((worker) => worker.isRunning());
    return {
      ok: pong === 'PONG' && running && !shuttingDown,
      detail: { redis: pong === 'PONG' ? 'up' : 'down', workers: running ? 'running' : 'stopped', shuttingDown },
    };
  });
  // Listening first: a port already taken fails the start before any job is taken, instead of
  // leaving workers running with no /healthz and no shutdown handling.
  let server: Server;
  try {
    server = await new Promise((resolve, reject) => {
      const listening = app.listen(settings.workerPort, settings.workerHost, (error?: Error) =>
        error === undefined ? resolve(listening) : reject(error),
      );
      listening.once('error', reject);
    });
  } catch (error) {
    // Nothing else runs yet: close what is open so that the process exits.
    await closeJobQueues(queues);
    redis.disconnect();
    throw new DataImportError(
      'PORT_UNAVAILABLE',
      `cannot listen on WORKER_HOST ${settings.workerHost} WORKER_PORT ${settings.workerPort}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  workers = (Object.keys(CONCURRENCY) as QueueName[]).map(
    (name) => new Worker(name, processor, { connection: redis, prefix: keys.queuePrefix, concurrency: CONCURRENCY[name], autorun: true }),
  );
  for (const worker of workers) {
    worker.on('error', (error) => logger.error({ err: error, queue: worker.name }, 'worker error'));
  }
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : settings.workerPort;
  const shownHost = isUnspecifiedHost(settings.workerHost)
    ? '127.0.0.1'
    : settings.workerHost.includes(':') && !settings.workerHost.startsWith('[')
      ? `[${settings.workerHost}]`
      : settings.workerHost;
  logger.info(
    {
      host: settings.workerHost,
      port,
      dashboard: `http://${shownHost}:${port}/queues`,
      queues: Object.keys(queues),
      prefix: keys.queuePrefix,
    },
    'worker ready',
  );

  // Per-process chores only (node-cron): anything cluster-wide is a BullMQ job scheduler.
  const chores: ScheduledTask[] = [];
  if (settings.chores.queueDepthLog !== undefined) {
    chores.push(
      cron.schedule(
        settings.chores.queueDepthLog,
        async () => {
          try {
            const depth: Record<string, Record<string, number>> = {};
            for (const [name, queue] of Object.entries(queues))
              depth[name] = await queue.getJobCounts('wait', 'active', 'delayed', 'failed');
            logger.info({ queues: depth, eventsStream: await stream.backlog() }, 'queue depth');
          } catch (error) {
            logger.warn({ err: error }, 'could not read queue depth');
          }
        },
        { name: 'queue-depth-log', noOverlap: true },
      ),
    );
  }

  let shuttingDown = false;
  const shutdown = async (signalName: string): Promise<void> => {
    if (shuttingDown) {
      logger.warn({ signal: signalName }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal: signalName, graceMs: settings.jobs.shutdownGraceMs }, 'worker shutting down');
    for (const task of chores) await task.destroy();
    // The roll-up stops at its next batch boundary (the batch in hand is finished and acknowledged);
    // imports and commands get the grace period to finish, then go back to the queue.
    workers.find((worker) => worker.name === QUEUE_NAMES.rollup)?.cancelAllJobs('worker shutdown');
    const grace = setTimeout(() => {
      logger.warn('grace period over: returning unfinished jobs to the queue');
      for (const worker of workers) worker.cancelAllJobs('worker shutdown');
    }, settings.jobs.shutdownGraceMs);
    await Promise.all(workers.map((worker) => worker.close()));
    clearTimeout(grace);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await closeJobQueues(queues);
    await Promise.all([dataApi.$close(), importApi.$close()]);
    await redis.quit();
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
