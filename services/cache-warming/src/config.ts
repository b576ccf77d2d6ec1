import { productionSecretProblems, redisUrlSetting } from '@ads/ads-client';
import { z } from 'zod';
import { CacheWarmingError } from './errors';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const rpcUrl = z.url({ protocol: /^https?$/ });
const environmentSchema = z.object({
  DATA_API_URLS: z
    .string()
    .default('http://127.0.0.1:4000/rpc')
    .transform((value) => value.split(',').map((url) => url.trim()).filter((url) => url.length > 0))
    .pipe(z.array(rpcUrl).min(1, 'must list at least one RPC URL')),
  DATA_API_TOKEN: z.string().min(1, 'is required: a service API key of ads-data-api'),
  DATA_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  REDIS_URL: redisUrlSetting,
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('ads:'),
  /** How long the version that falls out of "previous" stays readable. */
  INDEX_RETAIN_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
  LOG_LEVEL: z.enum(logLevels).optional(),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
});

/** Settings of one cache-warming process. */
export interface Config {
  dataApiUrls: string[];
  dataApiToken: string;
  dataApiTimeoutMs: number;
  redisUrl: string;
  redisKeyPrefix: string;
  indexRetainMs: number;
  logLevel: (typeof logLevels)[number];
}

function parseEnvironment<T>(schema: z.ZodType<T>, environment: Record<string, string | undefined>): T {
  const parsed = schema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new CacheWarmingError('CONFIG_INVALID', `invalid cache-warming environment: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Parses the environment; throws CONFIG_INVALID naming each bad variable. Only main passes `process.env`. */
export function loadConfig(environment: Record<string, string | undefined>): Config {
  const env = parseEnvironment(environmentSchema, environment);
  const secretProblems = productionSecretProblems(env.NODE_ENV, { DATA_API_TOKEN: env.DATA_API_TOKEN });
  if (secretProblems.length > 0) throw new CacheWarmingError('CONFIG_INVALID', `invalid cache-warming environment: ${secretProblems.join('; ')}`);
  return {
    dataApiUrls: env.DATA_API_URLS,
    dataApiToken: env.DATA_API_TOKEN,
    dataApiTimeoutMs: env.DATA_API_TIMEOUT_MS,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    indexRetainMs: env.INDEX_RETAIN_SECONDS * 1000,
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
  };
}

/** What `rollback` needs: Redis only (no data API token). */
export type RedisConfig = Pick<Config, 'redisUrl' | 'redisKeyPrefix' | 'logLevel'>;

export function loadRedisConfig(environment: Record<string, string | undefined>): RedisConfig {
  const env = parseEnvironment(environmentSchema.pick({ REDIS_URL: true, REDIS_KEY_PREFIX: true, LOG_LEVEL: true, NODE_ENV: true }), environment);
  return { redisUrl: env.REDIS_URL, redisKeyPrefix: env.REDIS_KEY_PREFIX, logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info') };
}
