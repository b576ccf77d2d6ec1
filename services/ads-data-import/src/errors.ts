// The error catalogue of ads-data-import: every error the package raises has a stable code
// here, with the exit code a command ends with and the HTTP status a request gets. Tests and
// callers match on `code`, never on message text.
import { RPC_ERROR_CODES, isRpcErrorCode } from '@ads/ads-client';
import { COMMON_ERRORS, type ErrorCatalogue, serviceErrorClass } from '@ads/ads-client/service';

export const DATA_IMPORT_ERRORS = {
  ...COMMON_ERRORS,
  JOB_INVALID: { exit: 'usage', summary: 'a job name or job option given on the command line or in job data is wrong' },
  FEED_SOURCE_UNREADABLE: { exit: 'partial', summary: 'a feed could not be read: missing file, HTTP error, too large, timed out' },
  FEED_SOURCE_REFUSED: {
    exit: 'refused',
    summary:
      'the feed source is refused by policy, not by accident: a scheme other than http(s), an address on this host, a private network or a cloud metadata service (at any redirect), too many redirects, or a local file outside FEED_LOCAL_DIR; no retry changes that',
  },
  FEED_FORMAT_INVALID: { exit: 'dataInvalid', summary: 'the feed’s format cannot be told, or its header or document is not a feed' },
  FEED_ROWS_REFUSED: {
    exit: 'partial',
    summary: 'the feed import ended partially_succeeded or failed: rows were refused (the import run lists them by line and column)',
  },
  JOB_FAILED: { exit: 'partial', summary: 'a job run by a worker failed; the message is the worker’s failure reason' },
  COMMAND_FAILED: { exit: 'partial', summary: 'a platform command (warming, scoring) exited non-zero or could not start' },
  SHUTTING_DOWN: { exit: 'partial', summary: 'a worker shutdown interrupted the job; it goes back to the queue' },
  PORT_UNAVAILABLE: { exit: 'config', summary: 'the worker could not listen on WORKER_HOST and WORKER_PORT (taken, or not allowed)' },
  DASHBOARD_PASSWORD_REQUIRED: {
    exit: 'config',
    summary: 'the worker would serve the queue dashboard beyond loopback (WORKER_HOST) without DASHBOARD_PASSWORD',
  },
  DASHBOARD_HOST_REFUSED: {
    httpStatus: 403,
    summary: 'a dashboard request named a Host the dashboard is not served as (DNS rebinding, a wrong name)',
  },
  DASHBOARD_CROSS_ORIGIN: {
    httpStatus: 403,
    summary: 'a dashboard request that changes something came from another origin (a page in a browser)',
  },
  DASHBOARD_LOCAL_ONLY: { httpStatus: 403, summary: 'without DASHBOARD_PASSWORD the dashboard answers clients on this host only' },
  DASHBOARD_PASSWORD_WRONG: { httpStatus: 401, summary: 'the dashboard needs DASHBOARD_PASSWORD by HTTP Basic auth' },
} as const satisfies ErrorCatalogue;

export type DataImportErrorCode = keyof typeof DATA_IMPORT_ERRORS;

/** The one error class of the package: a stable code, a message naming the field or source. */
export const DataImportError = serviceErrorClass('DataImportError', DATA_IMPORT_ERRORS);
export type DataImportError = InstanceType<typeof DataImportError>;

/** Whether a value names a code of the catalogue (a failure reason read back from a queue). */
export function isDataImportErrorCode(value: string): value is DataImportErrorCode {
  return Object.hasOwn(DATA_IMPORT_ERRORS, value);
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

/**
 * A call of ads-data-api failed: DATA_API_UNAVAILABLE when the API (or the way to it) failed
 * on its side, DATA_API_REFUSED when it refused the call (credentials, arguments).
 */
export class DataApiCallError extends DataImportError {
  override name = 'DataApiCallError';
  constructor(
    message: string,
    /** The RPC error code, e.g. UNAVAILABLE or INVALID_PARAMS. */
    readonly rpcCode: string,
    options: { cause?: unknown } = {},
  ) {
    super(isRefusal(rpcCode) ? 'DATA_API_REFUSED' : 'DATA_API_UNAVAILABLE', message, options);
  }
}

// As the RPC client's own rule (isServerSideFailure): a 5xx or too many requests is the API's side.
function isRefusal(rpcCode: string): boolean {
  return isRpcErrorCode(rpcCode) && RPC_ERROR_CODES[rpcCode].httpStatus < 500 && rpcCode !== 'TOO_MANY_REQUESTS';
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
