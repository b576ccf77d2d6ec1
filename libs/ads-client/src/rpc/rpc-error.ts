import type { RpcErrorCode } from './error-codes.js';
import { RPC_ERROR_CODES } from './error-codes.js';

/** One problem with one field, as zod reports it: `path` names the field. */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
  code: string;
}

/**
 * The one error class of the RPC framework. Servers throw it from handlers to answer with a
 * code; clients raise it (or `InvalidParamsError`) when a call fails.
 */
export class RpcError extends Error {
  override name = 'RpcError';
  readonly code: RpcErrorCode;
  readonly data: unknown;

  constructor(code: RpcErrorCode, message: string, options: { data?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }

  get jsonRpcCode(): number {
    return RPC_ERROR_CODES[this.code].jsonRpc;
  }

  get httpStatus(): number {
    return RPC_ERROR_CODES[this.code].httpStatus;
  }
}

/** Arguments refused by a method's schema; `issues` name every bad field. */
export class InvalidParamsError extends RpcError {
  override name = 'InvalidParamsError';
  readonly issues: FieldIssue[];

  constructor(message: string, issues: FieldIssue[]) {
    super('INVALID_PARAMS', message, { data: { issues } });
    this.issues = issues;
  }
}

/** Builds the error a client raises from a JSON-RPC error object received from a server. */
export function rpcErrorFromWire(code: RpcErrorCode, message: string, data: unknown): RpcError {
  if (code === 'INVALID_PARAMS') {
    const issues = (data as { issues?: FieldIssue[] } | undefined)?.issues ?? [];
    return new InvalidParamsError(message, issues);
  }
  return new RpcError(code, message, { data });
}

/** Describes zod issues in one line that names each field, e.g. `placements.0.count: Too big`. */
export function describeIssues(issues: FieldIssue[]): string {
  return issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
}

/**
 * Converts zod's issues to field issues that travel over the wire. An unknown field becomes one
 * issue per field, whose path names it (zod reports them together, on the enclosing object).
 */
export function fieldIssuesOf(error: {
  issues: readonly { path: readonly PropertyKey[]; message: string; code: string; keys?: readonly string[] }[];
}): FieldIssue[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
    if (issue.code === 'unrecognized_keys' && issue.keys !== undefined) {
      return issue.keys.map((key) => ({ path: [...path, key], message: 'unknown field', code: issue.code }));
    }
    return [{ path, message: issue.message, code: issue.code }];
  });
}

/**
 * Whether a call failed on the server's side, so that a later attempt may not meet it:
 * unreachable, too slow, overloaded, or failing inside (INTERNAL, which is also what the client
 * makes of a proxy's HTML error page). What is left (unauthorized, forbidden, invalid params,
 * unknown method) is for the caller to fix.
 */
export function isServerSideFailure(error: RpcError): boolean {
  return error.httpStatus >= 500 || error.code === 'TOO_MANY_REQUESTS';
}
