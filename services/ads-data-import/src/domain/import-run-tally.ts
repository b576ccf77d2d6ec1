import type { ImportRun } from '@ads/ads-client';
import { MAX_QUOTED_LENGTH, boundedText } from './bounded-text';
import type { FeedRowError } from './feed-row';

/** The longest message of a stored error: room for this package's own texts (the list of feed columns), not for a file. */
const MAX_MESSAGE_LENGTH = 1_000;

/** An error as it may be stored: the field (a column name, or what stands in for one) and the message both bounded. */
function storable(error: FeedRowError): FeedRowError {
  return { line: error.line, field: boundedText(error.field, MAX_QUOTED_LENGTH), message: boundedText(error.message, MAX_MESSAGE_LENGTH) };
}

export type RowOutcome = 'created' | 'updated' | 'unchanged';

/** The counts of an import run so far, as ads-data-api `imports.recordRun` takes them. */
export interface ImportRunCounts {
  total: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  errors: FeedRowError[];
}

/**
 * Counts the rows of one import as they are read, refused and upserted. Counts stay exact;
 * the stored error list is capped so that a feed of a million bad rows does not become a
 * million-entry record.
 */
export class ImportRunTally {
  private readonly counts: Omit<ImportRunCounts, 'errors'> = { total: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
  private readonly errors: FeedRowError[] = [];
  private droppedErrors = 0;
  private fatal: FeedRowError[] | undefined;

  constructor(private readonly maxStoredErrors: number) {}

  rowRead(): void {
    this.counts.total += 1;
  }

  rowRefused(errors: readonly FeedRowError[]): void {
    this.counts.failed += 1;
    for (const error of errors) this.addError(error);
  }

  rowUpserted(outcome: RowOutcome): void {
    this.counts[outcome] += 1;
  }

  /** The whole feed failed (unreadable source, bad header): its errors come first, no row is counted for them. */
  feedFailed(errors: readonly FeedRowError[]): void {
    this.fatal = [...(this.fatal ?? []), ...errors.map(storable)];
  }

  get failed(): number {
    return this.counts.failed;
  }

  snapshot(): ImportRunCounts {
    const errors = [...(this.fatal ?? []), ...this.errors];
    if (this.droppedErrors > 0) {
      errors.push({
        line: 0,
        field: '(feed)',
        message: `${this.droppedErrors} more errors were not stored (limit ${this.maxStoredErrors})`,
      });
    }
    return { ...this.counts, errors };
  }

  /** succeeded: every row landed; partially_succeeded: some rows refused; failed: none landed or the feed failed. */
  status(): Extract<ImportRun['status'], 'succeeded' | 'partially_succeeded' | 'failed'> {
    if (this.fatal !== undefined) return 'failed';
    if (this.counts.failed === 0) return 'succeeded';
    return this.counts.failed === this.counts.total ? 'failed' : 'partially_succeeded';
  }

  private addError(error: FeedRowError): void {
    if (this.errors.length < this.maxStoredErrors) this.errors.push(storable(error));
    else this.droppedErrors += 1;
  }
}
