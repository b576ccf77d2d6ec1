/**
 * Posts one JSON-RPC 2.0 call (id 1) to `rpcUrl` as a browser or a partner's server would, and
 * answers the raw response, so that a test can read its status and headers as well as its body.
 */
export function postJsonRpc(
  rpcUrl: string,
  method: string,
  params: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    ...(init.signal === undefined ? {} : { signal: init.signal }),
  });
}
