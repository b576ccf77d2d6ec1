// `npm run db:generate`: runs `prisma generate` (generator "prisma-client", output
// src/generated/prisma) without network. Generation needs no schema engine, but the CLI
// checks that an engine binary exists before it starts; PRISMA_SCHEMA_ENGINE_BINARY pointing
// at any existing file satisfies the check. The wasm file is a deliberate choice: it is not
// executable, so anything that did try to run it would fail loudly.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { DataApiError } from '../errors';
import { runCli } from './run-cli';

const require = createRequire(import.meta.url);
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

runCli('db:generate', async (args) => {
  const prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
  const engineStandIn = join(
    dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')),
    'schema_engine_bg.wasm',
  );
  // prisma.config.ts imports src/config.ts, which imports @ads/ads-client: the CLI's config
  // loader resolves it with this process's conditions, so the workspace's source condition too.
  const result = spawnSync(process.execPath, ['--conditions=@ads/source', prismaCli, 'generate', ...args], {
    cwd: packageRoot,
    stdio: 'inherit',
    // A child process environment, not configuration: pass ours through, plus the offline switches.
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: engineStandIn,
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
      CHECKPOINT_DISABLE: '1',
    },
  });
  if (result.status !== 0) {
    throw new DataApiError('SCHEMA_ENGINE_FAILED', `prisma generate exited with ${result.status ?? result.signal}`);
  }
});
