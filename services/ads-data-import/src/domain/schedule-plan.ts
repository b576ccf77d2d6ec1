import { createHash } from 'node:crypto';
import { JOB_CATALOGUE, type JobName, type QueueName } from './job-catalogue';

/** One feed imported on the nightly schedule (FEED_SOURCES). */
export interface FeedSourceSetting {
  source: string;
  format?: 'csv' | 'json' | 'jsonl' | undefined;
}

/** What the schedules are: cron expressions (undefined: off) in one time zone. */
export interface ScheduleSettings {
  timeZone: string;
  rollup: string | undefined;
  opportunityRollup: string | undefined;
  feedImport: string | undefined;
  feedSources: FeedSourceSetting[];
  cacheWarming: string | undefined;
  timeseriesWarming: string | undefined;
  adsScoring: string | undefined;
}

/** One cluster-wide schedule: a BullMQ job scheduler firing `jobName` on `pattern`. */
export interface ScheduleEntry {
  /** The job scheduler id: stable, so every scheduler instance upserts the same scheduler. */
  schedulerId: string;
  queue: QueueName;
  jobName: JobName;
  pattern: string;
  timeZone: string;
  data: Record<string, unknown>;
}

/**
 * The schedules a configuration asks for: the two roll-ups, one nightly import per feed source (so
 * that one bad feed retries alone), and the warming and scoring commands when configured.
 */
export function schedulePlan(schedules: ScheduleSettings): ScheduleEntry[] {
  const entry = (schedulerId: string, jobName: JobName, pattern: string, data: Record<string, unknown>): ScheduleEntry => ({
    schedulerId,
    queue: JOB_CATALOGUE[jobName].queue,
    jobName,
    pattern,
    timeZone: schedules.timeZone,
    data,
  });
  const plan: ScheduleEntry[] = [];
  if (schedules.rollup !== undefined) plan.push(entry('rollup', 'rollup', schedules.rollup, {}));
  if (schedules.opportunityRollup !== undefined)
    plan.push(entry('opportunity-rollup', 'opportunity-rollup', schedules.opportunityRollup, {}));
  if (schedules.feedImport !== undefined) {
    for (const feed of schedules.feedSources) {
      const digest = createHash('sha256')
        .update(`${feed.source}\u0000${feed.format ?? ''}`)
        .digest('hex')
        .slice(0, 16);
      plan.push(
        entry(
          `feed-import:${digest}`,
          'feed-import',
          schedules.feedImport,
          feed.format === undefined ? { source: feed.source } : { ...feed },
        ),
      );
    }
  }
  if (schedules.cacheWarming !== undefined) plan.push(entry('cache-warming', 'cache-warming', schedules.cacheWarming, { args: [] }));
  if (schedules.timeseriesWarming !== undefined)
    plan.push(entry('timeseries-warming', 'timeseries-warming', schedules.timeseriesWarming, { args: [] }));
  if (schedules.adsScoring !== undefined) plan.push(entry('ads-scoring', 'ads-scoring', schedules.adsScoring, { args: [] }));
  return plan;
}
