import { redisUrlSetting } from '@ads/ads-client';
import { commonSettings, logLevelFor, parseEnvironment, type EnvironmentVariableHelp, type LogLevel } from '@ads/ads-client/service';
import { z } from 'zod';

/** The default DATABASE_URL: the local PostgreSQL of the development stack. */
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/ads';

/**
 * Where the demo seed's creative images are by default: ads-serving-rpc on its default port
 * (the local stack's public serving address too), which serves them next to its demo page.
 */
export const DEFAULT_DEMO_CREATIVES_BASE_URL = 'http://127.0.0.1:4100/demo/creatives';

const environmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default(DEFAULT_DATABASE_URL),
  REDIS_URL: redisUrlSetting,
  REDIS_KEY_PREFIX: commonSettings.redisKeyPrefix,
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  // The public base of serving's /demo/creatives, as browsers reach it (PUBLIC_BASE_URL of serving + /demo/creatives).
  DEMO_CREATIVES_BASE_URL: z.url({ protocol: /^https?$/ }).default(DEFAULT_DEMO_CREATIVES_BASE_URL),
  LOG_LEVEL: commonSettings.logLevel,
  // Free-form (staging, ci, …); only "test" changes a default here.
  NODE_ENV: commonSettings.nodeEnv,
});

/** Settings of the ads-data-api process. */
export interface Config {
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key and channel (see RedisKeys in ads-client). */
  redisKeyPrefix: string;
  port: number;
  /** Base URL of the demo seed's creative images, without a trailing slash. */
  demoCreativesBaseUrl: string;
  /** The server's log level: LOG_LEVEL, else `warn` under tests and `info` otherwise. */
  logLevel: LogLevel;
  /** A command's log level: LOG_LEVEL, else `warn`, so its own summary stays readable. */
  commandLogLevel: LogLevel;
  nodeEnv: string;
}

/**
 * Parses the environment (the process' own unless given) into a {@link Config}; throws one
 * CONFIG_INVALID error naming each bad variable. Only this module reads `process.env`.
 */
export function loadConfig(environment: Record<string, string | undefined> = process.env): Config {
  const env = parseEnvironment('ads-data-api', environmentSchema, environment);
  return {
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisKeyPrefix: env.REDIS_KEY_PREFIX,
    port: env.PORT,
    demoCreativesBaseUrl: env.DEMO_CREATIVES_BASE_URL.replace(/\/+$/, ''),
    // Tests run many processes in parallel; keep their output to warnings unless asked.
    logLevel: logLevelFor(env.LOG_LEVEL, env.NODE_ENV),
    commandLogLevel: env.LOG_LEVEL ?? 'warn',
    nodeEnv: env.NODE_ENV,
  };
}

/** The variables the commands read, for their `--help`. */
export const databaseVariables: readonly EnvironmentVariableHelp[] = [
  { name: 'DATABASE_URL', description: 'PostgreSQL database of ads-data-api', default: DEFAULT_DATABASE_URL },
  { name: 'LOG_LEVEL', description: 'pino log level of the JSON lines on stderr', default: 'warn' },
];

/** The variables the server reads, for its `--help`. */
export const serverVariables: readonly EnvironmentVariableHelp[] = [
  { name: 'PORT', description: 'port of REST, RPC and the dashboard', default: '4000' },
  { name: 'DATABASE_URL', description: 'PostgreSQL database of ads-data-api', default: DEFAULT_DATABASE_URL },
  { name: 'REDIS_URL', description: 'Redis for inventory notices and the report cache', default: 'redis://127.0.0.1:6379' },
  { name: 'REDIS_KEY_PREFIX', description: 'prefix of every Redis key and channel', default: 'ads:' },
  { name: 'DEMO_CREATIVES_BASE_URL', description: "where the demo ads' images are", default: DEFAULT_DEMO_CREATIVES_BASE_URL },
  { name: 'LOG_LEVEL', description: 'pino log level of the JSON lines on stderr', default: 'info (warn when NODE_ENV=test)' },
  { name: 'NODE_ENV', description: 'free-form; "test" quiets the log', default: 'development' },
];

/** The variables `db:seed` reads, for its `--help`. */
export const seedVariables: readonly EnvironmentVariableHelp[] = [
  ...databaseVariables,
  {
    name: 'DEMO_CREATIVES_BASE_URL',
    description: "where the demo ads' images are: ads-serving-rpc's public URL + /demo/creatives",
    default: DEFAULT_DEMO_CREATIVES_BASE_URL,
  },
];

/**
 * The environment of the Prisma CLI run by `db:generate`: this process' own (a child process
 * environment, not configuration of ours) plus the switches that keep it offline.
 */
export function prismaCliEnvironment(engineStandIn: string): Record<string, string | undefined> {
  return {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: engineStandIn,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  };
}
