// `npm run db:generate`: runs `prisma generate` (generator "prisma-client", output
// src/generated/prisma) without network. Generation needs no schema engine, but the CLI
// checks that an engine binary exists before it starts; PRISMA_SCHEMA_ENGINE_BINARY pointing
// at any existing file satisfies the check. The wasm file is a deliberate choice: it is not
// executable, so anything that did try to run it would fail loudly.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { prismaCliEnvironment } from '../config';
import { DataApiError } from '../errors';
import { runDataApiCommand } from './run-data-api-command';

const require = createRequire(import.meta.url);
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const program = new Command('db:generate')
  .description(
    'Generate the Prisma client (src/generated/prisma) from prisma/schema.prisma, offline. Run it after every schema change and after a fresh clone.',
  )
  .argument('[prisma-arguments...]', 'passed on to `prisma generate`')
  .allowUnknownOption()
  .action((prismaArguments: string[]) => {
    const prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
    const engineStandIn = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    // prisma.config.ts imports src/config.ts, which imports @ads/ads-client: the CLI's config
    // loader resolves it with this process's conditions, so the workspace's source condition too.
    const result = spawnSync(process.execPath, ['--conditions=@ads/source', prismaCli, 'generate', ...prismaArguments], {
      cwd: packageRoot,
      stdio: 'inherit',
      env: prismaCliEnvironment(engineStandIn),
    });
    if (result.status !== 0) {
      throw new DataApiError('SCHEMA_ENGINE_FAILED', `prisma generate exited with ${result.status ?? result.signal ?? 'no status'}`);
    }
  });

runDataApiCommand(program, []);
