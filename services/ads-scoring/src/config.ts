import { productionSecretProblems, redisUrlSetting } from '@ads/ads-client';
import { z } from 'zod';
import { ScoringError } from './errors';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const urlList = z
  .string({ error: 'is required: comma-separated RPC URLs of ads-data-api, e.g. http://127.0.0.1:4000/rpc' })
  .transform((value) => value.split(',').map((url) => url.trim()).filter((url) => url.length > 0))
  .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must be http(s) URLs' })).min(1, 'must name at least one URL'));

const environmentSchema = z.object({
  DATA_API_URLS: urlList,
  DATA_API_TOKEN: z.string({ error: 'is required: a service API key of ads-data-api' }).min(1, 'must not be empty'),
  DATA_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  REDIS_URL: redisUrlSetting,
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('ads:'),
  SCORING_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  SCORING_PRIOR_STRENGTH: z.coerce.number().positive().max(1e9).default(1000),
  SCORING_DEFAULT_CTR: z.coerce.number().gt(0).lt(1).default(0.005),
  PACING_MIN_FACTOR: z.coerce.number().min(0).max(1).default(0.5),
  PACING_MAX_FACTOR: z.coerce.number().min(1).max(10).default(2),
  PACING_DAMPING: z.coerce.number().min(0).max(1).default(0.05),
  SCORES_RETIRE_AFTER_SECONDS: z.coerce.number().int().min(1).max(7 * 86_400).default(600),
  LOG_LEVEL: z.enum(logLevels).optional(),
  NODE_ENV: z.string().default('development'),
});

/** Settings of one ads-scoring run. */
export interface Config {
  dataApiUrls: string[];
  dataApiToken: string;
  dataApiTimeoutMs: number;
  redisUrl: string;
  /** Prefix of every Redis key and channel (see RedisKeys in ads-client). */
  redisKeyPrefix: string;
  /** Days of performance the scores are computed from. */
  windowDays: number;
  /** Impressions' worth of evidence the prior carries (Beta α + β). */
  priorStrength: number;
  /** CTR assumed when the platform has no traffic at all in the window. */
  defaultCtr: number;
  pacing: { min: number; max: number; damping: number };
  /** How long the version pushed out of `previous` stays readable. */
  retireAfterSeconds: number;
  logLevel: (typeof logLevels)[number];
}

/** Parses an environment into a {@link Config}; throws CONFIG_INVALID naming each bad variable. */
export function loadConfig(environment: Record<string, string | undefined>): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ScoringError('CONFIG_INVALID', `invalid ads-scoring environment: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  const secretProblems = productionSecretProblems(env.NODE_ENV, { DATA_API_TOKEN: env.DATA_API_TOKEN });
  if (secretProblems.length > 0) throw new ScoringError('CONFIG_INVALID', `invalid ads-scoring environment: ${secretProblems.join('; ')}`);
  if (env.PACING_MIN_FACTOR > env.PACING_MAX_FACTOR) {
    throw new ScoringError('CONFIG_INVALID', 'invalid ads-scoring environment: PACING_MIN_FACTOR: must not exceed PACING_MAX_FACTOR');
  }
  return {
    dataApiUrls: env.DATA_API_URLS,
    dataApiToken: env.DATA_API_TOKEN,
    dataApiTimeoutMs: env.DATA_API_TIMEOUT_MS,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    windowDays: env.SCORING_WINDOW_DAYS,
    priorStrength: env.SCORING_PRIOR_STRENGTH,
    defaultCtr: env.SCORING_DEFAULT_CTR,
    pacing: { min: env.PACING_MIN_FACTOR, max: env.PACING_MAX_FACTOR, damping: env.PACING_DAMPING },
    retireAfterSeconds: env.SCORES_RETIRE_AFTER_SECONDS,
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
  };
}

/** The configuration of this process, from `process.env` (the only reader of it). */
export function configFromProcessEnvironment(): Config {
  return loadConfig(process.env);
}
