/** One bad field named by the API (`errors[]` of a problem document). */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * A refusal of the REST API, from its `application/problem+json` answer, or a failure to
 * reach it at all (status 0, code `NETWORK`).
 */
export class ApiProblem extends Error {
  override readonly name = 'ApiProblem';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly fieldErrors: FieldProblem[] = [],
  ) {
    super(detail);
  }
}

function fieldProblemsOf(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { field, message, path } = entry as { field?: unknown; message?: unknown; path?: unknown };
    const name = typeof field === 'string' ? field : Array.isArray(path) ? path.join('.') : '';
    return typeof message === 'string' ? [{ field: name, message }] : [];
  });
}

/** Builds an ApiProblem from an answer that was not 2xx, whatever its body. */
export function problemFromAnswer(status: number, statusText: string, body: unknown): ApiProblem {
  if (typeof body === 'object' && body !== null) {
    const { code, detail, title, errors } = body as { code?: unknown; detail?: unknown; title?: unknown; errors?: unknown };
    const text = typeof detail === 'string' ? detail : typeof title === 'string' ? title : `${status} ${statusText}`;
    return new ApiProblem(status, typeof code === 'string' ? code : `HTTP_${status}`, text, fieldProblemsOf(errors));
  }
  const text = typeof body === 'string' && body.trim() !== '' && body.length < 300 ? body.trim() : `${status} ${statusText}`;
  return new ApiProblem(status, `HTTP_${status}`, text);
}
