// Throw-away PostgreSQL databases for tests, built from a template that the real migration
// path (the schema engine's applyMigrations, as `npm run db:migrate`) migrated once.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';

import pg from 'pg';

import { loadConfig } from '../../src/config';
import { poolConfigOf, withDatabaseName } from '../../src/store/database-url';
import { migrationListDigest, readMigrationList, schemaPath } from '../../src/store/migration-directory';
import { applyPendingMigrations } from '../../src/store/migrator';
import type { PrismaClient } from '../../src/store/prisma-client';
import { packageRoot } from './run-package-script';
import { testLogger } from './test-logger';

const config = loadConfig();

/** The template every test database is copied from. */
export const templateDatabaseName = 'ads_test_template';

/** A database of one's own on the local server; `drop()` removes it. */
export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A migrated test database with a connected Prisma client. */
export interface MigratedTestDatabase extends TestDatabase {
  prisma: PrismaClient;
}

// Test files run in parallel processes; one of them (re)builds the template at a time.
const templateLockSql = `SELECT pg_advisory_lock(hashtext('ads-data-api:${templateDatabaseName}'))`;
const templateUnlockSql = `SELECT pg_advisory_unlock(hashtext('ads-data-api:${templateDatabaseName}'))`;

async function withServerConnection<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(poolConfigOf(withDatabaseName(config.databaseUrl, 'postgres')));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function uniqueDatabaseName(): string {
  return `ads_test_${randomBytes(6).toString('hex')}`;
}

function dropper(name: string): () => Promise<void> {
  return () =>
    withServerConnection(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    });
}

const generatedClient = join(packageRoot, 'src', 'generated', 'prisma', 'client.ts');

function modifiedAt(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The generated client is not committed: a fresh clone, or a schema edited since the last
 * `npm run db:generate`, gets it (re)generated here. Must run under the template lock, since
 * test files run in parallel.
 */
function ensureGeneratedClient(): void {
  if (modifiedAt(generatedClient) >= modifiedAt(schemaPath)) return;
  const result = spawnSync(process.execPath, ['--conditions=@ads/source', '--import', 'tsx', 'src/cli/generate.ts'], {
    cwd: packageRoot,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`npm run db:generate failed before the tests:\n${result.stdout}${result.stderr}`);
  }
}

/**
 * Makes sure `ads_test_template` holds exactly the current migrations: the template carries
 * a digest of the migration files in its comment, and is rebuilt when they change. Must run
 * under the template lock.
 */
async function ensureTemplate(client: pg.Client): Promise<void> {
  const stamp = `migrations sha256:${migrationListDigest(await readMigrationList())}`;
  const current = await client.query<{ comment: string | null }>(
    `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
    [templateDatabaseName],
  );
  if (current.rows[0]?.comment === stamp) return;

  await client.query(`DROP DATABASE IF EXISTS "${templateDatabaseName}" WITH (FORCE)`);
  await applyPendingMigrations(withDatabaseName(config.databaseUrl, templateDatabaseName), { logger: testLogger });
  // Stamped only once migrated: a template left half-built by a crash gets rebuilt.
  await client.query(`COMMENT ON DATABASE "${templateDatabaseName}" IS '${stamp}'`);
}

/**
 * Creates `ads_test_<random>` as a copy of the migrated template and connects a Prisma
 * client to it. Call `drop()` when done (it disconnects the client too).
 */
export async function createTestDatabase(): Promise<MigratedTestDatabase> {
  const name = uniqueDatabaseName();
  await withServerConnection(async (client) => {
    await client.query(templateLockSql);
    try {
      ensureGeneratedClient();
      await ensureTemplate(client);
      // Under the lock too: copying fails while anyone else is connected to the template.
      await client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateDatabaseName}"`);
    } finally {
      await client.query(templateUnlockSql);
    }
  });
  const url = withDatabaseName(config.databaseUrl, name);
  // Imported only now: the generated client it loads may have just been generated.
  const { createPrismaClient } = await import('../../src/store/prisma-client');
  const prisma = createPrismaClient(url, testLogger);
  const drop = dropper(name);
  return {
    name,
    url,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await drop();
    },
  };
}

/**
 * Reserves a unique database name without creating the database, for tests of the
 * migration path itself (which must create it). `drop()` removes it if it was created.
 */
export function reserveTestDatabase(): TestDatabase {
  const name = uniqueDatabaseName();
  return { name, url: withDatabaseName(config.databaseUrl, name), drop: dropper(name) };
}
