import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { isTimeZone, productionSecretProblems, redisUrlSetting } from '@ads/ads-client';
import { type EnvironmentVariableHelp, type LogLevel, commonSettings, logLevelFor } from '@ads/ads-client/service';
import { z } from 'zod';
import { type HostPattern, canonicalHost, parseHostPattern } from './domain/host-pattern';
import type { FeedSourceSetting, ScheduleSettings } from './domain/schedule-plan';
import { ConfigError } from './errors';

export type { FeedSourceSetting } from './domain/schedule-plan';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const cronExpression = z
  .string()
  .trim()
  .superRefine((value, context) => {
    const checked = cron.validateDetailed(value);
    if (!checked.valid) {
      const detail = checked.errors.map((error) => `${error.field}: ${error.message}`).join(', ');
      context.addIssue({
        code: 'custom',
        message: `must be a cron expression (5 fields, or 6 with seconds)${detail ? `: ${detail}` : ''}`,
      });
    }
  });
/** A schedule: the default when the variable is absent, switched off when it is set empty. */
const cronSetting = (fallback?: string) =>
  z
    .preprocess(
      (value) => (value === undefined ? (fallback ?? null) : typeof value === 'string' && value.trim() === '' ? null : value),
      cronExpression.nullable(),
    )
    .transform((value) => value ?? undefined);
const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(1).max(max).default(fallback);
const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

const feedSource = z.strictObject({
  source: z.string().trim().min(1),
  format: z.enum(['csv', 'json', 'jsonl']).optional(),
});

/**
 * FEED_SOURCES: either a JSON array (of strings or `{source, format}`), or a list separated by
 * commas, spaces or new lines. A source is a file path or an http(s) URL.
 */
const feedSources = z
  .string()
  .default('')
  .transform((text, context): FeedSourceSetting[] => {
    const trimmed = text.trim();
    if (trimmed === '') return [];
    if (trimmed.startsWith('[')) {
      let value: unknown;
      try {
        value = JSON.parse(trimmed);
      } catch (error) {
        context.addIssue({ code: 'custom', message: `is not valid JSON: ${(error as Error).message}` });
        return z.NEVER;
      }
      const parsed = z
        .array(
          z.union([
            z
              .string()
              .trim()
              .min(1)
              .transform((source) => ({ source })),
            feedSource,
          ]),
        )
        .safeParse(value);
      if (!parsed.success) {
        context.addIssue({
          code: 'custom',
          message: parsed.error.issues.map((issue) => `[${issue.path.join('.')}] ${issue.message}`).join('; '),
        });
        return z.NEVER;
      }
      return parsed.data;
    }
    return trimmed
      .split(/[\s,]+/)
      .filter((source) => source !== '')
      .map((source) => ({ source }));
  });

const urlList = z
  .string()
  .default('http://127.0.0.1:4000/rpc')
  .transform((text) =>
    text
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url !== ''),
  )
  .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/$/, ''))).min(1, 'needs at least one URL'));

/** Host names or host:port entries separated by commas (FEED_ALLOWED_HOSTS, DASHBOARD_PUBLIC_HOST). */
const hostList = z
  .string()
  .default('')
  .transform((text, context): HostPattern[] => {
    const patterns: HostPattern[] = [];
    for (const entry of text
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')) {
      const parsed = parseHostPattern(entry);
      if ('problem' in parsed) context.addIssue({ code: 'custom', message: parsed.problem });
      else patterns.push(parsed);
    }
    return patterns;
  });

