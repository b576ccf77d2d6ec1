import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TrackingEventType } from '@ads/ads-client';
import { ServingError } from '../errors';
import type { EventTracker } from '../app/event-tracker';
import { CORS_HEADERS } from './cors';

const NO_STORE = { ...CORS_HEADERS, 'cache-control': 'no-store' };
/** The headers of each accepted beacon's answer, built once rather than per beacon. */
const ACCEPTED_HEADERS: Record<string, Readonly<Record<string, string>>> = Object.fromEntries(
  (['counted', 'buffered', 'dropped', 'over-budget', 'over-cap'] as const).map((kind) => [kind, { ...NO_STORE, 'x-ads-event': kind }]),
);

/**
 * GET /t/<token>/i, /v, /c: impression, viewable impression and click of the ad the token
 * names (and the legacy /t/i, /t/v, /t/c with the claims in the query). Counted (or buffered)
 * events answer 204, a click answers 302 to the ad's landing page (from the index, never from
 * the URL); refused ones answer 4xx with the catalogue code in JSON and in `x-ads-event`. A
 * replayed or expired click still lands (the visitor did click) but is not counted.
 */
export async function handleBeacon(
  deps: { tracker: EventTracker },
  type: TrackingEventType,
  beacon: string | URLSearchParams,
  response: ServerResponse,
): Promise<void> {
  const outcome = await deps.tracker.track(type, beacon);
  if (outcome.kind === 'invalid')
    return sendError(response, new ServingError('BEACON_INVALID', outcome.message, { field: outcome.field }), outcome.kind);
  if (outcome.kind === 'forged')
    return sendError(response, new ServingError('BEACON_FORGED', 'the tracking URL signature does not match'), outcome.kind);
  if (type === 'click') {
    const destination = outcome.ad?.landingUrl ?? null;
    if (outcome.kind === 'gone' || destination === null) {
      return sendError(response, new ServingError('AD_GONE', `ad ${outcome.claims.adId} is no longer served`), 'gone');
    }
    response.writeHead(302, { ...NO_STORE, location: destination, 'x-ads-event': outcome.kind });
    response.end();
    return;
  }
  if (outcome.kind === 'expired')
    return sendError(response, new ServingError('BEACON_EXPIRED', 'the tracking URL has expired'), outcome.kind);
  if (outcome.kind === 'duplicate')
    return sendError(response, new ServingError('BEACON_REPLAYED', 'this event was counted already'), outcome.kind);
  response.writeHead(204, ACCEPTED_HEADERS[outcome.kind] ?? { ...NO_STORE, 'x-ads-event': outcome.kind });
  response.end();
}

export function sendError(response: ServerResponse, error: ServingError, eventOutcome?: string): void {
  const body = JSON.stringify({
    error: { code: error.code, message: error.message, ...(error.field === undefined ? {} : { field: error.field }) },
  });
  response.writeHead(error.httpStatus, {
    ...NO_STORE,
    'content-type': 'application/json',
    ...(eventOutcome === undefined ? {} : { 'x-ads-event': eventOutcome }),
  });
  response.end(body);
}

export function isGetLike(request: IncomingMessage): boolean {
  return request.method === 'GET' || request.method === 'HEAD';
}
