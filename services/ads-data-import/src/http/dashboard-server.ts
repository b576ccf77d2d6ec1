import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type Express, type RequestHandler, type Response } from 'express';
import basicAuth from 'express-basic-auth';
import { type HostPattern, canonicalHost, hostMatches, isLoopbackHost, isUnspecifiedHost, parseHostPattern } from '../domain/host-pattern';
import { type DataImportErrorCode, DataImportError } from '../errors';

export interface HealthReport {
  ok: boolean;
  detail: Record<string, unknown>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

/** Who may reach the dashboard and under which names. */
export interface DashboardAccess {
  /** DASHBOARD_PASSWORD; undefined: loopback clients only, and only while listening on loopback. */
  password: string | undefined;
  /** The address the server listens on (WORKER_HOST). */
  listenHost: string;
  /** Further names the dashboard is served as, e.g. behind a proxy (DASHBOARD_PUBLIC_HOST). */
  publicHosts: readonly HostPattern[];
}

function refuse(response: Response, status: number, code: DataImportErrorCode, error: string): void {
  response.status(status).json({ code, error });
}

/**
 * Refuses to serve the dashboard beyond loopback without a password: anyone who could reach the
 * port could add jobs (feed imports included) and read job data.
 */
export function checkDashboardExposure(access: Pick<DashboardAccess, 'password' | 'listenHost'>): void {
  if (access.password !== undefined || isLoopbackHost(access.listenHost)) return;
  throw new DataImportError(
    'DASHBOARD_PASSWORD_REQUIRED',
    `WORKER_HOST ${access.listenHost} serves the queue dashboard beyond this machine, and it can add, remove and retry jobs: set DASHBOARD_PASSWORD (at least 12 characters), or listen on loopback (WORKER_HOST=127.0.0.1, the default)`,
  );
}

/**
 * Answers only requests naming the dashboard by a name it is served as: the listening address
 * on the listening port (`localhost`, `127.0.0.1` and `[::1]` when that is loopback or every
 * interface), or a DASHBOARD_PUBLIC_HOST. A page whose own name resolves to 127.0.0.1 (DNS
 * rebinding) sends its own name as Host, and is refused.
 */
function hostGuard(access: DashboardAccess): RequestHandler {
  const listen = canonicalHost(access.listenHost) ?? access.listenHost;
  const names = new Set<string>(isLoopbackHost(listen) || isUnspecifiedHost(listen) ? LOOPBACK_NAMES : []);
  if (!isUnspecifiedHost(listen)) names.add(listen);
  return (request, response, next) => {
    const given = parseHostPattern(request.headers.host ?? '');
    if (!('problem' in given)) {
      const port = given.port ?? 80;
      if (names.has(given.host) && port === request.socket.localPort) return next();
      if (hostMatches(access.publicHosts, given.host, port)) return next();
    }
    refuse(
      response,
      403,
      'DASHBOARD_HOST_REFUSED',
      'the queue dashboard is not served under this Host; an operator can add a name in DASHBOARD_PUBLIC_HOST',
    );
  };
}

/**
 * Refuses requests that change something (anything but GET and HEAD) sent by a page of another
 * origin: a browser says so in `Sec-Fetch-Site`, and in an `Origin` that differs from the Host.
 * Clients that are no browser send neither and pass (the password or loopback rule still applies).
 */
function sameOriginGuard(): RequestHandler {
  return (request, response, next) => {
    if (request.method === 'GET' || request.method === 'HEAD') return next();
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    if ((site === undefined || site === 'same-origin') && (origin === undefined || isSameOrigin(origin, request.headers.host ?? '')))
      return next();
    refuse(response, 403, 'DASHBOARD_CROSS_ORIGIN', 'the queue dashboard takes changes from its own pages only');
  };
}

function isSameOrigin(origin: string, hostHeader: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" (a sandboxed frame, a file) included
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = parseHostPattern(hostHeader);
  if ('problem' in host || canonicalHost(url.hostname) !== host.host) return false;
  const originPort = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  // Behind a TLS proxy the Host carries no port while the origin is https on 443.
  return host.port === undefined ? url.port === '' : originPort === host.port;
}

/**
 * Who may use the dashboard, which can add, remove and retry jobs (and shows job data, feed
 * URLs included): with a password, whoever gives it by HTTP Basic auth (any user name; the
 * password is compared in constant time, as digests of the same length); without one, clients
 * on this host only.
 */
function dashboardGuard(password: string | undefined): RequestHandler {
  if (password === undefined) {
    return (request, response, next) => {
      if (LOOPBACK.has(request.socket.remoteAddress ?? '')) return next();
      refuse(
        response,
        403,
        'DASHBOARD_LOCAL_ONLY',
        'the queue dashboard answers this host only; set DASHBOARD_PASSWORD to open it to others',
      );
    };
  }
  const digest = (secret: string) => createHash('sha256').update(secret).digest();
  const expected = digest(password);
  return basicAuth({
    authorizer: (_user: string, given: string) => timingSafeEqual(digest(given), expected),
    challenge: true,
    realm: 'ads-data-import queues',
    unauthorizedResponse: { code: 'DASHBOARD_PASSWORD_WRONG', error: 'the queue dashboard needs the DASHBOARD_PASSWORD (HTTP Basic auth)' },
  });
}

/**
 * The worker's HTTP face: the queue dashboard (bull-board) at `/queues`, guarded (its Host, the
 * origin of changes, then `dashboardGuard`), and `/healthz` for probes (open; 200 when Redis answers and the workers
 * run, 503 otherwise).
 */
export function createDashboardApp(queues: readonly Queue[], access: DashboardAccess, health: () => Promise<HealthReport>): Express {
  checkDashboardExposure(access);
  const app = express();
  app.disable('x-powered-by');
  app.use('/queues', hostGuard(access), sameOriginGuard(), dashboardGuard(access.password));
  const board = new ExpressAdapter();
  board.setBasePath('/queues');
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'ads-data-import' } },
  });
  // bull-board types its router loosely; it is an Express router.
  app.use('/queues', board.getRouter() as RequestHandler);
  app.get('/healthz', async (_request, response) => {
    let report: HealthReport;
    try {
      report = await health();
    } catch (error) {
      report = { ok: false, detail: { error: (error as Error).message } };
    }
    response.status(report.ok ? 200 : 503).json({ status: report.ok ? 'ok' : 'unavailable', ...report.detail });
  });
  app.get('/', (_request, response) => response.redirect('/queues'));
  return app;
}