const environmentSchema = z.object({
  REDIS_URL: redisUrlSetting,
  REDIS_KEY_PREFIX: commonSettings.redisKeyPrefix,
  DATA_API_URLS: urlList,
  DATA_API_TOKEN: z.string().min(1).optional(),
  // Feed imports write advertisers, campaigns and ads: an `importer` key, not the service key.
  DATA_API_IMPORT_TOKEN: z.string().min(1).optional(),
  DATA_API_TIMEOUT_MS: positiveInt(30_000),
  WORKER_PORT: z.coerce.number().int().min(0).max(65_535).default(4300),
  // Loopback by default: the queue dashboard can add, remove and retry jobs. Listening beyond
  // loopback needs DASHBOARD_PASSWORD (checked when the worker starts: only it listens).
  WORKER_HOST: z
    .string()
    .trim()
    .min(1)
    .default('127.0.0.1')
    .refine((host) => canonicalHost(host) !== undefined, 'must be an IP address or a host name'),
  // Without a password the dashboard answers only clients on this host. Empty means none
  // (compose and Kubernetes pass it through unset).
  DASHBOARD_PASSWORD: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.string().min(12, 'must be at least 12 characters').optional(),
  ),
  DASHBOARD_PUBLIC_HOST: hostList,
  LOG_LEVEL: commonSettings.logLevel,
  NODE_ENV: commonSettings.nodeEnv,

  // Schedules (cluster-wide, BullMQ job schedulers).
  SCHEDULE_TIME_ZONE: z.string().default('UTC').refine(isTimeZone, 'must be an IANA time zone such as "Europe/Paris"'),
  ROLLUP_CRON: cronSetting('* * * * *'),
  OPPORTUNITY_ROLLUP_CRON: cronSetting('* * * * *'),
  FEED_IMPORT_CRON: cronSetting('0 2 * * *'),
  FEED_SOURCES: feedSources,
  CACHE_WARMING_CRON: cronSetting(),
  TIMESERIES_WARMING_CRON: cronSetting(),
  ADS_SCORING_CRON: cronSetting(),
  // Per-process chores (node-cron).
  QUEUE_DEPTH_LOG_CRON: cronSetting('* * * * *'),
  SCHEDULER_REFRESH_CRON: cronSetting('*/5 * * * *'),

  // Jobs.
  JOB_ATTEMPTS: positiveInt(5, 100),
  JOB_BACKOFF_MS: positiveInt(10_000),
  KEEP_COMPLETED_JOBS: nonNegativeInt(1_000),
  KEEP_FAILED_JOBS: nonNegativeInt(5_000),
  SHUTDOWN_GRACE_MS: nonNegativeInt(20_000),
  SERVICES_DIR: z.string().min(1).default(resolve(packageDir, '..')),
  COMMAND_TIMEOUT_MS: positiveInt(30 * 60_000),

  // Roll-up.
  ROLLUP_BATCH_SIZE: positiveInt(5_000, 50_000),
  ROLLUP_CONSUMERS: positiveInt(2, 16),
  ROLLUP_CLAIM_MIN_IDLE_MS: positiveInt(60_000),
  ROLLUP_MAX_RUN_MS: positiveInt(50_000),
  ROLLUP_TRIM_STREAM: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
  /** Test hook: pause this long between a confirmed ingest and its XACK, so a test can kill the worker there. */
  ROLLUP_PAUSE_AFTER_INGEST_MS: nonNegativeInt(0),

  // Feed import.
  FEED_CHUNK_SIZE: positiveInt(500, 5_000),
  // One chunk at a time by default: ads-data-api applies a chunk's rows in order, and only
  // sequential chunks keep that order across the whole feed (a row may depend on an earlier
  // one: the advertiser it creates, a name it takes). More in flight is faster but lets such
  // rows race, so their outcome can change from run to run.
  FEED_UPLOAD_CONCURRENCY: positiveInt(1, 16),
  FEED_MAX_BYTES: positiveInt(200 * 1024 * 1024),
  FEED_FETCH_TIMEOUT_MS: positiveInt(60_000),
  FEED_MAX_STORED_ERRORS: positiveInt(1_000, 100_000),
  FEED_ALLOWED_HOSTS: hostList,
  FEED_LOCAL_DIR: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.string().trim().optional(),
  ),
  FEED_MAX_REDIRECTS: z.coerce.number().int().min(0).max(20).default(5),
});

/** Settings of every ads-data-import process (worker, scheduler, enqueue). */
export interface Config {
  redisUrl: string;
  redisKeyPrefix: string;
  /** `token`: the service key (roll-ups); `importToken`: the importer key feed imports write with. */
  dataApi: { urls: string[]; token: string | undefined; importToken?: string | undefined; timeoutMs: number };
  workerPort: number;
  /** The address the worker's dashboard and /healthz listen on (WORKER_HOST). */
  workerHost: string;
  /** Basic-auth password of the queue dashboard; undefined: the dashboard answers loopback clients only. */
  dashboardPassword: string | undefined;
  /** Host names the dashboard is also served as (behind a proxy), besides its listening address. */
  dashboardPublicHosts: HostPattern[];
  logLevel: LogLevel;
  nodeEnv: string;
  schedules: ScheduleSettings;
  chores: { queueDepthLog: string | undefined; schedulerRefresh: string | undefined };
  jobs: { attempts: number; backoffMs: number; keepCompleted: number; keepFailed: number; shutdownGraceMs: number };
  commands: { servicesDir: string; timeoutMs: number; environment: Record<string, string> };
  rollup: {
    batchSize: number;
    consumers: number;
    claimMinIdleMs: number;
    maxRunMs: number;
    trimStream: boolean;
    pauseAfterIngestMs: number;
    /** Stable per process so that a restarted worker with the same identity finds its own pending batch. */
    consumerNamePrefix: string;
  };
  feed: {
    chunkSize: number;
    uploadConcurrency: number;
    maxBytes: number;
    fetchTimeoutMs: number;
    maxStoredErrors: number;
    /** Hosts the operator lets feeds come from even when they resolve to local or private addresses. */
    allowedHosts: HostPattern[];
    /** The only folder local feed files are read from (absolute); undefined: no local files. */
    localDir: string | undefined;
    maxRedirects: number;
  };
}

