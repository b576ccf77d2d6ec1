import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createNodeHttpHandler, type RpcServer, type TrackingEventType } from '@ads/ads-client';
import type { Logger } from 'pino';
import { ServingError } from '../errors';
import type { EventTracker } from '../app/event-tracker';
import type { IndexLifecycle } from '../app/index-lifecycle';
import type { ServingMetrics } from '../app/serving-metrics';
import { handleBeacon, isGetLike, sendError } from './beacon-route';
import { CORS_HEADERS, CORS_PREFLIGHT_HEADERS } from './cors';
import { DEMO_CREATIVES_PATH, handleDemoCreative, loadDemoCreatives } from './demo-creative-route';
import { renderDemoPage } from './demo-page';
import { beaconOfPath, TRACKING_PATH_PREFIX } from '../domain/tracking-url';
import { handleMetrics } from './metrics-route';

const embedScript = readFileSync(new URL('./assets/embed.js', import.meta.url), 'utf8');
const demoCreatives = loadDemoCreatives();

/**
 * The serving process's one node:http server: the RPC mount (`/rpc`, serving.decide), the
 * beacons, embed.js, the demo page and its creatives, health, readiness and metrics.
 */
export function createServingServer(deps: {
  rpc: RpcServer;
  tracker: EventTracker;
  lifecycle: IndexLifecycle;
  metrics: ServingMetrics;
  logger: Logger;
  /** Bearer token `/metrics` requires (undefined: none). */
  metricsToken?: string | undefined;
  /** `/metrics` is served on a port of its own (METRICS_PORT), not here. */
  metricsElsewhere?: boolean;
}): Server {
  const rpcHandler = createNodeHttpHandler(deps.rpc, { mountPath: '/rpc' });
  const failed = (request: IncomingMessage, response: ServerResponse, error: unknown): void => {
    deps.logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
    if (!response.headersSent) {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end('{"error":{"code":"INTERNAL","message":"internal error"}}');
    }
  };
  const server = createServer((request, response) => {
    // The hot paths first: a token beacon (`/t/<token>/<event>`, no query) is counted without
    // parsing a query or matching the other routes; everything under /rpc goes straight to the
    // RPC backend.
    const beacon = tokenBeaconOf(request);
    if (beacon !== undefined) {
      handleBeacon(deps, beacon.event, beacon.token, response).catch((error: unknown) => failed(request, response, error));
      return;
    }
    if (rpcHandler(request, response)) return;
    route(deps, request, response).catch((error: unknown) => failed(request, response, error));
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/** The token beacon a GET or HEAD request names (no query string), else undefined: `route` takes it. */
function tokenBeaconOf(request: IncomingMessage): { event: TrackingEventType; token: string } | undefined {
  const url = request.url;
  if (url === undefined || !url.startsWith(TRACKING_PATH_PREFIX) || url.includes('?') || !isGetLike(request)) return undefined;
  const beacon = beaconOfPath(url);
  return beacon?.token === undefined ? undefined : { event: beacon.event, token: beacon.token };
}

async function route(deps: Parameters<typeof createServingServer>[0], request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1));
  if (request.method === 'OPTIONS') {
    response.writeHead(204, CORS_PREFLIGHT_HEADERS);
    response.end();
    return;
  }
  const beacon = beaconOfPath(path);
  const creative = path.startsWith(DEMO_CREATIVES_PATH);
  const known =
    beacon !== undefined ||
    creative ||
    ['/healthz', '/readyz', '/embed.js', '/demo', '/'].includes(path) ||
    (path === '/metrics' && deps.metricsElsewhere !== true);
  if (!known) return sendError(response, new ServingError('ROUTE_NOT_FOUND', `no route ${request.method} ${path.slice(0, 200)}`));
  if (!isGetLike(request)) return sendError(response, new ServingError('METHOD_NOT_ALLOWED', `${path} takes GET only`));
  if (beacon !== undefined) return handleBeacon(deps, beacon.event, beacon.token ?? query, response);
  if (creative) return handleDemoCreative(demoCreatives, path, response);
  switch (path) {
    case '/healthz':
      return sendJson(response, 200, { status: 'ok' });
    case '/readyz': {
      const index = deps.lifecycle.current;
      return index === undefined
        ? sendJson(response, 503, { ready: false, reason: 'no index version loaded yet' })
        : sendJson(response, 200, { ready: true, version: index.version, ads: index.ads.length, redis: deps.lifecycle.redisAvailable });
    }
    case '/metrics':
      return handleMetrics({ metrics: deps.metrics, metricsToken: deps.metricsToken }, request, response);
    case '/embed.js':
      response.writeHead(200, {
        ...CORS_HEADERS,
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=300',
      });
      response.end(embedScript);
      return;
    case '/demo':
    case '/': {
      if (path === '/' && !query.has('placement')) {
        response.writeHead(302, { location: '/rpc/docs' });
        response.end();
        return;
      }
      const page = renderDemoPage(query);
      response.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(page.html);
      return;
    }
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
