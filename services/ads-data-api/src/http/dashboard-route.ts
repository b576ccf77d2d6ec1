import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/** Where `npm run build:dashboard` writes the dashboard (gitignored). */
export const dashboardDistDirectory = resolve(dirname(fileURLToPath(import.meta.url)), '../../dashboard/dist');

/** The command that builds the dashboard, as the 503 page names it. */
export const dashboardBuildCommand = 'npm run build:dashboard -w @ads/ads-data-api';

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Dashboard not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The dashboard is not built</h1>
<p>This ads-data-api has no built dashboard in <code>services/ads-data-api/dashboard/dist</code>.
Build it from the repository root with:</p>
<pre>${dashboardBuildCommand}</pre>
<p>The REST API at <a href="/api/v1">/api/v1</a> works without it.</p>
</body></html>`;

// The dashboard loads only its own scripts and talks only to this origin; creatives' images
// may come from any http(s) host. Inline styles stay allowed: the charts set style attributes.
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: http: data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * Serves the dashboard's built files at `/dashboard`, answering `index.html` for the
 * client-side routes (`/dashboard/campaigns/123`), and a 503 page naming the build command
 * while it is not built. Mount it before the app's catch-all 404 handler.
 */
export function mountDashboard(app: Express, options: { distDirectory?: string } = {}): void {
  const distDirectory = options.distDirectory ?? dashboardDistDirectory;
  const indexFile = join(distDirectory, 'index.html');
  const router = express.Router();

  router.use((request: Request, response: Response, next: NextFunction) => {
    response.set(securityHeaders);
    // Relative asset URLs need the trailing slash: /dashboard → /dashboard/.
    if (request.originalUrl === '/dashboard' || request.originalUrl.startsWith('/dashboard?')) {
      response.redirect(301, `/dashboard/${request.originalUrl.slice('/dashboard'.length)}`);
      return;
    }
    // Checked per request, so that a build made while the server runs is picked up.
    if (!existsSync(indexFile)) {
      response.status(503).set('retry-after', '60').type('html').send(notBuiltPage);
      return;
    }
    next();
  });
  // Hashed asset names change with their content, so they may be cached for good.
  router.use('/assets', express.static(join(distDirectory, 'assets'), { immutable: true, maxAge: '1y', index: false }));
  router.use('/assets', (_request: Request, response: Response) => {
    // An old page asking for an asset of a previous build: a 404, not index.html as script.
    response.status(404).type('text').send('no such dashboard asset; reload the page');
  });
  router.use(express.static(distDirectory, { index: false, maxAge: 0 }));
  router.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      next();
      return;
    }
    // index.html must not be cached: it names the current hashed assets.
    response.set('cache-control', 'no-cache');
    response.sendFile(indexFile, (error?: Error) => {
      if (error !== undefined && !response.headersSent) next(error);
    });
  });

  app.use('/dashboard', router);
}
