import { RedisKeys } from '@ads/ads-client';
import { connectRedis } from '@ads/ads-client/service';
import cron from 'node-cron';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { QueueName } from '../domain/job-catalogue';
import { type ScheduleEntry, schedulePlan } from '../domain/schedule-plan';
import { closeJobQueues, defaultJobOptions, type JobQueues, openJobQueues } from '../store/job-queues';

/** The parts of a job scheduler that decide what it fires and when, in a comparable form. */
function schedulerShape(value: {
  pattern?: string | undefined;
  tz?: string | undefined;
  name: string;
  data: unknown;
  opts: unknown;
}): string {
  const sorted = (input: unknown): unknown =>
    Array.isArray(input)
      ? input.map(sorted)
      : input !== null && typeof input === 'object'
        ? Object.fromEntries(
            Object.entries(input)
              .filter(([, entry]) => entry !== undefined)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([key, entry]) => [key, sorted(entry)]),
          )
        : input;
  return JSON.stringify(sorted({ pattern: value.pattern, tz: value.tz, name: value.name, data: value.data ?? {}, opts: value.opts ?? {} }));
}

/**
 * Makes the queues' job schedulers match the plan: creates missing ones, updates changed ones,
 * removes ones no longer planned, and leaves matching ones alone. Leaving them alone matters:
 * BullMQ's upsert replaces the scheduler's next job, and an upsert landing on the very moment a
 * run is due drops that run (checked on BullMQ 6.7). So any number of scheduler instances can
 * reconcile at any time, and each run still fires once.
 */
export async function reconcileSchedules(
  queues: JobQueues,
  plan: readonly ScheduleEntry[],
  options: ReturnType<typeof defaultJobOptions>,
  logger: Logger,
): Promise<number> {
  let changed = 0;
  for (const entry of plan) {
    const queue = queues[entry.queue];
    const existing = await queue.getJobScheduler(entry.schedulerId);
    const wanted = { pattern: entry.pattern, tz: entry.timeZone, name: entry.jobName, data: entry.data, opts: options };
    if (
      existing !== undefined &&
      schedulerShape({ ...existing, data: existing.template?.data, opts: existing.template?.opts }) === schedulerShape(wanted)
    )
      continue;
    await queue.upsertJobScheduler(
      entry.schedulerId,
      { pattern: entry.pattern, tz: entry.timeZone },
      { name: entry.jobName, data: entry.data, opts: options },
    );
    changed += 1;
    logger.info(
      { queue: entry.queue, schedulerId: entry.schedulerId, pattern: entry.pattern, created: existing === undefined },
      'job scheduler registered',
    );
  }
  for (const [name, queue] of Object.entries(queues) as [QueueName, JobQueues[QueueName]][]) {
    const planned = new Set(plan.filter((entry) => entry.queue === name).map((entry) => entry.schedulerId));
    for (const existing of await queue.getJobSchedulers(0, -1)) {
      const id = existing.id ?? existing.key;
      if (!planned.has(id)) {
        await queue.removeJobScheduler(id);
        changed += 1;
        logger.info({ queue: name, schedulerId: id }, 'removed a job scheduler no longer configured');
      }
    }
  }
  return changed;
}

/**
 * `scheduler`: registers the configured schedules as BullMQ job schedulers and keeps them
 * registered. With --once (a deploy step) it fails fast when Redis is away (a `command`
 * connection); otherwise it waits for Redis like a worker.
 */
export async function runSchedulerCommand(settings: Config, logger: Logger, options: { once: boolean }): Promise<void> {
  const redis = await connectRedis(options.once ? 'command' : 'worker', {
    url: settings.redisUrl,
    name: 'ads-data-import:scheduler',
    logger,
  });
  const queues = openJobQueues(redis, settings.redisKeyPrefix, settings.jobs);
  const plan = schedulePlan(settings.schedules);
  const jobOptions = defaultJobOptions(settings.jobs);
  const prefix = new RedisKeys(settings.redisKeyPrefix).queuePrefix;

  await reconcileSchedules(queues, plan, jobOptions, logger);
  logger.info(
    { prefix, schedules: plan.map((entry) => ({ id: entry.schedulerId, job: entry.jobName, pattern: entry.pattern, tz: entry.timeZone })) },
    'job schedulers registered',
  );
  if (options.once) {
    await closeJobQueues(queues);
    await redis.quit();
    return;
  }

  // Re-asserting the schedules now and then restores them if someone removed them by hand.
  const refresh =
    settings.chores.schedulerRefresh === undefined
      ? undefined
      : cron.schedule(
          settings.chores.schedulerRefresh,
          async () => {
            try {
              await reconcileSchedules(queues, plan, jobOptions, logger);
              logger.debug('job schedulers re-asserted');
            } catch (error) {
              logger.error({ err: error }, 'could not re-assert the job schedulers');
            }
          },
          { name: 'scheduler-refresh', noOverlap: true },
        );
  let stopping = false;
  const stop = async (signalName: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal: signalName }, 'scheduler stopping (the schedules stay registered)');
    await refresh?.destroy();
    await closeJobQueues(queues);
    await redis.quit();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
