import { productionSecretProblems, redisUrlSetting } from '@ads/ads-client';
import { z } from 'zod';
import { WarmingError } from './errors';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const urlList = z
  .string({ error: 'is required: comma-separated RPC URLs of ads-data-api, e.g. http://127.0.0.1:4000/rpc' })
  .transform((value) => value.split(',').map((url) => url.trim()).filter((url) => url.length > 0))
  .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must be http(s) URLs' })).min(1, 'must name at least one URL'));

export const MAX_WARM_DAYS = 90;

const environmentSchema = z.object({
  DATA_API_URLS: urlList,
  DATA_API_TOKEN: z.string({ error: 'is required: a service API key of ads-data-api' }).min(1, 'must not be empty'),
  DATA_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  REDIS_URL: redisUrlSetting,
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('ads:'),
  TIMESERIES_DAYS: z.coerce.number().int().min(1).max(MAX_WARM_DAYS).default(7),
  SPEND_SETTLE_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(15),
  LOG_LEVEL: z.enum(logLevels).optional(),
  NODE_ENV: z.string().default('development'),
});

/** Settings of one timeseries-warming run. */
export interface Config {
  dataApiUrls: string[];
  dataApiToken: string;
  dataApiTimeoutMs: number;
  redisUrl: string;
  /** Prefix of every Redis key and channel (see RedisKeys in ads-client). */
  redisKeyPrefix: string;
  /** Days warmed when the command line does not say (`--days`). */
  days: number;
  /**
   * Minutes after an hour ends before the database's total for it is trusted as complete: the
   * roll-up needs a few minutes to land the last events of an hour.
   */
  settleMinutes: number;
  logLevel: (typeof logLevels)[number];
}

/** Parses an environment into a {@link Config}; throws CONFIG_INVALID naming each bad variable. */
export function loadConfig(environment: Record<string, string | undefined>): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new WarmingError('CONFIG_INVALID', `invalid timeseries-warming environment: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  const secretProblems = productionSecretProblems(env.NODE_ENV, { DATA_API_TOKEN: env.DATA_API_TOKEN });
  if (secretProblems.length > 0) throw new WarmingError('CONFIG_INVALID', `invalid timeseries-warming environment: ${secretProblems.join('; ')}`);
  return {
    dataApiUrls: env.DATA_API_URLS,
    dataApiToken: env.DATA_API_TOKEN,
    dataApiTimeoutMs: env.DATA_API_TIMEOUT_MS,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    days: env.TIMESERIES_DAYS,
    settleMinutes: env.SPEND_SETTLE_MINUTES,
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
  };
}

/** The configuration of this process, from `process.env` (the only reader of it). */
export function configFromProcessEnvironment(): Config {
  return loadConfig(process.env);
}
