// Public surface of @ads/cache-warming (a command; these are exported for its own tests and tools).
export { ServingIndexBuilder } from './domain/serving-index-builder';
export type { BuildCounts } from './domain/serving-index-builder';
export { ServingIndexWarmer } from './app/serving-index-warmer';
export type { WarmSummary } from './app/serving-index-warmer';
export { CacheWarmingError, errorCatalogue } from './errors';
