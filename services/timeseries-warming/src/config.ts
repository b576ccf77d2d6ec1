import { redisUrlSetting } from '@ads/ads-client';
import { commonSettings, commonSettingsHelp, parseEnvironment, requireProductionSecrets, type EnvironmentVariableHelp, type LogLevel } from '@ads/ads-client/service';
import { z } from 'zod';

const SERVICE = 'timeseries-warming';

export const MAX_WARM_DAYS = 90;

const environmentSchema = z.object({
  DATA_API_URLS: commonSettings.dataApiUrls,
  DATA_API_TOKEN: commonSettings.dataApiToken,
  DATA_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
  REDIS_URL: redisUrlSetting,
  REDIS_KEY_PREFIX: commonSettings.redisKeyPrefix,
  TIMESERIES_DAYS: z.coerce.number().int().min(1).max(MAX_WARM_DAYS).default(7),
  SPEND_SETTLE_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(15),
  LOG_LEVEL: commonSettings.logLevel,
  NODE_ENV: commonSettings.nodeEnv,
});

/** The variables above as `--help` lists them. */
export const environmentHelp: readonly EnvironmentVariableHelp[] = [
  commonSettingsHelp.DATA_API_URLS,
  commonSettingsHelp.DATA_API_TOKEN,
  { name: 'DATA_API_TIMEOUT_MS', description: 'deadline of one data API call', default: '60000' },
  commonSettingsHelp.REDIS_URL,
  commonSettingsHelp.REDIS_KEY_PREFIX,
  { name: 'TIMESERIES_DAYS', description: `days warmed when --days is not given (1 to ${MAX_WARM_DAYS})`, default: '7' },
  { name: 'SPEND_SETTLE_MINUTES', description: "minutes after an hour ends before the database's total for it is trusted", default: '15' },
  { ...commonSettingsHelp.LOG_LEVEL, default: 'warn' },
  commonSettingsHelp.NODE_ENV,
];

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
  /** A command logs warnings and failures only unless LOG_LEVEL asks for more: its report is on stdout. */
  logLevel: LogLevel;
}

/** Parses an environment into a {@link Config}; throws CONFIG_INVALID naming each bad variable. */
export function loadConfig(environment: Record<string, string | undefined>): Config {
  const env = parseEnvironment(SERVICE, environmentSchema, environment);
  requireProductionSecrets(SERVICE, env.NODE_ENV, { DATA_API_TOKEN: env.DATA_API_TOKEN });
  return {
    dataApiUrls: env.DATA_API_URLS,
    dataApiToken: env.DATA_API_TOKEN,
    dataApiTimeoutMs: env.DATA_API_TIMEOUT_MS,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    days: env.TIMESERIES_DAYS,
    settleMinutes: env.SPEND_SETTLE_MINUTES,
    logLevel: env.LOG_LEVEL ?? 'warn',
  };
}

/** The configuration of this process, from `process.env` (the only reader of it). */
export function configFromProcessEnvironment(): Config {
  return loadConfig(process.env);
}
