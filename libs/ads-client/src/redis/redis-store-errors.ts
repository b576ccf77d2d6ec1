// The errors of the typed Redis stores (time series, scores): stable codes, names set.

/**
 * A value read from Redis that does not match its contract (a corrupted or foreign write).
 * Names the key and the field so that an operator can find it.
 */
export class RedisValueError extends Error {
  override name = 'RedisValueError';
  readonly code = 'REDIS_VALUE_INVALID';

  constructor(
    readonly key: string,
    readonly field: string | undefined,
    detail: string,
  ) {
    super(`${key}${field === undefined ? '' : ` field ${field}`}: ${detail}`);
  }
}

/** A store's write did not happen as a whole (a discarded transaction, a refused flip). */
export class RedisWriteError extends Error {
  override name = 'RedisWriteError';
  readonly code = 'REDIS_WRITE_FAILED';

  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`${key}: ${detail}`);
  }
}
