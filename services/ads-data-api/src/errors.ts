import { COMMON_ERRORS, serviceErrorClass, type ErrorCatalogue, type ServiceErrorOptions } from '@ads/ads-client/service';

/**
 * The error catalogue of ads-data-api: every error this package raises has a stable code
 * listed here, with the HTTP status it maps to when it reaches a client and the exit code of a
 * command that ends with it. Tests assert codes, not message text.
 */
export const errorCatalogue = {
  ...COMMON_ERRORS,
  DATABASE_URL_INVALID: { exit: 'config', httpStatus: 500, summary: 'DATABASE_URL cannot be used' },
  SCHEMA_ENGINE_FAILED: { httpStatus: 500, summary: 'the Prisma schema engine refused a command' },
  MIGRATION_FAILED: { exit: 'partial', httpStatus: 500, summary: 'a migration could not be applied' },
  MIGRATION_NAME_INVALID: { exit: 'usage', httpStatus: 400, summary: 'a migration name is not usable' },
  MIGRATION_MISSING: { exit: 'refused', httpStatus: 500, summary: 'prisma/schema.prisma has changes no migration covers' },
  SEED_REFUSED: { exit: 'refused', httpStatus: 409, summary: 'the database already holds data' },
  SNAPSHOT_CURSOR_INVALID: { httpStatus: 400, summary: 'an inventory snapshot cursor is not one this server issued' },
  STATS_ROW_INVALID: { httpStatus: 400, summary: 'a stats row names an unknown ad or overflows a counter' },
  STATS_QUERY_INVALID: { httpStatus: 400, summary: 'a stats query range or id is not usable' },
  OPPORTUNITY_INGEST_INVALID: {
    httpStatus: 400,
    summary: 'an opportunity ingest repeats a placement key or is older than the retention',
  },
  IMPORT_RUN_INVALID: { httpStatus: 400, summary: 'an import run record is inconsistent' },
  IMPORT_RUN_NOT_FOUND: { httpStatus: 404, summary: 'no import run has this id' },
  IMPORT_CONFLICT: { httpStatus: 409, summary: 'feed rows kept colliding with concurrent writes' },
  IMPORT_STALE_READ: { httpStatus: 409, summary: 'a row changed between reading and writing feed rows (retried internally)' },
  // REST API (`/api/v1`): the `code` of its problem documents.
  BAD_REQUEST: { httpStatus: 400, summary: 'the request cannot be read (not JSON, wrong content type)' },
  UNAUTHORIZED: { httpStatus: 401, summary: 'no API key, or an unknown or revoked one' },
  FORBIDDEN: { httpStatus: 403, summary: "the API key's role may not do this" },
  NOT_FOUND: { httpStatus: 404, summary: 'no such row, or not one this API key may see' },
  METHOD_NOT_ALLOWED: { httpStatus: 405, summary: 'the resource does not answer this method' },
  CONFLICT: { httpStatus: 409, summary: 'the write breaks a business rule or a uniqueness constraint' },
  PRECONDITION_FAILED: { httpStatus: 412, summary: 'If-Match names a version that is no longer current' },
  UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, summary: 'the body is not application/json' },
  VALIDATION_FAILED: { httpStatus: 422, summary: 'fields of the body, query or headers are invalid' },
  IDEMPOTENCY_KEY_REUSED: { httpStatus: 422, summary: 'an Idempotency-Key was already used for another request' },
  PRECONDITION_REQUIRED: { httpStatus: 428, summary: 'the write needs an If-Match header' },
  // For the data API's own commands PostgreSQL is the data API's side: the same exit code as
  // a data API that does not answer.
  DATABASE_UNAVAILABLE: {
    exit: 'dataApiUnavailable',
    httpStatus: 503,
    summary: 'PostgreSQL does not answer; nothing was written, retry after Retry-After seconds',
  },
} as const satisfies ErrorCatalogue;

export type DataApiErrorCode = keyof typeof errorCatalogue;

/** One bad field of a request: `path` names it (e.g. `["rows", 17, "adId"]`). */
export interface DataApiFieldIssue {
  path: (string | number)[];
  message: string;
}

/** What a {@link DataApiError} may carry besides its code and message. */
export interface DataApiErrorOptions extends ServiceErrorOptions {
  /** The fields at fault, when the error is about a request's content. */
  fields?: DataApiFieldIssue[];
}

const CatalogueError = serviceErrorClass('DataApiError', errorCatalogue);

/**
 * The one error class of ads-data-api: a catalogue code, a precise message, a cause, and the
 * fields at fault (listed in REST problem documents and RPC error data).
 */
export class DataApiError extends CatalogueError {
  readonly fields: DataApiFieldIssue[];

  constructor(code: DataApiErrorCode, message: string, options?: DataApiErrorOptions) {
    super(code, message, options);
    this.fields = options?.fields ?? [];
  }
}
