// Builds the production entry point: src/main.ts and the workspace code it imports
// (@ads/ads-client) bundled into dist/main.mjs, npm dependencies left to node_modules, and
// the embed script copied beside it (serving-server.ts reads it relative to its module).
// Running compiled JavaScript instead of `--import tsx` saves tsx's loader thread and its
// transform cache: about 18 MB of RSS at 100,000 ads, where the budget is 250 MB.
import { cpSync } from 'node:fs';
import { build } from 'esbuild';

const packageDir = new URL('..', import.meta.url).pathname;

await build({
  absWorkingDir: packageDir,
  entryPoints: ['src/main.ts'],
  outfile: 'dist/main.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // @ads/ads-client is bundled from its TypeScript sources, as tsx runs it in the workspace.
  conditions: ['@ads/source'],
  logLevel: 'warning',
  plugins: [
    {
      name: 'npm-dependencies-external',
      setup(builder) {
        // Bare imports are npm packages, except the workspace's own TypeScript packages.
        builder.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@ads/') ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
cpSync(new URL('src/http/assets', `file://${packageDir}`), new URL('dist/assets', `file://${packageDir}`), { recursive: true });
