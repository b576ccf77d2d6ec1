import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { createExpressRpcRouter, type RedisKeys, type RpcServer, type RedisClient } from '@ads/ads-client';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import { databaseOutageOf } from '../store/database-outage';
import { createApiDocsRouter } from './api-docs-router';
import { mountDashboard } from './dashboard-route';
import { sendDatabaseUnavailable, sendProblem } from './problem';
import { createRestRouter } from './rest-router';

/** What every handler of the data API may use: built once by `main.ts` (or a test). */
export interface AppDependencies {
  prisma: PrismaClient;
  redis: RedisClient;
  keys: RedisKeys;
  config: Config;
  logger: Logger;
}

/**
 * The ads-data-api HTTP application: REST under `/api/v1`, the minimal RPC under `/rpc`
 * (when given), the API docs and the dashboard, health endpoints. Tests mount it with supertest; `main.ts` listens.
 */
export function createApp(dependencies: AppDependencies, options: { rpcServer?: RpcServer } = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get('/readyz', (_request, response, next) => {
    dependencies.prisma.$queryRaw`SELECT 1`
      .then(() => response.json({ status: 'ready' }))
      .catch((error: unknown) => {
        // Probes come every few seconds: the outage is logged once, when it starts.
        if (!databaseOutageOf(dependencies.prisma).noteFailure(error)) dependencies.logger.warn({ err: error }, 'readiness check failed');
        sendDatabaseUnavailable(response, 'the database does not answer');
      })
      .catch(next);
  });
  if (options.rpcServer !== undefined) app.use('/rpc', createExpressRpcRouter(options.rpcServer));
  app.use('/api/v1', createRestRouter(dependencies));
  app.use('/api/docs', createApiDocsRouter());
  mountDashboard(app);

  app.use((request: Request, response: Response) => {
    sendProblem(response, 404, 'NOT_FOUND', `no route ${request.method} ${request.path}`);
  });
  // Express needs the four-argument signature to recognise an error handler.
  app.use((error: unknown, request: Request, response: Response, _next: NextFunction) => {
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const type = (error as { type?: string }).type;
      const detail =
        type === 'entity.parse.failed'
          ? 'the request body is not valid JSON'
          : type === 'entity.too.large'
            ? 'the request body is too large'
            : (error as Error).message;
      sendProblem(response, status, status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST', detail);
      return;
    }
    // Authentication reads the database before any route runs.
    const unavailable = databaseOutageOf(dependencies.prisma).refusalOf(error);
    if (unavailable !== undefined) {
      sendDatabaseUnavailable(response, unavailable.message);
      return;
    }
    dependencies.logger.error({ err: error, method: request.method, path: request.path }, 'request failed');
    sendProblem(response, 500, 'INTERNAL', 'internal error');
  });
  return app;
}