/** Parses an environment (this process's by default) into a {@link Config}; throws a ConfigError naming each bad variable. */
export function loadConfig(environment: Record<string, string | undefined> = process.env, processId = process.pid): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid ads-data-import environment: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  const secretProblems = productionSecretProblems(env.NODE_ENV, {
    DATA_API_TOKEN: env.DATA_API_TOKEN,
    DATA_API_IMPORT_TOKEN: env.DATA_API_IMPORT_TOKEN,
    DASHBOARD_PASSWORD: env.DASHBOARD_PASSWORD,
  });
  if (secretProblems.length > 0) throw new ConfigError(`invalid ads-data-import environment: ${secretProblems.join('; ')}`);
  return {
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    dataApi: {
      urls: env.DATA_API_URLS,
      token: env.DATA_API_TOKEN,
      importToken: env.DATA_API_IMPORT_TOKEN,
      timeoutMs: env.DATA_API_TIMEOUT_MS,
    },
    workerPort: env.WORKER_PORT,
    workerHost: env.WORKER_HOST,
    dashboardPassword: env.DASHBOARD_PASSWORD,
    dashboardPublicHosts: env.DASHBOARD_PUBLIC_HOST,
    logLevel: logLevelFor(env.LOG_LEVEL, env.NODE_ENV),
    nodeEnv: env.NODE_ENV,
    schedules: {
      timeZone: env.SCHEDULE_TIME_ZONE,
      rollup: env.ROLLUP_CRON,
      opportunityRollup: env.OPPORTUNITY_ROLLUP_CRON,
      feedImport: env.FEED_IMPORT_CRON,
      feedSources: env.FEED_SOURCES,
      cacheWarming: env.CACHE_WARMING_CRON,
      timeseriesWarming: env.TIMESERIES_WARMING_CRON,
      adsScoring: env.ADS_SCORING_CRON,
    },
    chores: { queueDepthLog: env.QUEUE_DEPTH_LOG_CRON, schedulerRefresh: env.SCHEDULER_REFRESH_CRON },
    jobs: {
      attempts: env.JOB_ATTEMPTS,
      backoffMs: env.JOB_BACKOFF_MS,
      keepCompleted: env.KEEP_COMPLETED_JOBS,
      keepFailed: env.KEEP_FAILED_JOBS,
      shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    },
    commands: {
      servicesDir: resolve(env.SERVICES_DIR),
      timeoutMs: env.COMMAND_TIMEOUT_MS,
      // The platform commands read their own configuration from the same environment.
      environment: Object.fromEntries(Object.entries(environment).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    },
    rollup: {
      batchSize: env.ROLLUP_BATCH_SIZE,
      consumers: env.ROLLUP_CONSUMERS,
      claimMinIdleMs: env.ROLLUP_CLAIM_MIN_IDLE_MS,
      maxRunMs: env.ROLLUP_MAX_RUN_MS,
      trimStream: env.ROLLUP_TRIM_STREAM,
      pauseAfterIngestMs: env.ROLLUP_PAUSE_AFTER_INGEST_MS,
      consumerNamePrefix: `${hostname()}:${processId}`,
    },
    feed: {
      chunkSize: env.FEED_CHUNK_SIZE,
      uploadConcurrency: env.FEED_UPLOAD_CONCURRENCY,
      maxBytes: env.FEED_MAX_BYTES,
      fetchTimeoutMs: env.FEED_FETCH_TIMEOUT_MS,
      maxStoredErrors: env.FEED_MAX_STORED_ERRORS,
      allowedHosts: env.FEED_ALLOWED_HOSTS,
      localDir: env.FEED_LOCAL_DIR === undefined ? undefined : resolve(env.FEED_LOCAL_DIR),
      maxRedirects: env.FEED_MAX_REDIRECTS,
    },
  };
}

