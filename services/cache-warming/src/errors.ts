/**
 * The error catalogue of cache-warming: a stable code per failure, the exit code the command
 * ends with, and a summary. Tests assert codes, not message text.
 */
export const errorCatalogue = {
  CONFIG_INVALID: { exitCode: 2, summary: 'the process environment is invalid' },
  CLI_USAGE: { exitCode: 2, summary: 'a command-line argument is invalid' },
  DATA_API_UNAVAILABLE: { exitCode: 3, summary: 'the data API did not answer' },
  DATA_API_REFUSED: { exitCode: 3, summary: 'the data API refused the snapshot call' },
  SNAPSHOT_INCOMPLETE: { exitCode: 3, summary: 'the snapshot had no first page with placements' },
  SNAPSHOT_INVALID: { exitCode: 3, summary: 'a snapshot page does not match the data API contract' },
  REDIS_UNAVAILABLE: { exitCode: 4, summary: 'Redis did not answer' },
  INDEX_WRITE_FAILED: { exitCode: 4, summary: 'the index version could not be written or published' },
  NO_PREVIOUS_VERSION: { exitCode: 5, summary: 'rollback: there is no previous index version to go back to' },
} as const satisfies Record<string, { exitCode: number; summary: string }>;

export type CacheWarmingErrorCode = keyof typeof errorCatalogue;

/** The one error class of cache-warming: a catalogue code, a precise message, a cause. */
export class CacheWarmingError extends Error {
  override readonly name = 'CacheWarmingError';
  readonly code: CacheWarmingErrorCode;
  readonly exitCode: number;

  constructor(code: CacheWarmingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.exitCode = errorCatalogue[code].exitCode;
  }
}
