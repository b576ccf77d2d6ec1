// Build of the dashboard: a static single-page app served by ads-data-api at /dashboard
// (see src/http/dashboard-route.ts). No React plugin: Vite's own Oxc transform compiles TSX
// with the automatic runtime, and Fast Refresh is not worth a dependency with install scripts.
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const dashboardRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: dashboardRoot,
  base: '/dashboard/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  // Workspace packages from their TypeScript sources (the "@ads/source" export condition), as
  // everywhere in the repository: @ads/ads-client/time needs no build of the client first.
  resolve: { conditions: ['@ads/source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The charting library (~400 kB) is its own lazily loaded chunk (pages/campaign-report.tsx).
    chunkSizeWarningLimit: 700,
    sourcemap: true,
  },
  server: {
    // `npx vite --config dashboard/vite.config.ts` during development, with the API on :4000.
    proxy: { '/api': 'http://127.0.0.1:4000' },
  },
});
