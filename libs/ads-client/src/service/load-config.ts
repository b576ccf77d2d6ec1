import { z } from 'zod';
import { productionSecretProblems } from '../config/production-secret.js';
import { redisUrlSetting } from '../redis/redis-url.js';
import { LOG_LEVELS, type LogLevel } from './create-logger.js';
import type { EnvironmentVariableHelp } from './run-command.js';
import { KitError } from './service-error.js';

/**
 * The configuration pattern of every service: `src/config.ts` declares a zod schema over the
 * environment variables it reads and maps the parsed values to a typed config; it is the only
 * file that reads `process.env`. This parses and turns every problem into one CONFIG_INVALID
 * error naming each variable at fault, so a person fixes them all in one go.
 */
export function parseEnvironment<Schema extends z.ZodType>(
  service: string,
  schema: Schema,
  environment: Record<string, string | undefined>,
): z.output<Schema> {
  const parsed = schema.safeParse(environment);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
  throw configError(service, problems);
}

/** The CONFIG_INVALID error for problems found after parsing (cross-variable rules, secrets). */
export function configError(service: string, problems: readonly string[]): KitError {
  return new KitError('CONFIG_INVALID', `invalid ${service} environment: ${problems.join('; ')}`);
}

/** Throws CONFIG_INVALID when a production process would run with a weak or placeholder secret. */
export function requireProductionSecrets(service: string, nodeEnvironment: string, secrets: Record<string, string | undefined>): void {
  const problems = productionSecretProblems(nodeEnvironment, secrets);
  if (problems.length > 0) throw configError(service, problems);
}

/** Settings more than one service reads, declared once. */
export const commonSettings = {
  /** DATA_API_URLS: comma-separated RPC URLs of ads-data-api. */
  dataApiUrls: z
    .string({ error: 'is required: comma-separated RPC URLs of ads-data-api, e.g. http://127.0.0.1:4000/rpc' })
    .transform((value) =>
      value
        .split(',')
        .map((url) => url.trim())
        .filter((url) => url.length > 0),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must be http(s) URLs' })).min(1, 'must name at least one URL')),
  /** DATA_API_TOKEN: a service API key of ads-data-api (`npm run keys:create -w @ads/ads-data-api`). */
  dataApiToken: z
    .string({ error: 'is required: a service API key of ads-data-api (create one with `npm run keys:create -w @ads/ads-data-api`)' })
    .min(1, 'must not be empty'),
  /** REDIS_KEY_PREFIX: the prefix of every Redis key and channel (see RedisKeys). */
  redisKeyPrefix: z.string().min(1).max(100).default('ads:'),
  /** LOG_LEVEL: pino's levels. */
  logLevel: z.enum(LOG_LEVELS).optional(),
  /** NODE_ENV: `production` turns on the secret rules. */
  nodeEnv: z.string().default('development'),
} as const;

/**
 * The `--help` lines of the common settings and REDIS_URL, for `describeEnvironment`:
 * `describeEnvironment(program, [commonSettingsHelp.DATA_API_URLS, ..., { name: 'MY_SETTING', ... }])`.
 */
export const commonSettingsHelp = {
  DATA_API_URLS: { name: 'DATA_API_URLS', description: 'comma-separated RPC URLs of ads-data-api' },
  DATA_API_TOKEN: { name: 'DATA_API_TOKEN', description: 'a service API key of ads-data-api' },
  REDIS_URL: { name: 'REDIS_URL', description: 'redis:// or rediss:// URL', default: 'redis://127.0.0.1:6379' },
  REDIS_KEY_PREFIX: { name: 'REDIS_KEY_PREFIX', description: 'prefix of every Redis key and channel', default: 'ads:' },
  LOG_LEVEL: { name: 'LOG_LEVEL', description: 'level of the JSON log lines on stderr', default: 'info (warn when NODE_ENV=test)' },
  NODE_ENV: { name: 'NODE_ENV', description: 'production refuses weak secrets', default: 'development' },
} as const satisfies Record<string, EnvironmentVariableHelp>;

/**
 * The environment of a command that reads ads-data-api and writes Redis (scoring, warming), to
 * spread into its schema: `z.object({ ...dataApiCommandSettings, MY_SETTING: ... })`; a key
 * spread after it changes one (another default). Such a command logs at `warn` unless LOG_LEVEL
 * says otherwise, so that a terminal shows its report.
 */
export const dataApiCommandSettings = {
  DATA_API_URLS: commonSettings.dataApiUrls,
  DATA_API_TOKEN: commonSettings.dataApiToken,
  /** DATA_API_TIMEOUT_MS: the deadline of one call, retries across the URLs included. */
  DATA_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  REDIS_URL: redisUrlSetting,
  REDIS_KEY_PREFIX: commonSettings.redisKeyPrefix,
  LOG_LEVEL: commonSettings.logLevel,
  NODE_ENV: commonSettings.nodeEnv,
} as const;

/** The settings every data API command has, as its config carries them. */
export interface DataApiCommandConfig {
  dataApiUrls: string[];
  dataApiToken: string;
  dataApiTimeoutMs: number;
  redisUrl: string;
  /** Prefix of every Redis key and channel (see RedisKeys). */
  redisKeyPrefix: string;
  /** LOG_LEVEL, or `warn`: a command's report is on stdout, its log only says what went wrong. */
  logLevel: LogLevel;
}

/**
 * Parses the environment of a data API command with its schema (which spreads
 * {@link dataApiCommandSettings}), applies the production secret rule to DATA_API_TOKEN, and
 * returns the common config next to the parsed variables for the command's own settings.
 */
export function parseDataApiCommandEnvironment<Schema extends z.ZodType<z.output<z.ZodObject<typeof dataApiCommandSettings>>>>(
  service: string,
  schema: Schema,
  environment: Record<string, string | undefined>,
): { common: DataApiCommandConfig; env: z.output<Schema> } {
  const env = parseEnvironment(service, schema, environment);
  requireProductionSecrets(service, env.NODE_ENV, { DATA_API_TOKEN: env.DATA_API_TOKEN });
  return {
    env,
    common: {
      dataApiUrls: env.DATA_API_URLS,
      dataApiToken: env.DATA_API_TOKEN,
      dataApiTimeoutMs: env.DATA_API_TIMEOUT_MS,
      redisUrl: env.REDIS_URL,
      redisKeyPrefix: env.REDIS_KEY_PREFIX,
      logLevel: env.LOG_LEVEL ?? 'warn',
    },
  };
}

/** The `--help` lines of {@link dataApiCommandSettings}. */
export const dataApiCommandSettingsHelp: readonly EnvironmentVariableHelp[] = [
  commonSettingsHelp.DATA_API_URLS,
  commonSettingsHelp.DATA_API_TOKEN,
  { name: 'DATA_API_TIMEOUT_MS', description: 'deadline of one data API call', default: '60000' },
  commonSettingsHelp.REDIS_URL,
  commonSettingsHelp.REDIS_KEY_PREFIX,
  { ...commonSettingsHelp.LOG_LEVEL, default: 'warn' },
  commonSettingsHelp.NODE_ENV,
];

/** LOG_LEVEL if set, else `warn` under tests and `info` otherwise. */
export function logLevelFor(level: LogLevel | undefined, nodeEnvironment: string): LogLevel {
  return level ?? (nodeEnvironment === 'test' ? 'warn' : 'info');
}
