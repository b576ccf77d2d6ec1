import type { FieldProblem } from '../contracts/rest.js';

/**
 * A refusal of the ads-data-api REST API, from its `application/problem+json` answer; or a
 * failure to get an answer at all (`status` 0, code `UNAVAILABLE` or `TIMEOUT`).
 * Programs branch on `code` (VALIDATION_FAILED, NOT_FOUND, CONFLICT, PRECONDITION_FAILED…);
 * `errors` names every bad field.
 */
export class DataApiProblemError extends Error {
  override readonly name = 'DataApiProblemError';
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: FieldProblem[];

  constructor(status: number, code: string, detail: string, options: { errors?: FieldProblem[]; cause?: unknown } = {}) {
    super(`${status === 0 ? '' : `${status} `}${code}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.errors = options.errors ?? [];
  }

  /** The message about one field, e.g. `fieldError('targeting.countries.0')`. */
  fieldError(field: string): string | undefined {
    return this.errors.find((error) => error.field === field)?.message;
  }
}

function fieldProblemsOf(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    const { field, message } = (entry ?? {}) as { field?: unknown; message?: unknown };
    return typeof field === 'string' && typeof message === 'string' ? [{ field, message }] : [];
  });
}

/** The error for a non-2xx answer, whatever its body (a proxy may answer HTML). */
export function problemErrorOf(status: number, statusText: string, body: unknown): DataApiProblemError {
  if (typeof body === 'object' && body !== null) {
    const { code, detail, title, errors } = body as Record<string, unknown>;
    return new DataApiProblemError(
      status,
      typeof code === 'string' ? code : `HTTP_${status}`,
      typeof detail === 'string' ? detail : typeof title === 'string' ? title : `${status} ${statusText}`,
      { errors: fieldProblemsOf(errors) },
    );
  }
  const text = typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 300) : `${status} ${statusText}`;
  return new DataApiProblemError(status, `HTTP_${status}`, text);
}
