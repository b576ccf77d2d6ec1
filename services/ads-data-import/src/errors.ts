// The error catalogue of ads-data-import: every error the package raises has a stable code
// here. Tests and callers match on `code`, never on message text.

export const DATA_IMPORT_ERROR_CODES = {
  /** An environment variable is missing or malformed. */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** A job name or job option given on the command line or in job data is wrong. */
  JOB_INVALID: 'JOB_INVALID',
  /** A feed could not be read: missing file, HTTP error, too large, timed out. */
  FEED_SOURCE_UNREADABLE: 'FEED_SOURCE_UNREADABLE',
  /**
   * The feed source is refused by policy, not by accident: a scheme other than http(s), an
   * address on this host, a private network or a cloud metadata service (at any redirect),
   * too many redirects, or a local file outside FEED_LOCAL_DIR. No retry changes that.
   */
  FEED_SOURCE_REFUSED: 'FEED_SOURCE_REFUSED',
  /** The feed's format cannot be told or its header/document is not a feed. */
  FEED_FORMAT_INVALID: 'FEED_FORMAT_INVALID',
  /** ads-data-api refused or failed a call of the roll-up or the import. */
  DATA_API_FAILED: 'DATA_API_FAILED',
  /** A platform command (warming, scoring) exited non-zero or could not start. */
  COMMAND_FAILED: 'COMMAND_FAILED',
  /** A worker shutdown interrupted the job; it goes back to the queue. */
  SHUTTING_DOWN: 'SHUTTING_DOWN',
  /** The worker could not listen on WORKER_PORT (taken, or not allowed). */
  PORT_UNAVAILABLE: 'PORT_UNAVAILABLE',
  /** The worker would serve the queue dashboard beyond loopback (WORKER_HOST) without DASHBOARD_PASSWORD. */
  DASHBOARD_PASSWORD_REQUIRED: 'DASHBOARD_PASSWORD_REQUIRED',
  /** A dashboard request named a Host the dashboard is not served as (DNS rebinding, a wrong name). */
  DASHBOARD_HOST_REFUSED: 'DASHBOARD_HOST_REFUSED',
  /** A dashboard request that changes something came from another origin (a page in a browser). */
  DASHBOARD_CROSS_ORIGIN: 'DASHBOARD_CROSS_ORIGIN',
} as const;

export type DataImportErrorCode = keyof typeof DATA_IMPORT_ERROR_CODES;

/** The one error class of the package: a stable code, a message naming the field or source. */
export class DataImportError extends Error {
  override name = 'DataImportError';
  readonly code: DataImportErrorCode;

  constructor(code: DataImportErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export class ConfigError extends DataImportError {
  override name = 'ConfigError';
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

export class JobInvalidError extends DataImportError {
  override name = 'JobInvalidError';
  constructor(message: string) {
    super('JOB_INVALID', message);
  }
}

export class FeedSourceError extends DataImportError {
  override name = 'FeedSourceError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('FEED_SOURCE_UNREADABLE', message, options);
  }
}

/** A feed source refused by policy (see `FEED_SOURCE_REFUSED`): the job fails without retries. */
export class FeedSourceRefusedError extends DataImportError {
  override name = 'FeedSourceRefusedError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('FEED_SOURCE_REFUSED', message, options);
  }
}

export class FeedFormatError extends DataImportError {
  override name = 'FeedFormatError';
  constructor(
    message: string,
    /** Problems with line and field, when the format error can be pinned down. */
    readonly problems: { line: number; field: string; message: string }[] = [],
  ) {
    super('FEED_FORMAT_INVALID', message);
  }
}

export class DataApiCallError extends DataImportError {
  override name = 'DataApiCallError';
  constructor(
    message: string,
    /** The RPC error code, e.g. UNAVAILABLE or INVALID_PARAMS. */
    readonly rpcCode: string,
    options: { cause?: unknown } = {},
  ) {
    super('DATA_API_FAILED', message, options);
  }
}

export class CommandFailedError extends DataImportError {
  override name = 'CommandFailedError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('COMMAND_FAILED', message, options);
  }
}

/** A shutdown interrupted a feed import; the job goes back to the queue (imports are idempotent). */
export class ImportInterruptedError extends DataImportError {
  override name = 'ImportInterruptedError';
  constructor() {
    super('SHUTTING_DOWN', 'the feed import was interrupted by a worker shutdown');
  }
}

/** A shutdown stopped a platform command; the job goes back to the queue. */
export class CommandInterruptedError extends DataImportError {
  override name = 'CommandInterruptedError';
  constructor(command: string) {
    super('SHUTTING_DOWN', `${command} was stopped by a worker shutdown`);
  }
}
