import { RedisKeys, type RedisClient } from '@ads/ads-client';
import { type JobsOptions, Queue } from 'bullmq';
import type { Config } from '../config';
import { QUEUE_NAMES, type QueueName } from '../domain/job-catalogue';

export type JobQueues = Record<QueueName, Queue>;

/** Retries with exponential backoff; completed and failed jobs are kept for inspection, both bounded. */
export function defaultJobOptions(jobs: Config['jobs']): JobsOptions {
  return {
    attempts: jobs.attempts,
    backoff: { type: 'exponential', delay: jobs.backoffMs },
    removeOnComplete: { count: jobs.keepCompleted },
    // Bounded too: a roll-up failing every minute through an outage must not fill Redis.
    removeOnFail: { count: jobs.keepFailed },
  };
}

/** The queues of the package, under the platform's key prefix (`<prefix>{bull}:<queue>:…`). */
export function openJobQueues(connection: RedisClient, keyPrefix: string, jobs: Config['jobs']): JobQueues {
  const prefix = new RedisKeys(keyPrefix).queuePrefix;
  const open = (name: QueueName) => new Queue(name, { connection, prefix, defaultJobOptions: defaultJobOptions(jobs) });
  return {
    [QUEUE_NAMES.rollup]: open(QUEUE_NAMES.rollup),
    [QUEUE_NAMES.feedImport]: open(QUEUE_NAMES.feedImport),
    [QUEUE_NAMES.platformCommands]: open(QUEUE_NAMES.platformCommands),
  };
}

export async function closeJobQueues(queues: JobQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}
