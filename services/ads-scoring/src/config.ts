import {
  configError,
  dataApiCommandSettings,
  dataApiCommandSettingsHelp,
  parseDataApiCommandEnvironment,
  type DataApiCommandConfig,
  type EnvironmentVariableHelp,
} from '@ads/ads-client/service';
import { z } from 'zod';

const SERVICE = 'ads-scoring';

const environmentSchema = z.object({
  ...dataApiCommandSettings,
  SCORING_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  SCORING_PRIOR_STRENGTH: z.coerce.number().positive().max(1e9).default(1000),
  SCORING_DEFAULT_CTR: z.coerce.number().gt(0).lt(1).default(0.005),
  PACING_MIN_FACTOR: z.coerce.number().min(0).max(1).default(0.5),
  PACING_MAX_FACTOR: z.coerce.number().min(1).max(10).default(2),
  PACING_DAMPING: z.coerce.number().min(0).max(1).default(0.05),
  SCORES_RETIRE_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(600),
});

/** The variables of the schema, as `--help` lists them. */
export const environmentHelp: readonly EnvironmentVariableHelp[] = [
  ...dataApiCommandSettingsHelp,
  { name: 'SCORING_WINDOW_DAYS', description: 'days of performance the scores are computed from', default: '7' },
  { name: 'SCORING_PRIOR_STRENGTH', description: "impressions' worth of evidence the CTR prior carries", default: '1000' },
  { name: 'SCORING_DEFAULT_CTR', description: 'CTR assumed when the platform has no traffic in the window', default: '0.005' },
  { name: 'PACING_MIN_FACTOR', description: 'lowest pacing factor', default: '0.5' },
  { name: 'PACING_MAX_FACTOR', description: 'highest pacing factor', default: '2' },
  { name: 'PACING_DAMPING', description: 'how far one run moves a pacing factor', default: '0.05' },
  { name: 'SCORES_RETIRE_AFTER_SECONDS', description: 'how long a version pushed out of "previous" stays readable', default: '600' },
];

/** Settings of one ads-scoring run. */
export interface Config extends DataApiCommandConfig {
  /** Days of performance the scores are computed from. */
  windowDays: number;
  /** Impressions' worth of evidence the prior carries (Beta α + β). */
  priorStrength: number;
  /** CTR assumed when the platform has no traffic at all in the window. */
  defaultCtr: number;
  pacing: { min: number; max: number; damping: number };
  /** How long the version pushed out of `previous` stays readable. */
  retireAfterSeconds: number;
}

/** Parses an environment into a {@link Config}; throws CONFIG_INVALID naming each bad variable. */
export function loadConfig(environment: Record<string, string | undefined>): Config {
  const { common, env } = parseDataApiCommandEnvironment(SERVICE, environmentSchema, environment);
  if (env.PACING_MIN_FACTOR > env.PACING_MAX_FACTOR) throw configError(SERVICE, ['PACING_MIN_FACTOR: must not exceed PACING_MAX_FACTOR']);
  return {
    ...common,
    windowDays: env.SCORING_WINDOW_DAYS,
    priorStrength: env.SCORING_PRIOR_STRENGTH,
    defaultCtr: env.SCORING_DEFAULT_CTR,
    pacing: { min: env.PACING_MIN_FACTOR, max: env.PACING_MAX_FACTOR, damping: env.PACING_DAMPING },
    retireAfterSeconds: env.SCORES_RETIRE_AFTER_SECONDS,
  };
}

/** The configuration of this process, from `process.env` (the only reader of it). */
export function configFromProcessEnvironment(): Config {
  return loadConfig(process.env);
}
