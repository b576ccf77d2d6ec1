/**
 * The exit codes every command of the platform ends with, by kind of failure, so that a script
 * or a supervisor reads the same number for the same failure whichever service it ran:
 * 0 ok, 1 unexpected, 2 usage, 3 config, 4 unavailable, 5 refused, 6 invalid data, 7 partial.
 */
export const EXIT_CODES = {
  /** The command did what it was asked. */
  ok: 0,
  /** A failure no catalogue names: a bug. The stack is printed and logged. */
  unexpected: 1,
  /** A command-line argument is invalid; nothing was done. */
  usage: 2,
  /** An environment variable is missing or invalid; nothing was done. */
  config: 3,
  /** ads-data-api could not be reached, did not answer in time or failed on its side. */
  dataApiUnavailable: 4,
  /** Redis could not be reached. */
  redisUnavailable: 4,
  /** ads-data-api refused a call: credentials, permissions, arguments, unknown method. */
  dataApiRefused: 5,
  /** The command's own rule refused it (say, nothing to roll back). */
  refused: 5,
  /** A stored value (in Redis, in a snapshot, in a feed) does not match its contract. */
  dataInvalid: 6,
  /** The command ran, but part of its work failed (say, some rows of an import). */
  partial: 7,
} as const;

export type ExitKind = keyof typeof EXIT_CODES;

/** One entry of a service's error catalogue: what the code means and how it surfaces. */
export interface ErrorCatalogueEntry {
  summary: string;
  /** The exit code of a command that ends with this error. Default: `unexpected`. */
  exit?: ExitKind;
  /** The HTTP status of a request that ends with this error. Default: 500. */
  httpStatus?: number;
}

export type ErrorCatalogue = Record<string, ErrorCatalogueEntry>;

/**
 * The failures every service shares. A service's catalogue spreads these in and adds its own,
 * so the same failure has the same code and exit code everywhere.
 */
export const COMMON_ERRORS = {
  CONFIG_INVALID: { exit: 'config', summary: 'an environment variable is missing or invalid' },
  CLI_USAGE: { exit: 'usage', httpStatus: 400, summary: 'a command-line argument is invalid' },
  DATA_API_UNAVAILABLE: {
    exit: 'dataApiUnavailable',
    httpStatus: 503,
    summary: 'ads-data-api could not be reached, did not answer in time or failed on its side',
  },
  DATA_API_REFUSED: {
    exit: 'dataApiRefused',
    httpStatus: 502,
    summary: 'ads-data-api refused a call (credentials, permissions, arguments, unknown method)',
  },
  DATA_API_ANSWER_INVALID: {
    exit: 'dataInvalid',
    httpStatus: 502,
    summary: 'ads-data-api answered with something its contract does not allow',
  },
  REDIS_UNAVAILABLE: { exit: 'redisUnavailable', httpStatus: 503, summary: 'Redis could not be reached' },
  REDIS_DATA_INVALID: { exit: 'dataInvalid', summary: 'a value in Redis does not match its contract' },
} as const satisfies ErrorCatalogue;

export interface ServiceErrorOptions {
  cause?: unknown;
  /**
   * The one input at fault, when the error is about one: a query parameter, a command-line
   * option, an environment variable. An HTTP service puts it in its error body.
   */
  field?: string;
}

/**
 * The base of every service's error: a stable catalogue code (tests and callers match on it,
 * never on message text), a precise message, the exit code and HTTP status of the code.
 */
export class ServiceError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly exitCode: number;
  readonly httpStatus: number;
  /** The input at fault (see {@link ServiceErrorOptions.field}); undefined when none is. */
  readonly field: string | undefined;

  constructor(code: Code, entry: ErrorCatalogueEntry, message: string, options?: ServiceErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = EXIT_CODES[entry.exit ?? 'unexpected'];
    this.httpStatus = entry.httpStatus ?? 500;
    this.field = options?.field;
  }
}

/** The error class a service declares over its catalogue. */
export type ServiceErrorClass<Code extends string> = new (code: Code, message: string, options?: ServiceErrorOptions) => ServiceError<Code>;

/**
 * Declares a service's error class over its catalogue:
 * `export const ScoringError = serviceErrorClass('ScoringError', errorCatalogue);`
 * `export type ScoringError = InstanceType<typeof ScoringError>;`
 */
export function serviceErrorClass<const Catalogue extends ErrorCatalogue>(
  name: string,
  catalogue: Catalogue,
): ServiceErrorClass<keyof Catalogue & string> {
  type Code = keyof Catalogue & string;
  const named = class extends ServiceError<Code> {
    constructor(code: Code, message: string, options?: ServiceErrorOptions) {
      super(code, catalogue[code]!, message, options);
    }
  };
  Object.defineProperty(named, 'name', { value: name });
  Object.defineProperty(named.prototype, 'name', { value: name, writable: true, configurable: true });
  return named;
}

/** The kit's own failures (Redis connection, configuration), for services that raise them through the kit. */
export const KitError = serviceErrorClass('ServiceKitError', COMMON_ERRORS);
export type KitError = InstanceType<typeof KitError>;

/** Whether a value is an error of some service's catalogue (or the kit's). */
export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof ServiceError;
}

/** The exit code a command ends with for an error: the catalogue's, or 1 for anything else. */
export function exitCodeOf(error: unknown): number {
  return isServiceError(error) ? error.exitCode : EXIT_CODES.unexpected;
}
