import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { AppDependencies } from './data-api-app';
import { adRoutes } from './ad-routes';
import { advertiserRoutes } from './advertiser-routes';
import { apiKeyRoutes } from './api-key-routes';
import { auditLogRoutes } from './audit-log-routes';
import { requireApiKey } from './require-api-key';
import { campaignRoutes } from './campaign-routes';
import { deliveryRoutes } from './delivery-routes';
import { featureSwitchRoutes } from './feature-switch-routes';
import { forecastRoutes } from './forecast-routes';
import { importRunRoutes } from './import-run-routes';
import { meRoutes } from './me-routes';
import { buildOpenApiDocument } from './openapi-document';
import { placementRoutes } from './placement-routes';
import { reportRoutes } from './report-routes';
import { restRequestLogger } from './request-id';
import type { RestRoute } from './rest-route';
import { mountRestRoutes, sendJson } from './rest-route-runner';
import { siteRoutes } from './site-routes';
import { allRoles } from './every-role';

/** Every route of `/api/v1`, in the order the OpenAPI document lists them. */
export const restRoutes: readonly RestRoute[] = [
  ...meRoutes,
  ...advertiserRoutes,
  ...campaignRoutes,
  ...adRoutes,
  ...siteRoutes,
  ...placementRoutes,
  ...featureSwitchRoutes,
  ...apiKeyRoutes,
  ...reportRoutes,
  ...deliveryRoutes,
  ...forecastRoutes,
  ...auditLogRoutes,
  ...importRunRoutes,
];

let openApiDocument: unknown;

/** The OpenAPI document of `/api/v1`, built once. */
export function restOpenApiDocument(): unknown {
  openApiDocument ??= buildOpenApiDocument(restRoutes);
  return openApiDocument;
}

/** The REST API under `/api/v1`: JSON bodies, problem documents, bearer API keys. */
export function createRestRouter(dependencies: AppDependencies): Router {
  const router = express.Router();
  router.use(restRequestLogger(dependencies.logger));
  router.use((_request: Request, response: Response, next: NextFunction) => {
    response.set('x-content-type-options', 'nosniff');
    response.set('cache-control', 'no-store');
    next();
  });
  // Public, so that the docs page and code generators can read it without a key.
  router.get('/openapi.json', (_request, response) => {
    response.set('cache-control', 'public, max-age=60');
    sendJson(response, 200, restOpenApiDocument());
  });
  router.use(express.json({ limit: '1mb', strict: true, type: ['application/json', 'application/*+json'] }));
  router.use(requireApiKey(dependencies, allRoles));
  mountRestRoutes(router, restRoutes, dependencies);
  return router;
}
