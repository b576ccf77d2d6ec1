import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type Express, type RequestHandler } from 'express';

export interface HealthReport {
  ok: boolean;
  detail: Record<string, unknown>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Who may use the dashboard, which can add, remove and retry jobs (and shows job data, feed
 * URLs included): with a password, whoever gives it by HTTP Basic auth (any user name);
 * without one, clients on this host only.
 */
function dashboardGuard(password: string | undefined): RequestHandler {
  const expected = password === undefined ? undefined : createHash('sha256').update(password).digest();
  return (request, response, next) => {
    if (expected === undefined) {
      if (LOOPBACK.has(request.socket.remoteAddress ?? '')) return next();
      response.status(403).json({ error: 'the queue dashboard answers this host only; set DASHBOARD_PASSWORD to open it to others' });
      return;
    }
    const [scheme, encoded] = (request.headers.authorization ?? '').split(' ');
    const given = scheme === 'Basic' && encoded !== undefined ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const secret = given.slice(given.indexOf(':') + 1);
    if (given.includes(':') && timingSafeEqual(createHash('sha256').update(secret).digest(), expected)) return next();
    response.status(401).set('www-authenticate', 'Basic realm="ads-data-import queues"').json({ error: 'the queue dashboard needs the DASHBOARD_PASSWORD (HTTP Basic auth)' });
  };
}

/**
 * The worker's HTTP face: the queue dashboard (bull-board) at `/queues`, guarded (see
 * `dashboardGuard`), and `/healthz` for probes (open; 200 when Redis answers and the workers
 * run, 503 otherwise).
 */
export function createDashboardApp(queues: readonly Queue[], access: { password: string | undefined }, health: () => Promise<HealthReport>): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use('/queues', dashboardGuard(access.password));
  const board = new ExpressAdapter();
  board.setBasePath('/queues');
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter: board, options: { uiConfig: { boardTitle: 'ads-data-import' } } });
  app.use('/queues', board.getRouter());
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
