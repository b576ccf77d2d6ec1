import type { Response } from 'express';
import { DATABASE_RETRY_AFTER_SECONDS } from '../store/database-outage';

/** One bad field, as listed in a problem document. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Answers an RFC 9457 problem document: `code` is stable for programs, `detail` is for people,
 * `errors` names every bad field.
 */
export function sendProblem(response: Response, status: number, code: string, detail: string, errors?: FieldProblem[]): void {
  response
    .status(status)
    .type('application/problem+json')
    .json({
      type: `urn:ads:problem:${code.toLowerCase()}`,
      title: code,
      status,
      code,
      detail,
      ...(errors === undefined ? {} : { errors }),
    });
}

/** 503 DATABASE_UNAVAILABLE with `Retry-After`: the database does not answer (not logged per request). */
export function sendDatabaseUnavailable(response: Response, detail: string): void {
  response.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
  sendProblem(response, 503, 'DATABASE_UNAVAILABLE', detail);
}
