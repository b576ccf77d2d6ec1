/**
 * The error catalogue of ads-data-api: every error this package raises has a stable code
 * listed here, with the HTTP status it maps to when it reaches a client. Tests assert codes,
 * not message text.
 */
export const errorCatalogue = {
  CONFIG_INVALID: { httpStatus: 500, summary: 'the process environment is invalid' },
  DATABASE_URL_INVALID: { httpStatus: 500, summary: 'DATABASE_URL cannot be used' },
  SCHEMA_ENGINE_FAILED: { httpStatus: 500, summary: 'the Prisma schema engine refused a command' },
  MIGRATION_FAILED: { httpStatus: 500, summary: 'a migration could not be applied' },
  MIGRATION_NAME_INVALID: { httpStatus: 400, summary: 'a migration name is not usable' },
  MIGRATION_MISSING: { httpStatus: 500, summary: 'prisma/schema.prisma has changes no migration covers' },
  SEED_REFUSED: { httpStatus: 409, summary: 'the database already holds data' },
  CLI_USAGE: { httpStatus: 400, summary: 'a command-line argument is invalid' },
} as const satisfies Record<string, { httpStatus: number; summary: string }>;

export type DataApiErrorCode = keyof typeof errorCatalogue;

/** The one error class of ads-data-api: a catalogue code, a precise message, a cause. */
export class DataApiError extends Error {
  override readonly name = 'DataApiError';
  readonly code: DataApiErrorCode;
  readonly httpStatus: number;

  constructor(code: DataApiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.httpStatus = errorCatalogue[code].httpStatus;
  }
}
