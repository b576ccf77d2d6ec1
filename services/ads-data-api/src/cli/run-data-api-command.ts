import type { Command } from 'commander';
import type { Logger } from 'pino';
import { createLogger, describeEnvironment, runCommand, type EnvironmentVariableHelp, type ServiceError } from '@ads/ads-client/service';
import { databaseVariables, loadConfig, type Config } from '../config';
import { DataApiError } from '../errors';
import { isDatabaseUnreachable } from '../store/database-outage';
import { databaseNameOf } from '../store/database-url';

/** What a command's action works with: the parsed environment and a logger writing JSON to stderr. */
export interface CommandContext {
  config: Config;
  logger: Logger;
}

/** Reads the environment (only when the command runs, so that `--help` needs none). */
export function commandContext(): CommandContext {
  const config = loadConfig();
  return { config, logger: createLogger({ service: 'ads-data-api', level: config.commandLogLevel, kind: 'command' }) };
}

function hintFor(error: ServiceError): string | undefined {
  if (error.code === 'DATABASE_UNAVAILABLE') return 'is PostgreSQL running? DATABASE_URL names the database (see --help)';
  if (error.code === 'CONFIG_INVALID' || error.code === 'DATABASE_URL_INVALID')
    return 'see --help for the environment variables this command reads';
  return undefined;
}

/**
 * Wraps a command's action: a database that cannot be reached becomes DATABASE_UNAVAILABLE
 * naming the database, instead of the driver's stack.
 */
export function withDatabase<Args extends unknown[]>(
  action: (context: CommandContext, ...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args) => {
    const context = commandContext();
    try {
      await action(context, ...args);
    } catch (error) {
      if (!isDatabaseUnreachable(error)) throw error;
      // Prisma's message starts with the call site; the reason is its last line.
      const reason = (error instanceof Error ? error.message : String(error)).trim().split('\n').pop();
      throw new DataApiError(
        'DATABASE_UNAVAILABLE',
        `PostgreSQL does not answer for database ${databaseNameOf(context.config.databaseUrl)}: ${reason}`,
        { cause: error },
      );
    }
  };
}

/**
 * Runs one of the data API's commands (commander): `--help` names the environment variables
 * it reads; a failure is one line on stderr (`ads-data-api: CODE: message`, and a hint where
 * one helps) and the platform's exit code.
 */
export function runDataApiCommand(program: Command, variables: readonly EnvironmentVariableHelp[] = databaseVariables): void {
  if (variables.length > 0) describeEnvironment(program, variables);
  void runCommand(program, { argv: process.argv.slice(2), service: 'ads-data-api', hint: hintFor }).then((exitCode) => {
    process.exitCode = exitCode;
  });
}
