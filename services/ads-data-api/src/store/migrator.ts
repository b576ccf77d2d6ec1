import { readFile } from 'node:fs/promises';

import pg from 'pg';
import type { Logger } from 'pino';

import { databaseNameOf, poolConfigOf, withDatabaseName } from './database-url';
import { migrationsDirectory, readMigrationList, schemaPath } from './migration-directory';
import { openSchemaEngine } from './schema-engine';

const emptyFilter = { externalTables: [], externalEnums: [] };

/** What `applyPendingMigrations` did. */
export interface MigrationReport {
  databaseCreated: boolean;
  /** Names of the migrations applied by this call, oldest first; empty when up to date. */
  appliedMigrationNames: string[];
}

/** What `diffSchemaFromMigrations` found. */
export interface SchemaDiff {
  /** True when the migrations already produce the schema. */
  empty: boolean;
  /** The SQL that takes a database built by the migrations to the current schema. */
  sql: string;
}

/**
 * Creates the database named in `databaseUrl` when it does not exist, connecting to the
 * server's `postgres` database to do so. Safe to race with another process doing the same.
 */
export async function ensureDatabaseExists(databaseUrl: string, logger: Logger): Promise<boolean> {
  const databaseName = databaseNameOf(databaseUrl);
  const client = new pg.Client(poolConfigOf(withDatabaseName(databaseUrl, 'postgres')));
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [databaseName]);
    if (existing.rowCount) return false;
    try {
      // The name was checked against a strict pattern by databaseNameOf.
      await client.query(`CREATE DATABASE "${databaseName}"`);
    } catch (error) {
      if ((error as { code?: string }).code === '42P04') return false; // created meanwhile
      throw error;
    }
    logger.info({ database: databaseName }, 'database created');
    return true;
  } finally {
    await client.end();
  }
}

/**
 * Applies the migrations of `prisma/migrations` that the database has not seen, through the
 * schema engine's `applyMigrations` (the command behind `prisma migrate deploy`), which
 * records each one in `_prisma_migrations` with its checksum. Creates the database first if
 * needed. Running it again applies nothing.
 */
export async function applyPendingMigrations(
  databaseUrl: string,
  options: { logger: Logger; directory?: string },
): Promise<MigrationReport> {
  const { logger } = options;
  const databaseCreated = await ensureDatabaseExists(databaseUrl, logger);
  const migrationsList = await readMigrationList(options.directory ?? migrationsDirectory);
  const session = await openSchemaEngine({ databaseUrl, logger });
  try {
    const { appliedMigrationNames } = await session.run(
      'applyMigrations',
      (engine) => engine.applyMigrations({ migrationsList, filters: emptyFilter }),
      'MIGRATION_FAILED',
    );
    logger.info(
      { database: databaseNameOf(databaseUrl), applied: appliedMigrationNames },
      appliedMigrationNames.length ? 'migrations applied' : 'database already up to date',
    );
    return { databaseCreated, appliedMigrationNames };
  } finally {
    await session.close();
  }
}

/**
 * Computes the SQL from the state the migrations produce to the state `prisma/schema.prisma`
 * describes (the engine's `diff`, as `prisma migrate diff --from-migrations --to-schema`).
 * The engine replays the migrations in a temporary shadow database on the server of
 * `databaseUrl`, which it creates and drops.
 */
export async function diffSchemaFromMigrations(
  databaseUrl: string,
  options: { logger: Logger; directory?: string; schemaFile?: string },
): Promise<SchemaDiff> {
  const file = options.schemaFile ?? schemaPath;
  const schemaFiles: Array<[string, string]> = [[file, await readFile(file, 'utf8')]];
  const migrationsList = await readMigrationList(options.directory ?? migrationsDirectory);
  const session = await openSchemaEngine({
    databaseUrl: withDatabaseName(databaseUrl, 'postgres'),
    schemaFiles,
    logger: options.logger,
  });
  try {
    const result = await session.run('diff', (engine) =>
      engine.diff({
        // The engine cannot tell the connector of an empty history: start from nothing.
        from: migrationsList.migrationDirectories.length === 0 ? { tag: 'empty' } : { tag: 'migrations', ...migrationsList },
        to: { tag: 'schemaDatamodel', files: schemaFiles.map(([path, content]) => ({ path, content })) },
        script: true,
        exitCode: true,
        filters: emptyFilter,
      }),
    );
    // With exitCode set, the engine answers 2 when the two sides differ, 0 when they match.
    return { empty: result.exitCode === 0, sql: result.stdout ?? '' };
  } finally {
    await session.close();
  }
}
