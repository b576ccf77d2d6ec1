// Prisma wraps PostgreSQL errors differently for model queries (P2002…), raw queries (P2010)
// and transactions (P2034); the SQLSTATE sits at a different depth in each.

interface WrappedError {
  code?: unknown;
  meta?: {
    code?: unknown;
    driverAdapterError?: { cause?: { originalCode?: unknown; originalMessage?: unknown; constraint?: { index?: unknown } } };
  };
  cause?: { originalCode?: unknown; code?: unknown };
}

/** The SQLSTATE of a PostgreSQL error wrapped by Prisma and its pg adapter, if there is one. */
export function sqlStateOf(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const wrapped = error as WrappedError;
  const candidates = [
    wrapped.meta?.driverAdapterError?.cause?.originalCode,
    wrapped.cause?.originalCode,
    wrapped.meta?.code,
    wrapped.cause?.code,
  ];
  const found = candidates.find((value) => typeof value === 'string' && /^[0-9A-Z]{5}$/.test(value));
  return found as string | undefined;
}

/** The constraint named in a PostgreSQL error message, e.g. `campaign_bid_amount_check`. */
export function constraintOf(error: unknown): string | undefined {
  // Unique violations name their index in a field of their own, not in the message.
  const index = (error as WrappedError | null)?.meta?.driverAdapterError?.cause?.constraint?.index;
  if (typeof index === 'string') return index;
  const original = (error as WrappedError | null)?.meta?.driverAdapterError?.cause?.originalMessage;
  const message = typeof original === 'string' ? original : error instanceof Error ? error.message : '';
  return /constraint "([^"]+)"/.exec(message)?.[1];
}

/** Deadlocks and serialization failures: the transaction did nothing and may simply run again. */
export function isRetryableTransactionError(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === '40P01' || state === '40001' || (error as WrappedError | null)?.code === 'P2034';
}

/** A unique index refused a row that a concurrent writer inserted first. */
export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === '23505' || (error as WrappedError | null)?.code === 'P2002';
}
