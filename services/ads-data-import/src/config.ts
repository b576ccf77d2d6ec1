import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cron from 'node-cron';
import { isTimeZone, productionSecretProblems, redisUrlSetting } from '@ads/ads-client';
import { z } from 'zod';
import { type HostPattern, canonicalHost, parseHostPattern } from './domain/host-pattern';
import { ConfigError } from './errors';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const cronExpression = z.string().trim().superRefine((value, context) => {
  const checked = cron.validateDetailed(value);
  if (!checked.valid) {
    const detail = checked.errors.map((error) => `${error.field}: ${error.message}`).join(', ');
    context.addIssue({ code: 'custom', message: `must be a cron expression (5 fields, or 6 with seconds)${detail ? `: ${detail}` : ''}` });
  }
});
/** A schedule: the default when the variable is absent, switched off when it is set empty. */
const cronSetting = (fallback?: string) =>
  z
    .preprocess((value) => (value === undefined ? (fallback ?? null) : typeof value === 'string' && value.trim() === '' ? null : value), cronExpression.nullable())
    .transform((value) => value ?? undefined);
const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(1).max(max).default(fallback);
const nonNegativeInt = (fallback: number) => z.coerce.number().int().min(0).default(fallback);

const feedSource = z.strictObject({
  source: z.string().trim().min(1),
  format: z.enum(['csv', 'json', 'jsonl']).optional(),
});
export type FeedSourceSetting = z.infer<typeof feedSource>;

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
      const parsed = z.array(z.union([z.string().trim().min(1).transform((source) => ({ source })), feedSource])).safeParse(value);
      if (!parsed.success) {
        context.addIssue({ code: 'custom', message: parsed.error.issues.map((issue) => `[${issue.path.join('.')}] ${issue.message}`).join('; ') });
        return z.NEVER;
      }
      return parsed.data;
    }
    return trimmed.split(/[\s,]+/).filter((source) => source !== '').map((source) => ({ source }));
  });

const urlList = z
  .string()
  .default('http://127.0.0.1:4000/rpc')
  .transform((text) => text.split(',').map((url) => url.trim()).filter((url) => url !== ''))
  .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/$/, ''))).min(1, 'needs at least one URL'));

/** Host names or host:port entries separated by commas (FEED_ALLOWED_HOSTS, DASHBOARD_PUBLIC_HOST). */
const hostList = z
  .string()
  .default('')
  .transform((text, context): HostPattern[] => {
    const patterns: HostPattern[] = [];
    for (const entry of text.split(',').map((item) => item.trim()).filter((item) => item !== '')) {
      const parsed = parseHostPattern(entry);
      if ('problem' in parsed) context.addIssue({ code: 'custom', message: parsed.problem });
      else patterns.push(parsed);
    }
    return patterns;
  });

const environmentSchema = z.object({
  REDIS_URL: redisUrlSetting,
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('ads:'),
  DATA_API_URLS: urlList,
  DATA_API_TOKEN: z.string().min(1).optional(),
  // Feed imports write advertisers, campaigns and ads: an `importer` key, not the service key.
  DATA_API_IMPORT_TOKEN: z.string().min(1).optional(),
  DATA_API_TIMEOUT_MS: positiveInt(30_000),
  WORKER_PORT: z.coerce.number().int().min(0).max(65_535).default(4300),
  // Loopback by default: the queue dashboard can add, remove and retry jobs. Listening beyond
  // loopback needs DASHBOARD_PASSWORD (checked when the worker starts: only it listens).
  WORKER_HOST: z.string().trim().min(1).default('127.0.0.1').refine((host) => canonicalHost(host) !== undefined, 'must be an IP address or a host name'),
  // Without a password the dashboard answers only clients on this host. Empty means none
  // (compose and Kubernetes pass it through unset).
  DASHBOARD_PASSWORD: z.preprocess((value) => (value === '' ? undefined : value), z.string().min(12, 'must be at least 12 characters').optional()),
  DASHBOARD_PUBLIC_HOST: hostList,
  LOG_LEVEL: z.enum(logLevels).optional(),
  NODE_ENV: z.string().default('development'),

  // Schedules (cluster-wide, BullMQ job schedulers).
  SCHEDULE_TIME_ZONE: z.string().default('UTC').refine(isTimeZone, 'must be an IANA time zone such as "Europe/Paris"'),
  ROLLUP_CRON: cronSetting('* * * * *'),
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
  ROLLUP_TRIM_STREAM: z.enum(['true', 'false']).default('true').transform((value) => value === 'true'),
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
  FEED_LOCAL_DIR: z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), z.string().trim().optional()),
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
  logLevel: (typeof logLevels)[number];
  nodeEnv: string;
  schedules: {
    timeZone: string;
    rollup: string | undefined;
    feedImport: string | undefined;
    feedSources: FeedSourceSetting[];
    cacheWarming: string | undefined;
    timeseriesWarming: string | undefined;
    adsScoring: string | undefined;
  };
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

/** Parses an environment into a {@link Config}; throws a ConfigError naming each bad variable. */
export function loadConfig(environment: Record<string, string | undefined>, processId = process.pid): Config {
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
    dataApi: { urls: env.DATA_API_URLS, token: env.DATA_API_TOKEN, importToken: env.DATA_API_IMPORT_TOKEN, timeoutMs: env.DATA_API_TIMEOUT_MS },
    workerPort: env.WORKER_PORT,
    workerHost: env.WORKER_HOST,
    dashboardPassword: env.DASHBOARD_PASSWORD,
    dashboardPublicHosts: env.DASHBOARD_PUBLIC_HOST,
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    nodeEnv: env.NODE_ENV,
    schedules: {
      timeZone: env.SCHEDULE_TIME_ZONE,
      rollup: env.ROLLUP_CRON,
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

let loaded: Config | undefined;

/** The configuration of this process, parsed from `process.env` on first use. */
export function config(): Config {
  loaded ??= loadConfig(process.env);
  return loaded;
}
