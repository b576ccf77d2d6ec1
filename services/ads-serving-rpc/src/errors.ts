import { COMMON_ERRORS, serviceErrorClass, type ErrorCatalogue } from '@ads/ads-client/service';

/**
 * The error catalogue of ads-serving-rpc: every error this package raises has a stable code
 * listed here with the HTTP status it answers with (and, for the process, its exit code).
 * Tests assert codes, not message text. A beacon's BEACON_INVALID names the query parameter
 * at fault in `field`, which the error body carries.
 */
export const errorCatalogue = {
  ...COMMON_ERRORS,
  BEACON_INVALID: { httpStatus: 400, summary: 'a tracking URL lacks a field or has a malformed one' },
  BEACON_FORGED: { httpStatus: 403, summary: 'a tracking URL does not carry a valid signature' },
  BEACON_EXPIRED: { httpStatus: 410, summary: 'a tracking URL is past its expiry' },
  BEACON_REPLAYED: { httpStatus: 409, summary: 'the event of this tracking URL was counted already' },
  AD_GONE: { httpStatus: 410, summary: 'the clicked ad is no longer served, so there is no landing page to send to' },
  ROUTE_NOT_FOUND: { httpStatus: 404, summary: 'no route for this method and path' },
  METHOD_NOT_ALLOWED: { httpStatus: 405, summary: 'the route does not take this HTTP method' },
  METRICS_UNAUTHORIZED: { httpStatus: 401, summary: '/metrics needs the METRICS_TOKEN as a Bearer token' },
  METRICS_FORBIDDEN: { httpStatus: 403, summary: 'the Bearer token sent to /metrics is not the METRICS_TOKEN' },
} as const satisfies ErrorCatalogue;

export type ServingErrorCode = keyof typeof errorCatalogue;

/** The one error class of ads-serving-rpc: a catalogue code, a precise message, a cause, the field at fault. */
export const ServingError = serviceErrorClass('ServingError', errorCatalogue);
export type ServingError = InstanceType<typeof ServingError>;
