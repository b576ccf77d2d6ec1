// Public surface of @ads/ads-client/service: the kit every service is built from (errors and
// exit codes, Redis connections, reads of ads-data-api, logging, configuration, the command
// runner). Services import it by this entry point only; nothing here is needed by a plain
// client of the platform.

export { COMMON_ERRORS, EXIT_CODES, KitError, ServiceError, exitCodeOf, serviceErrorClass } from './service-error';
export type { ErrorCatalogue, ErrorCatalogueEntry, ExitKind, ServiceErrorClass, ServiceErrorOptions } from './service-error';
export { connectRedis, openRedis } from './connect-redis';
export type { ConnectRedisOptions, RedisRole } from './connect-redis';
export { DataApiReader, dataApiFailure } from './data-api-reader';
export type { DataApiReaderOptions } from './data-api-reader';
export { LOG_LEVELS, createHttpLogger, createLogger } from './create-logger';
export type { HttpLoggerOptions, LogLevel, LoggerOptions } from './create-logger';
export { commonSettings, commonSettingsHelp, configError, dataApiCommandSettings, dataApiCommandSettingsHelp, logLevelFor, parseEnvironment, requireProductionSecrets } from './load-config';
export { commonHint, describeEnvironment, integerOption, printJsonLine, runCommand } from './run-command';
export type { EnvironmentVariableHelp, RunCommandOptions } from './run-command';
