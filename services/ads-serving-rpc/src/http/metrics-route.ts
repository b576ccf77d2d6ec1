import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ServingError } from '../errors';
import type { ServingMetrics } from '../app/serving-metrics';
import { isGetLike, sendError } from './beacon-route';

/** What `/metrics` needs: the registry, and the Bearer token it requires (undefined: none). */
export interface MetricsRouteDeps {
  metrics: ServingMetrics;
  metricsToken: string | undefined;
}

/**
 * GET /metrics: Prometheus text. With a METRICS_TOKEN, only a request carrying it as
 * `Authorization: Bearer <token>` gets it: 401 without a token, 403 with another one.
 */
export async function handleMetrics(deps: MetricsRouteDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (deps.metricsToken !== undefined) {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (match === null) {
      response.setHeader('www-authenticate', 'Bearer realm="ads-serving-rpc metrics"');
      return sendError(response, new ServingError('METRICS_UNAUTHORIZED', 'send the METRICS_TOKEN as "Authorization: Bearer <token>"'));
    }
    if (!sameSecret(match[1]!, deps.metricsToken))
      return sendError(response, new ServingError('METRICS_FORBIDDEN', 'this is not the METRICS_TOKEN'));
  }
  const text = await deps.metrics.exposition();
  response.writeHead(200, { 'content-type': deps.metrics.registry.contentType, 'cache-control': 'no-store' });
  response.end(text);
}

// Compares digests so that neither the length nor a common prefix of the token leaks by timing.
function sameSecret(sent: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

/**
 * The server of METRICS_PORT: `/metrics` only (and `/healthz`, for probes of that port), so
 * that the public port behind the balancer does not expose it at all.
 */
export function createMetricsServer(deps: MetricsRouteDeps & { logger: Logger }): Server {
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics' && path !== '/healthz')
      return sendError(
        response,
        new ServingError('ROUTE_NOT_FOUND', `no route ${request.method} ${path!.slice(0, 200)} on the metrics port`),
      );
    if (!isGetLike(request)) return sendError(response, new ServingError('METHOD_NOT_ALLOWED', `${path} takes GET only`));
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end('{"status":"ok"}');
      return;
    }
    handleMetrics(deps, request, response).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'metrics request failed');
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end('{"error":{"code":"INTERNAL","message":"internal error"}}');
      }
    });
  });
}
