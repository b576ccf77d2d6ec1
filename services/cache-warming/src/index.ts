// Public surface of @ads/cache-warming (a command; these are exported for its own tests and tools).
export { ServingIndexBuilder } from './domain/serving-index-builder';
export type { BuildCounts } from './domain/serving-index-builder';
export { ServingIndexWarmer } from './serving-index-warmer';
export type { WarmSummary } from './serving-index-warmer';
export { CacheWarmingError, errorCatalogue } from './errors';
export { runCli } from './cli/run-cli';
