import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { DEFAULT_OPPORTUNITY_SAMPLE_SIZE, MAX_OPPORTUNITY_SAMPLE_SIZE, redisUrlSetting } from '@ads/ads-client';
import {
  commonSettings,
  logLevelFor,
  parseEnvironment,
  requireProductionSecrets,
  type EnvironmentVariableHelp,
  type LogLevel,
} from '@ads/ads-client/service';
import { z } from 'zod';

const SERVICE = 'ads-serving-rpc';

// This file sits at the same depth in src/ as the bundle in dist/ (scripts/build.mjs), so the
// path holds in both.
const packageVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The variables the server reads, for its `--help`. */
export const environmentHelp: readonly EnvironmentVariableHelp[] = [
  { name: 'PORT', description: 'port of decide, the beacons and embed.js', default: '4100' },
  { name: 'HOST', description: 'address to listen on', default: '0.0.0.0' },
  { name: 'REDIS_URL', description: 'Redis of the serving index, counters and the events stream', default: 'redis://127.0.0.1:6379' },
  { name: 'REDIS_KEY_PREFIX', description: 'prefix of every Redis key and channel', default: 'ads:' },
  { name: 'TRACKING_SECRET', description: 'HMAC key of tracking URLs, 32+ characters (required in production)', default: 'a dev-only key' },
  { name: 'TRACKING_SECRET_PREVIOUS', description: 'the key before the last rotation, still accepted', default: 'none' },
  { name: 'PUBLIC_BASE_URL', description: 'base of the tracking URLs, as browsers reach this service', default: 'http://127.0.0.1:PORT' },
  { name: 'METRICS_TOKEN', description: 'bearer token /metrics requires', default: 'none' },
  { name: 'METRICS_PORT', description: 'a port of its own for /metrics', default: 'PORT' },
  { name: 'TRACKING_URL_TTL_SECONDS', description: 'how long a tracking URL is accepted', default: '14400' },
  { name: 'EVENT_BUFFER_SIZE', description: 'events kept in memory while Redis is away', default: '100000' },
  { name: 'EVENTS_STREAM_MAXLEN', description: 'approximate cap of the events stream (0: none)', default: '5000000' },
  { name: 'EXPLORATION_RATE', description: 'share of decisions that explore', default: '0.1' },
  { name: 'PACING_REFRESH_MS', description: 'how often pacing factors are read', default: '2000' },
  { name: 'INDEX_POLL_MS', description: 'how often a new index version is looked for', default: '10000' },
  { name: 'FREQUENCY_CAP_CACHE_MS', description: 'how long a capped user is remembered in memory', default: '5000' },
  { name: 'FREQUENCY_CAP_CACHE_ENTRIES', description: 'users remembered in memory', default: '20000' },
  { name: 'REDIS_READ_TIMEOUT_MS', description: 'deadline of a Redis read on the hot path', default: '50' },
  { name: 'FREQUENCY_CAP_HOLD_MS', description: 'how long an unconfirmed cap reservation holds', default: '30000' },
  { name: 'SPEND_LEASE_MS', description: 'length of a spend lease', default: '30000' },
  { name: 'SPEND_LEASE_SHORT_MS', description: 'length of a spend lease near the budget', default: '2000' },
  {
    name: 'FORECAST_RECORDING',
    description: 'record ad requests (opportunities) for inventory forecasting: true or false',
    default: 'true',
  },
  {
    name: 'FORECAST_SAMPLE_SIZE',
    description: `requests a UTC day's forecasting sample keeps (1-${MAX_OPPORTUNITY_SAMPLE_SIZE})`,
    default: String(DEFAULT_OPPORTUNITY_SAMPLE_SIZE),
  },
  { name: 'FORECAST_FLUSH_MS', description: 'how often recorded opportunities are written to Redis (min 100)', default: '5000' },
  {
    name: 'FORECAST_REPLAY',
    description: 'honour the x-ads-replay-at header of serving.decide (accuracy replays only, never in production)',
    default: 'false',
  },
  {
    name: 'SERVING_WORKERS',
    description: 'processes sharing the port (node:cluster), each with its own index',
    default: 'the number of cores (1 when NODE_ENV=test)',
  },
  { name: 'V8_HEAP_GROWING_PERCENT', description: 'V8 old-generation growth (0: V8 default)', default: '10' },
  { name: 'LOG_LEVEL', description: 'level of the JSON log lines on stderr', default: 'info (warn when NODE_ENV=test)' },
  { name: 'NODE_ENV', description: 'development, test or production (production refuses weak secrets)', default: 'development' },
];

