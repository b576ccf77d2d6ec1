/**
 * The error catalogue of timeseries-warming: every failure the command reports has a stable code and
 * the exit code the process ends with. Tests assert codes, not message text.
 */
export const errorCatalogue = {
  CONFIG_INVALID: { exitCode: 2, summary: 'an environment variable is invalid' },
  CLI_USAGE: { exitCode: 2, summary: 'a command-line argument is invalid' },
  DATA_API_UNAVAILABLE: { exitCode: 3, summary: 'ads-data-api could not be reached, did not answer in time or failed on its side' },
  DATA_API_REFUSED: { exitCode: 4, summary: 'ads-data-api refused a call (credentials, permissions, arguments, unknown method)' },
  REDIS_UNAVAILABLE: { exitCode: 5, summary: 'Redis could not be reached' },
  REDIS_DATA_INVALID: { exitCode: 6, summary: 'a value in Redis does not match its contract' },
} as const satisfies Record<string, { exitCode: number; summary: string }>;

export type WarmingErrorCode = keyof typeof errorCatalogue;

/** The one error class of timeseries-warming: a catalogue code, a precise message, a cause. */
export class WarmingError extends Error {
  override readonly name = 'WarmingError';
  readonly code: WarmingErrorCode;
  readonly exitCode: number;

  constructor(code: WarmingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.exitCode = errorCatalogue[code].exitCode;
  }
}
