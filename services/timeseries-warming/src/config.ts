import {
  dataApiCommandSettings,
  dataApiCommandSettingsHelp,
  parseDataApiCommandEnvironment,
  type DataApiCommandConfig,
  type EnvironmentVariableHelp,
} from '@ads/ads-client/service';
import { z } from 'zod';

const SERVICE = 'timeseries-warming';

export const MAX_WARM_DAYS = 90;

const environmentSchema = z.object({
  ...dataApiCommandSettings,
  TIMESERIES_DAYS: z.coerce.number().int().min(1).max(MAX_WARM_DAYS).default(7),
  SPEND_SETTLE_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(15),
});

/** The variables of the schema, as `--help` lists them. */
export const environmentHelp: readonly EnvironmentVariableHelp[] = [
  ...dataApiCommandSettingsHelp,
  { name: 'TIMESERIES_DAYS', description: `days warmed without --days (1 to ${MAX_WARM_DAYS})`, default: '7' },
  { name: 'SPEND_SETTLE_MINUTES', description: "minutes before an ended hour's database total is trusted", default: '15' },
];

/** Settings of one timeseries-warming run. */
export interface Config extends DataApiCommandConfig {
  /** Days warmed when the command line does not say (`--days`). */
  days: number;
  /**
   * Minutes after an hour ends before the database's total for it is trusted as complete: the
   * roll-up needs a few minutes to land the last events of an hour.
   */
  settleMinutes: number;
}

/** Parses an environment into a {@link Config}; throws CONFIG_INVALID naming each bad variable. */
export function loadConfig(environment: Record<string, string | undefined>): Config {
  const { common, env } = parseDataApiCommandEnvironment(SERVICE, environmentSchema, environment);
  return {
    ...common,
    days: env.TIMESERIES_DAYS,
    settleMinutes: env.SPEND_SETTLE_MINUTES,
  };
}

/** The configuration of this process, from `process.env` (the only reader of it). */
export function configFromProcessEnvironment(): Config {
  return loadConfig(process.env);
}
