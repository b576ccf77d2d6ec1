import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RPC_ERROR_CODES, codeFromJsonRpcNumber } from './error-codes.js';
import { InvalidParamsError, RpcError, rpcErrorFromWire } from './rpc-error.js';

test('every code maps to a distinct JSON-RPC number and a 4xx or 5xx status', () => {
  const numbers = Object.values(RPC_ERROR_CODES).map((entry) => entry.jsonRpc);
  assert.equal(new Set(numbers).size, numbers.length);
  for (const [code, entry] of Object.entries(RPC_ERROR_CODES)) {
    assert.ok(entry.httpStatus >= 400 && entry.httpStatus < 600, code);
    assert.equal(codeFromJsonRpcNumber(entry.jsonRpc), code);
  }
  assert.equal(codeFromJsonRpcNumber(12345), 'INTERNAL');
});

test('the required codes are present with the JSON-RPC standard numbers', () => {
  assert.equal(RPC_ERROR_CODES.PARSE_ERROR.jsonRpc, -32700);
  assert.equal(RPC_ERROR_CODES.INVALID_REQUEST.jsonRpc, -32600);
  assert.equal(RPC_ERROR_CODES.METHOD_NOT_FOUND.jsonRpc, -32601);
  assert.equal(RPC_ERROR_CODES.INVALID_PARAMS.jsonRpc, -32602);
  for (const code of ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'TIMEOUT', 'UNAVAILABLE', 'INTERNAL'] as const) {
    assert.ok(RPC_ERROR_CODES[code]);
  }
  // In JSON-RPC's range for implementation-defined server errors.
  assert.deepEqual(RPC_ERROR_CODES.DATABASE_UNAVAILABLE, { jsonRpc: -32031, httpStatus: 503 });
});

test('wire errors become typed errors', () => {
  const invalid = rpcErrorFromWire('INVALID_PARAMS', 'bad', { issues: [{ path: ['a'], message: 'Required', code: 'invalid_type' }] });
  assert.ok(invalid instanceof InvalidParamsError);
  assert.deepEqual(invalid.issues[0]!.path, ['a']);
  const notFound = rpcErrorFromWire('NOT_FOUND', 'gone', undefined);
  assert.ok(notFound instanceof RpcError);
  assert.equal(notFound.httpStatus, 404);
});
