/**
 * The one code table of the RPC framework: every error code with its JSON-RPC number and the
 * HTTP status a single call answers with. Clients and servers both read it; nothing else
 * spells a status or a number.
 */
export const RPC_ERROR_CODES = {
  PARSE_ERROR: { jsonRpc: -32700, httpStatus: 400 },
  INVALID_REQUEST: { jsonRpc: -32600, httpStatus: 400 },
  METHOD_NOT_FOUND: { jsonRpc: -32601, httpStatus: 404 },
  INVALID_PARAMS: { jsonRpc: -32602, httpStatus: 400 },
  INTERNAL: { jsonRpc: -32603, httpStatus: 500 },
  UNAUTHORIZED: { jsonRpc: -32001, httpStatus: 401 },
  FORBIDDEN: { jsonRpc: -32003, httpStatus: 403 },
  NOT_FOUND: { jsonRpc: -32004, httpStatus: 404 },
  CONFLICT: { jsonRpc: -32009, httpStatus: 409 },
  PRECONDITION_FAILED: { jsonRpc: -32012, httpStatus: 412 },
  PAYLOAD_TOO_LARGE: { jsonRpc: -32013, httpStatus: 413 },
  UNSUPPORTED_MEDIA_TYPE: { jsonRpc: -32015, httpStatus: 415 },
  NOT_ACCEPTABLE: { jsonRpc: -32016, httpStatus: 406 },
  TOO_MANY_REQUESTS: { jsonRpc: -32029, httpStatus: 429 },
  TIMEOUT: { jsonRpc: -32008, httpStatus: 504 },
  UNAVAILABLE: { jsonRpc: -32030, httpStatus: 503 },
  /** The server is up but its database does not answer; `data.retryAfterSeconds` says when to retry. */
  DATABASE_UNAVAILABLE: { jsonRpc: -32031, httpStatus: 503 },
} as const satisfies Record<string, { jsonRpc: number; httpStatus: number }>;

export type RpcErrorCode = keyof typeof RPC_ERROR_CODES;

const codeByJsonRpcNumber = new Map<number, RpcErrorCode>(
  Object.entries(RPC_ERROR_CODES).map(([code, entry]) => [entry.jsonRpc, code as RpcErrorCode]),
);

/** The code for a JSON-RPC error number, INTERNAL for numbers outside the table. */
export function codeFromJsonRpcNumber(jsonRpc: number): RpcErrorCode {
  return codeByJsonRpcNumber.get(jsonRpc) ?? 'INTERNAL';
}

export function isRpcErrorCode(value: unknown): value is RpcErrorCode {
  return typeof value === 'string' && Object.hasOwn(RPC_ERROR_CODES, value);
}
