import type { ReportWindow } from './report-window';

/** A span [fromMs, toMs) of whole buckets of a report window. */
export interface BucketSpan {
  fromMs: number;
  toMs: number;
}

/** What the warmed cache holds for one entity, as `TimeSeriesStore.readWithChanges` reads it. */
export interface CacheCoverage {
  /** The last complete warm's window (the meta); a missing bucket inside it means zero. */
  warmedFromMs: number;
  warmedToMs: number;
  /** Start of the oldest hour the entity changed in since the warm read it; null: none. */
  changedFromMs: number | null;
}

/**
 * The buckets of a report window the cache may answer: whole buckets inside the last warm's
 * window and before the bucket of the oldest hour changed since (the database added to it
 * after the warm read it). The rest of the window is read from the database. Null: none.
 */
export function cachedSpanOf(window: ReportWindow, coverage: CacheCoverage): BucketSpan | null {
  const floor = (ms: number) => Math.floor(ms / window.bucketMs) * window.bucketMs;
  const ceil = (ms: number) => Math.ceil(ms / window.bucketMs) * window.bucketMs;
  const fromMs = Math.max(window.fromMs, ceil(coverage.warmedFromMs));
  let toMs = Math.min(window.toMs, floor(coverage.warmedToMs));
  if (coverage.changedFromMs !== null) toMs = Math.min(toMs, floor(coverage.changedFromMs));
  return fromMs < toMs ? { fromMs, toMs } : null;
}
