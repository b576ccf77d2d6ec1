import {
  commonSettings,
  commonSettingsHelp,
  dataApiCommandSettings,
  dataApiCommandSettingsHelp,
  logLevelFor,
  parseDataApiCommandEnvironment,
  parseEnvironment,
  type DataApiCommandConfig,
  type EnvironmentVariableHelp,
  type LogLevel,
} from '@ads/ads-client/service';
import { z } from 'zod';

const SERVICE = 'cache-warming';
const LOCAL_DATA_API = 'http://127.0.0.1:4000/rpc';

// A local data API by default, a shorter deadline (one snapshot page per call).
const environmentSchema = z.object({
  ...dataApiCommandSettings,
  DATA_API_URLS: commonSettings.dataApiUrls.default([LOCAL_DATA_API]),
  DATA_API_TIMEOUT_MS: dataApiCommandSettings.DATA_API_TIMEOUT_MS.unwrap().default(30_000),
  /** How long the version that falls out of "previous" stays readable. */
  INDEX_RETAIN_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
});

const changedHelp: Record<string, Partial<EnvironmentVariableHelp>> = {
  DATA_API_URLS: { default: LOCAL_DATA_API },
  DATA_API_TIMEOUT_MS: { description: 'deadline of one snapshot page', default: '30000' },
  LOG_LEVEL: { default: 'warn, with --watch info' },
};

/** What `run` reads, as `--help` lists it. */
export const environmentHelp: readonly EnvironmentVariableHelp[] = [
  ...dataApiCommandSettingsHelp.map((help) => ({ ...help, ...changedHelp[help.name] })),
  { name: 'INDEX_RETAIN_SECONDS', description: 'how long a version pushed out of "previous" stays readable', default: '600' },
];

/** What `rollback` reads, as `--help` lists it. */
export const rollbackEnvironmentHelp: readonly EnvironmentVariableHelp[] = [
  commonSettingsHelp.REDIS_URL,
  commonSettingsHelp.REDIS_KEY_PREFIX,
  { ...commonSettingsHelp.LOG_LEVEL, default: 'warn' },
];

/** Settings of one cache-warming process. */
export interface Config extends DataApiCommandConfig {
  indexRetainMs: number;
  /** A watcher is a daemon: its log is how it is followed. */
  watchLogLevel: LogLevel;
}

/** Parses the environment; throws CONFIG_INVALID naming each bad variable. */
export function loadConfig(environment: Record<string, string | undefined>): Config {
  const { common, env } = parseDataApiCommandEnvironment(SERVICE, environmentSchema, environment);
  return {
    ...common,
    indexRetainMs: env.INDEX_RETAIN_SECONDS * 1000,
    watchLogLevel: logLevelFor(env.LOG_LEVEL, env.NODE_ENV),
  };
}

/** What `rollback` needs: Redis only (no data API token). */
export type RedisConfig = Pick<Config, 'redisUrl' | 'redisKeyPrefix' | 'logLevel'>;

export function loadRedisConfig(environment: Record<string, string | undefined>): RedisConfig {
  const env = parseEnvironment(SERVICE, environmentSchema.pick({ REDIS_URL: true, REDIS_KEY_PREFIX: true, LOG_LEVEL: true }), environment);
  return { redisUrl: env.REDIS_URL, redisKeyPrefix: env.REDIS_KEY_PREFIX, logLevel: env.LOG_LEVEL ?? 'warn' };
}

/** The configuration of `run`, from `process.env` (this file is the only reader of it). */
export function configFromProcessEnvironment(): Config {
  return loadConfig(process.env);
}

/** The configuration of `rollback`, from `process.env`. */
export function redisConfigFromProcessEnvironment(): RedisConfig {
  return loadRedisConfig(process.env);
}