const connection: EnvironmentVariableHelp[] = [
  { name: 'REDIS_URL', description: 'Redis of the platform', default: 'redis://127.0.0.1:6379' },
  { name: 'REDIS_KEY_PREFIX', description: 'prefix of every key; queues live under <prefix>{bull}:', default: 'ads:' },
  { name: 'LOG_LEVEL', description: 'pino level', default: 'info (warn when NODE_ENV=test)' },
];
const dataApi: EnvironmentVariableHelp[] = [
  { name: 'DATA_API_URLS', description: 'ads-data-api RPC mounts, comma-separated', default: 'http://127.0.0.1:4000/rpc' },
  { name: 'DATA_API_TOKEN', description: 'a service API key of ads-data-api (npm run keys:create -w @ads/ads-data-api)', default: 'none' },
  { name: 'DATA_API_IMPORT_TOKEN', description: 'an importer API key; feed imports write through it', default: 'DATA_API_TOKEN' },
  { name: 'DATA_API_TIMEOUT_MS', description: 'deadline of one RPC call', default: '30000' },
];
const jobs: EnvironmentVariableHelp[] = [
  { name: 'ROLLUP_BATCH_SIZE', description: 'stream entries per roll-up batch', default: '5000' },
  { name: 'ROLLUP_CONSUMERS', description: 'consumers of the group per roll-up job', default: '2' },
  { name: 'ROLLUP_CLAIM_MIN_IDLE_MS', description: 'a pending batch idle this long is claimed', default: '60000' },
  { name: 'ROLLUP_MAX_RUN_MS', description: 'one roll-up run stops taking batches after this', default: '50000' },
  { name: 'ROLLUP_TRIM_STREAM', description: 'drop stream entries every consumer group acknowledged', default: 'true' },
  { name: 'FEED_LOCAL_DIR', description: 'the one folder local feed files are read from', default: 'none' },
  { name: 'FEED_ALLOWED_HOSTS', description: 'hosts feeds may come from although local or private', default: 'none' },
  { name: 'FEED_CHUNK_SIZE', description: 'rows per imports.upsertRows call', default: '500' },
  { name: 'FEED_UPLOAD_CONCURRENCY', description: 'imports.upsertRows calls in flight', default: '1' },
  { name: 'FEED_MAX_BYTES', description: 'larger feeds are refused', default: '200 MiB' },
  { name: 'FEED_FETCH_TIMEOUT_MS', description: 'deadline for an HTTP feed to answer, then to send more', default: '60000' },
  { name: 'SERVICES_DIR', description: 'folder of cache-warming, timeseries-warming and ads-scoring', default: '.. of this package' },
  { name: 'COMMAND_TIMEOUT_MS', description: 'a platform command running longer is stopped', default: '1800000' },
];
const schedules: EnvironmentVariableHelp[] = [
  { name: 'SCHEDULE_TIME_ZONE', description: 'IANA time zone of every cron expression', default: 'UTC' },
  { name: 'ROLLUP_CRON', description: 'roll-up schedule (empty: off)', default: '* * * * *' },
  { name: 'OPPORTUNITY_ROLLUP_CRON', description: 'opportunity roll-up schedule (empty: off)', default: '* * * * *' },
  { name: 'FEED_IMPORT_CRON', description: 'nightly feed imports (empty: off)', default: '0 2 * * *' },
  { name: 'FEED_SOURCES', description: 'feeds of the nightly import: paths or URLs, or a JSON array', default: 'none' },
  {
    name: 'CACHE_WARMING_CRON, TIMESERIES_WARMING_CRON, ADS_SCORING_CRON',
    description: 'schedules of the platform commands',
    default: 'off',
  },
  { name: 'JOB_ATTEMPTS / JOB_BACKOFF_MS', description: 'retries of scheduled jobs, exponential backoff', default: '5 / 10000' },
  { name: 'SCHEDULER_REFRESH_CRON', description: 're-assert the schedules', default: '*/5 * * * *' },
];
const worker: EnvironmentVariableHelp[] = [
  { name: 'WORKER_HOST / WORKER_PORT', description: 'where the dashboard and /healthz listen', default: '127.0.0.1 / 4300' },
  {
    name: 'DASHBOARD_PASSWORD',
    description: 'HTTP Basic password of the queue dashboard (needed beyond loopback)',
    default: 'none: this host only',
  },
  { name: 'DASHBOARD_PUBLIC_HOST', description: 'further names the dashboard is reached by', default: 'none' },
  { name: 'SHUTDOWN_GRACE_MS', description: 'how long SIGTERM lets imports and commands finish', default: '20000' },
  { name: 'QUEUE_DEPTH_LOG_CRON', description: 'log queue depths and the stream backlog (empty: off)', default: '* * * * *' },
];

/** The variables each command reads, for its --help (the README has the whole table). */
export const ENVIRONMENT_HELP = {
  worker: [...connection, ...dataApi, ...worker, ...jobs],
  scheduler: [...connection, ...schedules],
  enqueue: [...connection, ...dataApi, ...jobs],
} as const satisfies Record<string, EnvironmentVariableHelp[]>;
