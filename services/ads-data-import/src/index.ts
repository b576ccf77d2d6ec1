// Public surface of @ads/ads-data-import. Other services never import it (they run its commands);
// these exports are for its own tests and benchmarks.
export { loadConfig } from './config';
export type { Config, FeedSourceSetting } from './config';
export {
  DATA_IMPORT_ERRORS,
  DataImportError,
  ConfigError,
  JobInvalidError,
  FeedSourceError,
  FeedSourceRefusedError,
  FeedFormatError,
  DataApiCallError,
  CommandFailedError,
  ImportInterruptedError,
  CommandInterruptedError,
} from './errors';
export type { DataImportErrorCode } from './errors';
export { aggregateTrackingEvents } from './domain/rollup-aggregation';
export type { HourlyAdStats, RollupAggregate } from './domain/rollup-aggregation';
export { rollupBatchId } from './domain/rollup-batch-id';
export { ROLLUP_CONSUMER_GROUP } from './domain/rollup-consumer-group';
export { FEED_COLUMNS, FEED_LIST_SEPARATOR } from './domain/feed-columns';
export type { FeedColumn } from './domain/feed-columns';
export { FeedRowValidator, validateFeedRecord } from './domain/feed-row';
export type { FeedRecord, FeedRowError, ValidFeedRow } from './domain/feed-row';
export { JOB_CATALOGUE, JOB_NAMES, QUEUE_NAMES, PLATFORM_COMMANDS } from './domain/job-catalogue';
export type { JobName, QueueName, PlatformCommand } from './domain/job-catalogue';
export { schedulePlan } from './domain/schedule-plan';
export type { ScheduleEntry, ScheduleSettings } from './domain/schedule-plan';
export { runRollup } from './app/rollup-job';
export type { RollupSummary } from './app/rollup-job';
export { runFeedImport } from './app/feed-import-job';
export type { FeedImportSummary } from './app/feed-import-job';
