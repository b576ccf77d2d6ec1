// Public surface of @ads/ads-client/service: the kit every service is built from (errors and
// exit codes, Redis connections, reads of ads-data-api, logging, configuration, the command
// runner). Services import it by this entry point only; nothing here is needed by a plain
// client of the platform.

export { COMMON_ERRORS, EXIT_CODES, KitError, ServiceError, exitCodeOf, isServiceError, serviceErrorClass } from './service-error.js';
export type { ErrorCatalogue, ErrorCatalogueEntry, ExitKind, ServiceErrorClass, ServiceErrorOptions } from './service-error.js';
export { connectRedis, openRedis } from './connect-redis.js';
export type { ConnectRedisOptions, RedisRole } from './connect-redis.js';
export { subscribeWhenReady } from './subscribe-when-ready.js';
export type { RedisClient } from '../redis/redis-client.js';
export { DataApiReader, dataApiFailure } from './data-api-reader.js';
export type { DataApiReaderOptions } from './data-api-reader.js';
export { withDataApiCommand } from './with-data-api-command.js';
export type { DataApiCommandRun } from './with-data-api-command.js';
export { LOG_LEVELS, createHttpLogger, createLogger } from './create-logger.js';
export type { HttpLoggerOptions, LogLevel, LoggerOptions } from './create-logger.js';
export {
  commonSettings,
  commonSettingsHelp,
  configError,
  dataApiCommandSettings,
  dataApiCommandSettingsHelp,
  logLevelFor,
  parseDataApiCommandEnvironment,
  parseEnvironment,
  requireProductionSecrets,
} from './load-config.js';
export type { DataApiCommandConfig } from './load-config.js';
export { commonHint, describeEnvironment, integerOption, printJsonLine, runCommand, serverCommandLine } from './run-command.js';
export type { EnvironmentVariableHelp, RunCommandOptions, ServerCommandLineOptions } from './run-command.js';
