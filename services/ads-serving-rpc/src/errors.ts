/**
 * The error catalogue of ads-serving-rpc: every error this package raises has a stable code
 * listed here with the HTTP status it answers with. Tests assert codes, not message text.
 */
export const errorCatalogue = {
  CONFIG_INVALID: { httpStatus: 500, summary: 'the process environment is invalid' },
  BEACON_INVALID: { httpStatus: 400, summary: 'a tracking URL lacks a field or has a malformed one' },
  BEACON_FORGED: { httpStatus: 403, summary: 'a tracking URL does not carry a valid signature' },
  BEACON_EXPIRED: { httpStatus: 410, summary: 'a tracking URL is past its expiry' },
  BEACON_REPLAYED: { httpStatus: 409, summary: 'the event of this tracking URL was counted already' },
  AD_GONE: { httpStatus: 410, summary: 'the clicked ad is no longer served, so there is no landing page to send to' },
  ROUTE_NOT_FOUND: { httpStatus: 404, summary: 'no route for this method and path' },
  METHOD_NOT_ALLOWED: { httpStatus: 405, summary: 'the route does not take this HTTP method' },
  METRICS_UNAUTHORIZED: { httpStatus: 401, summary: '/metrics needs the METRICS_TOKEN as a Bearer token' },
  METRICS_FORBIDDEN: { httpStatus: 403, summary: 'the Bearer token sent to /metrics is not the METRICS_TOKEN' },
} as const satisfies Record<string, { httpStatus: number; summary: string }>;

export type ServingErrorCode = keyof typeof errorCatalogue;

/** The one error class of ads-serving-rpc: a catalogue code, a precise message, a cause. */
export class ServingError extends Error {
  override readonly name = 'ServingError';
  readonly code: ServingErrorCode;
  readonly httpStatus: number;

  constructor(
    code: ServingErrorCode,
    message: string,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.httpStatus = errorCatalogue[code].httpStatus;
  }
}
