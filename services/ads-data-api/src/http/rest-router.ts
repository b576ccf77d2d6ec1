import express, { type Router } from 'express';
import type { AppDependencies } from '../app';
import { principalOf, requireApiKey } from './authenticate';

/** The REST API under `/api/v1`: JSON bodies, problem documents, bearer API keys. */
export function createRestRouter(dependencies: AppDependencies): Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb', strict: true, type: ['application/json', 'application/*+json'] }));
  router.use(requireApiKey(dependencies.prisma, ['admin', 'advertiser', 'service']));

  router.get('/me', (_request, response) => {
    response.json(principalOf(response));
  });
  return router;
}
