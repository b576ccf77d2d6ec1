import { redisUrlSetting } from '@ads/ads-client';
import { z } from 'zod';

import { DataApiError } from './errors';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const environmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/ads'),
  REDIS_URL: redisUrlSetting,
  REDIS_KEY_PREFIX: z.string().min(1).max(100).default('ads:'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  LOG_LEVEL: z.enum(logLevels).optional(),
  // Free-form (staging, ci, …); only "test" changes a default here.
  NODE_ENV: z.string().default('development'),
});

/** Settings of the ads-data-api process. */
export interface Config {
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key and channel (see RedisKeys in ads-client). */
  redisKeyPrefix: string;
  port: number;
  logLevel: (typeof logLevels)[number];
  nodeEnv: string;
}

/**
 * Parses the environment into a {@link Config}; throws an error naming each bad variable.
 * Only this module reads `process.env`.
 */
export function loadConfig(environment: Record<string, string | undefined>): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new DataApiError('CONFIG_INVALID', `invalid ads-data-api environment: ${problems.join('; ')}`);
  }
  const env = parsed.data;
  return {
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    port: env.PORT,
    // Tests run many processes in parallel; keep their output to warnings unless asked.
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    nodeEnv: env.NODE_ENV,
  };
}

/** The configuration of this process, parsed once from `process.env`. */
export const config: Config = loadConfig(process.env);