/** Used outside production only, so that a developer can start the service without setup. */
export const DEV_TRACKING_SECRET = 'dev-only-tracking-secret-do-not-use-in-production';

const environmentSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(4100),
    HOST: z.string().min(1).default('0.0.0.0'),
    // Empty means the default (compose and Kubernetes pass it through unset).
    SERVING_WORKERS: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(1).max(256).optional()),
    REDIS_URL: redisUrlSetting,
    REDIS_KEY_PREFIX: commonSettings.redisKeyPrefix,
    TRACKING_SECRET: z.string().min(32, 'must be at least 32 characters; make one with: openssl rand -base64 48').optional(),
    // Empty means none, so that compose and Kubernetes can pass it through unset.
    TRACKING_SECRET_PREVIOUS: z.preprocess(
      (value) => (value === '' ? undefined : value),
      z.string().min(32, 'must be at least 32 characters; make one with: openssl rand -base64 48').optional(),
    ),
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    // Empty means none (compose and Kubernetes pass them through unset).
    METRICS_TOKEN: z.preprocess(
      (value) => (value === '' ? undefined : value),
      z
        .string()
        .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it travels in an Authorization header)')
        .optional(),
    ),
    METRICS_PORT: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(1).max(65535).optional()),
    TRACKING_URL_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 86_400)
      .default(4 * 3600),
    EVENT_BUFFER_SIZE: z.coerce.number().int().min(100).max(10_000_000).default(100_000),
    EVENTS_STREAM_MAXLEN: z.coerce.number().int().min(0).default(5_000_000),
    EXPLORATION_RATE: z.coerce.number().min(0).max(1).default(0.1),
    PACING_REFRESH_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
    INDEX_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    FREQUENCY_CAP_CACHE_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
    FREQUENCY_CAP_CACHE_ENTRIES: z.coerce.number().int().min(100).max(10_000_000).default(20_000),
    REDIS_READ_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(50),
    FREQUENCY_CAP_HOLD_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
    SPEND_LEASE_MS: z.coerce.number().int().min(500).max(600_000).default(30_000),
    SPEND_LEASE_SHORT_MS: z.coerce.number().int().min(100).max(600_000).default(2_000),
    FORECAST_RECORDING: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    FORECAST_SAMPLE_SIZE: z.coerce.number().int().min(1).max(MAX_OPPORTUNITY_SAMPLE_SIZE).default(DEFAULT_OPPORTUNITY_SAMPLE_SIZE),
    FORECAST_FLUSH_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    FORECAST_REPLAY: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    V8_HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(400).default(10),
    LOG_LEVEL: commonSettings.logLevel,
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  })
  .refine((env) => env.NODE_ENV !== 'production' || env.TRACKING_SECRET !== undefined, {
    message: 'is required in production (the HMAC key of tracking URLs)',
    path: ['TRACKING_SECRET'],
  })
  // The replay header lets any caller put opportunities into any hour: never where real traffic is.
  .refine((env) => env.NODE_ENV !== 'production' || !env.FORECAST_REPLAY, {
    message: 'must not be true in production (it lets any caller backdate the recorded opportunities; it is for accuracy replays)',
    path: ['FORECAST_REPLAY'],
  })
  .refine((env) => env.TRACKING_SECRET_PREVIOUS === undefined || env.TRACKING_SECRET !== undefined, {
    message: 'needs TRACKING_SECRET (the secret that replaced it)',
    path: ['TRACKING_SECRET_PREVIOUS'],
  })
  .refine((env) => env.TRACKING_SECRET_PREVIOUS === undefined || env.TRACKING_SECRET_PREVIOUS !== env.TRACKING_SECRET, {
    message: 'must differ from TRACKING_SECRET',
    path: ['TRACKING_SECRET_PREVIOUS'],
  })
  .refine((env) => env.METRICS_PORT === undefined || env.METRICS_PORT !== env.PORT, {
    message: 'must differ from PORT (it moves /metrics off the public port)',
    path: ['METRICS_PORT'],
  });

