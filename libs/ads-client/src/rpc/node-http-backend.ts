import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RpcHttpResponse, RpcServer } from './rpc-server.js';

/**
 * The bare node:http backend, for the hot path: a request handler that serves an RPC server
 * under `mountPath`. It answers `false` for paths outside the mount so a caller can chain
 * its own routes.
 */
export function createNodeHttpHandler(
  server: RpcServer,
  options: { mountPath?: string } = {},
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const mountPath = (options.mountPath ?? '/rpc').replace(/\/$/, '');
  return (request, response) => {
    const url = request.url ?? '/';
    const pathEnd = url.indexOf('?');
    const fullPath = pathEnd === -1 ? url : url.slice(0, pathEnd);
    if (fullPath !== mountPath && !fullPath.startsWith(`${mountPath}/`)) return false;
    const path = fullPath.slice(mountPath.length) || '/';

    const declaredLength = Number(request.headers['content-length'] ?? 0);
    if (declaredLength > server.maxBodyBytes) {
      refuseTooLarge(server, request, response);
      return true;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      received += chunk.length;
      if (received > server.maxBodyBytes) {
        refused = true;
        refuseTooLarge(server, request, response);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (refused) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const answer = server.handle({ method: request.method ?? 'GET', path, headers: request.headers, body });
      if (!(answer instanceof Promise)) return send(response, answer);
      answer.then(
        (settled) => send(response, settled),
        (error: unknown) => {
          // handle() turns every handler error into an answer; reaching here is a framework bug.
          response.statusCode = 500;
          response.end(JSON.stringify({ error: String(error) }));
        },
      );
    });
    request.on('error', () => response.destroy());
    return true;
  };
}

/** How much of an oversized body is read and dropped before the connection is cut. */
export const OVERSIZED_BODY_DRAIN_BYTES = 16 * 1024 * 1024;

function refuseTooLarge(server: RpcServer, request: IncomingMessage, response: ServerResponse): void {
  // The answer goes out at once, but the connection stays open (no "Connection: close") while
  // the rest of the body is read and dropped: closing a socket with unread data makes the
  // kernel reset it, and a client still sending saw EPIPE or ECONNRESET instead of the 413.
  // A client that sends more than the drain allowance is cut off.
  let drained = 0;
  request.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > OVERSIZED_BODY_DRAIN_BYTES) request.socket.destroy();
  });
  send(response, server.tooLargeResponse());
  request.resume();
}

export function send(response: ServerResponse, answer: RpcHttpResponse): void {
  // statusCode + setHeader (not writeHead) lets end() add Content-Length and send headers
  // and body in one write; writeHead without a length falls back to chunked encoding.
  response.statusCode = answer.status;
  for (const name in answer.headers) response.setHeader(name, answer.headers[name]!);
  response.end(answer.body);
}
