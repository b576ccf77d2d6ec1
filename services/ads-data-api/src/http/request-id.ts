import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { logger } from '../logger';

const requestIdPattern = /^[A-Za-z0-9._:-]{1,100}$/;

/** The id of this request: the caller's `X-Request-Id` when usable, else a new UUID. */
export function requestIdOf(response: Response): string {
  return response.locals.requestId as string;
}

/**
 * Gives every request an id (echoed as `X-Request-Id`, written to the audit log and to the
 * logs) and logs one line per request when it finishes.
 */
export function assignRequestId(request: Request, response: Response, next: NextFunction): void {
  const offered = request.get('x-request-id');
  const requestId = offered !== undefined && requestIdPattern.test(offered) ? offered : randomUUID();
  response.locals.requestId = requestId;
  response.set('x-request-id', requestId);
  const started = process.hrtime.bigint();
  response.on('finish', () => {
    logger.info(
      {
        requestId,
        method: request.method,
        path: request.originalUrl.split('?')[0],
        status: response.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        keyId: (response.locals.principal as { keyId?: string } | undefined)?.keyId,
      },
      'REST request',
    );
  });
  next();
}
