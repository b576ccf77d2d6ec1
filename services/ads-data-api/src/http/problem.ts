import type { Response } from 'express';

/** One bad field, as listed in a problem document. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Answers an RFC 9457 problem document: `code` is stable for programs, `detail` is for people,
 * `errors` names every bad field.
 */
export function sendProblem(
  response: Response,
  status: number,
  code: string,
  detail: string,
  errors?: FieldProblem[],
): void {
  response
    .status(status)
    .type('application/problem+json')
    .json({ type: `urn:ads:problem:${code.toLowerCase()}`, title: code, status, code, detail, ...(errors === undefined ? {} : { errors }) });
}
