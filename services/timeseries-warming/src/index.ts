// Public surface of timeseries-warming: the pure rules, for tests and for reading them.
export { warmWindow, seriesTtlSeconds } from './domain/warm-window';
export type { WarmWindow } from './domain/warm-window';
export { assembleSeries } from './domain/series-assembly';
export type { QueriedSeries } from './domain/series-assembly';
export { reconcileDaySpend, isUnsettled } from './domain/spend-reconciliation';
export type { HourSpend, SpendReconciliation } from './domain/spend-reconciliation';
export { errorCatalogue, WarmingError } from './errors';
export type { WarmSummary } from './app/time-series-warm';