/** Settings of one ads-serving-rpc process. */
export interface Config {
  port: number;
  host: string;
  /**
   * Processes serving `port` (node:cluster): 1 is one plain process; more, a primary forking
   * that many workers. Default: the cores (`os.availableParallelism()`), 1 under NODE_ENV=test.
   */
  workers: number;
  redisUrl: string;
  redisKeyPrefix: string;
  trackingSecret: string;
  /** The secret before the last rotation: URLs it signed are still accepted until they expire. */
  previousTrackingSecret: string | undefined;
  /** Base of tracking URLs and of the embed's own URL, without a trailing slash. */
  publicBaseUrl: string | undefined;
  /** Bearer token `/metrics` requires; undefined: none. */
  metricsToken: string | undefined;
  /** A port of its own for `/metrics` (on `host`); undefined: `/metrics` is on `port`. */
  metricsPort: number | undefined;
  trackingUrlTtlSeconds: number;
  eventBufferSize: number;
  eventsStreamMaxLen: number;
  explorationRate: number;
  pacingRefreshMs: number;
  indexPollMs: number;
  frequencyCapCacheMs: number;
  frequencyCapCacheEntries: number;
  redisReadTimeoutMs: number;
  /** How long a decision's frequency-cap hold waits for its impression beacon before it lapses. */
  frequencyCapHoldMs: number;
  /** How long a spend lease lives; one worth fewer than `SMALL_LEASE_PRICES` ads (the budget nearly gone) lives `spendLeaseShortMs`. */
  spendLeaseMs: number;
  spendLeaseShortMs: number;
  /** Record ad requests (opportunities) for inventory forecasting. */
  forecastRecording: boolean;
  /** k: requests a UTC day's forecasting sample keeps (merged across instances in Redis). */
  forecastSampleSize: number;
  /** How often recorded opportunities are flushed to Redis. */
  forecastFlushMs: number;
  /**
   * Honour `x-ads-replay-at` on serving.decide: the opportunity is recorded at that instant
   * (selection still uses the real clock). For the forecast accuracy replay only.
   */
  forecastReplay: boolean;
  /** V8 grows the old generation to (1 + this/100) x the live heap before collecting; 0 keeps V8's default. */
  heapGrowingPercent: number;
  logLevel: LogLevel;
  nodeEnv: 'development' | 'test' | 'production';
  /** The package's version, in the RPC docs and the start log line. */
  version: string;
}

/**
 * Parses the environment (the process's unless a test passes its own); throws CONFIG_INVALID
 * (exit 3, the table's `config`) naming each bad variable.
 */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  const env = parseEnvironment(SERVICE, environmentSchema, environment);
  // Production refuses secrets published in the repository or too weak to resist guessing.
  requireProductionSecrets(SERVICE, env.NODE_ENV, {
    TRACKING_SECRET: env.TRACKING_SECRET,
    TRACKING_SECRET_PREVIOUS: env.TRACKING_SECRET_PREVIOUS,
    METRICS_TOKEN: env.METRICS_TOKEN,
  });
  return {
    port: env.PORT,
    host: env.HOST,
    // Tests start many serving processes side by side on a shared machine and speak to one pid.
    workers: env.SERVING_WORKERS ?? (env.NODE_ENV === 'test' ? 1 : availableParallelism()),
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    trackingSecret: env.TRACKING_SECRET ?? DEV_TRACKING_SECRET,
    previousTrackingSecret: env.TRACKING_SECRET_PREVIOUS,
    publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    metricsToken: env.METRICS_TOKEN,
    metricsPort: env.METRICS_PORT,
    trackingUrlTtlSeconds: env.TRACKING_URL_TTL_SECONDS,
    eventBufferSize: env.EVENT_BUFFER_SIZE,
    eventsStreamMaxLen: env.EVENTS_STREAM_MAXLEN,
    explorationRate: env.EXPLORATION_RATE,
    pacingRefreshMs: env.PACING_REFRESH_MS,
    indexPollMs: env.INDEX_POLL_MS,
    frequencyCapCacheMs: env.FREQUENCY_CAP_CACHE_MS,
    frequencyCapCacheEntries: env.FREQUENCY_CAP_CACHE_ENTRIES,
    redisReadTimeoutMs: env.REDIS_READ_TIMEOUT_MS,
    frequencyCapHoldMs: env.FREQUENCY_CAP_HOLD_MS,
    spendLeaseMs: env.SPEND_LEASE_MS,
    spendLeaseShortMs: Math.min(env.SPEND_LEASE_SHORT_MS, env.SPEND_LEASE_MS),
    forecastRecording: env.FORECAST_RECORDING,
    forecastSampleSize: env.FORECAST_SAMPLE_SIZE,
    forecastFlushMs: env.FORECAST_FLUSH_MS,
    forecastReplay: env.FORECAST_REPLAY,
    heapGrowingPercent: env.V8_HEAP_GROWING_PERCENT,
    logLevel: logLevelFor(env.LOG_LEVEL, env.NODE_ENV),
    nodeEnv: env.NODE_ENV,
    version: packageVersion,
  };
}
