// Tiny real HTTP servers standing in for ads-data-api (or a proxy in front of it), so a test
// controls exactly what the warm reads or how the data API fails.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { freePort } from './free-port.js';

export interface StandIn {
  url: string;
  close: () => Promise<void>;
}

export async function startStandIn(handle: (request: IncomingMessage, body: string, response: ServerResponse) => void): Promise<StandIn> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => handle(request, body, response));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/rpc`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** A proxy with no backend behind it: an HTML 503 page for every request. */
export function htmlServiceUnavailable(_request: IncomingMessage, _body: string, response: ServerResponse): void {
  response.writeHead(503, { 'content-type': 'text/html' });
  response.end(
    '<html><head><title>503 Service Temporarily Unavailable</title></head><body><h1>503 Service Temporarily Unavailable</h1></body></html>',
  );
}

/** The data API with its database down: a JSON-RPC INTERNAL error (HTTP 500) for every call. */
export function jsonRpcInternal(_request: IncomingMessage, body: string, response: ServerResponse): void {
  const { id } = JSON.parse(body) as { id: unknown };
  response.writeHead(500, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32603, message: 'internal error', data: { code: 'INTERNAL' } } }));
}

/**
 * The ways a data API fails on its own side, each with its stand-in handler: a command must take
 * them as an outage to retry (exit 4, unavailable), not as a refusal.
 */
export const DATA_API_SIDE_FAILURES = [
  ['a proxy with no backend answering an HTML 503 page', htmlServiceUnavailable],
  ['a JSON-RPC INTERNAL error (its database down)', jsonRpcInternal],
] as const;

/** Answers a JSON-RPC call with `result(method, params)`. */
export function jsonRpcResult(result: (method: string, params: Record<string, unknown>) => unknown) {
  return (_request: IncomingMessage, body: string, response: ServerResponse): void => {
    const call = JSON.parse(body) as { id: unknown; method: string; params: Record<string, unknown> };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result: result(call.method, call.params) }));
  };
}

/** A command's environment with a data API URL that nothing listens at (the connection is refused). */
export async function unreachableDataApiEnvironment(redisKeyPrefix: string): Promise<Record<string, string>> {
  return {
    DATA_API_URLS: `http://127.0.0.1:${await freePort()}/rpc`,
    DATA_API_TOKEN: 'unused',
    REDIS_KEY_PREFIX: redisKeyPrefix,
    DATA_API_TIMEOUT_MS: '3000',
  };
}
