import express, { type Router } from 'express';
import swaggerUi from 'swagger-ui-express';

/**
 * The rendered API docs at `/api/docs`: Swagger UI, served from the installed package (no
 * CDN), reading `/api/v1/openapi.json`.
 */
export function createApiDocsRouter(): Router {
  const router = express.Router();
  router.use(
    swaggerUi.serveFiles(undefined, { swaggerOptions: { url: '/api/v1/openapi.json' } }),
    swaggerUi.setup(undefined, {
      customSiteTitle: 'Ads Data API',
      swaggerOptions: { url: '/api/v1/openapi.json', persistAuthorization: false },
    }),
  );
  return router;
}
