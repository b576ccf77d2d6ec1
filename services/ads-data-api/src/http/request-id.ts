import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Response } from 'express';
import type { Logger } from 'pino';
import type { HttpLogger } from 'pino-http';
import { createHttpLogger } from '@ads/ads-client/service';

const requestIdPattern = /^[A-Za-z0-9._:-]{1,100}$/;

/** The id of this request: the caller's `X-Request-Id` when usable, else a new UUID. */
export function requestIdOf(response: Response): string {
  // pino-http keeps the id `assignRequestId` returned, always a string here.
  const id = response.req.id;
  return typeof id === 'string' ? id : JSON.stringify(id);
}

function assignRequestId(request: IncomingMessage, response: ServerResponse): string {
  const offered = request.headers['x-request-id'];
  const requestId = typeof offered === 'string' && requestIdPattern.test(offered) ? offered : randomUUID();
  response.setHeader('x-request-id', requestId);
  return requestId;
}

/**
 * The REST API's request logger (pino-http): gives every request an id (echoed as
 * `X-Request-Id`, written to the audit log and to the logs) and logs one line per request
 * when it finishes. A 503 DATABASE_UNAVAILABLE is an info line: the outage it belongs to is
 * logged once, as an error, when it starts (see database-outage.ts).
 */
export function restRequestLogger(logger: Logger): HttpLogger {
  return createHttpLogger(logger, {
    requestId: assignRequestId,
    levelOf: (_request, response) => (response.statusCode === 503 ? 'info' : undefined),
  });
}
