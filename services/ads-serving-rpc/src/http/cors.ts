/**
 * The embed calls from publishers' pages on any origin; nothing it sends carries credentials.
 * Answers need only the origin header; the rest is for the browser's preflight (OPTIONS), and
 * leaving it off the decisions saves header work on the hot path.
 */
export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
};

/** The answer to a CORS preflight (OPTIONS). */
export const CORS_PREFLIGHT_HEADERS: Record<string, string> = {
  ...CORS_HEADERS,
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, accept, x-request-id',
  'access-control-max-age': '86400',
};
