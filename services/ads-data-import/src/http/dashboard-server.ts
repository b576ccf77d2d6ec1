import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type Express } from 'express';

export interface HealthReport {
  ok: boolean;
  detail: Record<string, unknown>;
}

/**
 * The worker's HTTP face: the queue dashboard (bull-board) at `/queues` and `/healthz` for
 * probes (200 when Redis answers and the workers run, 503 otherwise).
 */
export function createDashboardApp(queues: readonly Queue[], health: () => Promise<HealthReport>): Express {
  const app = express();
  app.disable('x-powered-by');
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
