/** The embed calls from publishers' pages on any origin; nothing it sends carries credentials. */
export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, accept, x-request-id',
  'access-control-max-age': '86400',
};
