// The offline migration path: the WebAssembly schema engine applying prisma/migrations to a
// real PostgreSQL, as `npm run db:migrate` does.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import pg from 'pg';

import { loadConfig } from '../src/config';
import { testLogger } from './support/test-logger';

const config = loadConfig();
import { DataApiError } from '../src/errors';
import { poolConfigOf } from '../src/store/database-url';
import { migrationsDirectory, schemaPath, writeMigration } from '../src/store/migration-directory';
import { applyPendingMigrations, diffSchemaFromMigrations } from '../src/store/migrator';
import { runPackageScript } from './support/run-package-script';
import { reserveTestDatabase, type TestDatabase } from './support/test-database';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.all(databases.map((database) => database.drop()));
});

function newDatabase(): TestDatabase {
  const database = reserveTestDatabase();
  databases.push(database);
  return database;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client(poolConfigOf(url));
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function migrationNamesOnDisk(): Promise<string[]> {
  const entries = await readdir(migrationsDirectory, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

describe('applyPendingMigrations', () => {
  it('creates the database, applies every migration, records them as the Prisma CLI does', async () => {
    const database = newDatabase();
    const expected = await migrationNamesOnDisk();
    assert.ok(expected.length > 0, 'prisma/migrations holds at least the init migration');

    const first = await applyPendingMigrations(database.url, { logger: testLogger });
    assert.equal(first.databaseCreated, true);
    assert.deepEqual(first.appliedMigrationNames, expected);

    const recorded = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(database.url, 'SELECT * FROM _prisma_migrations ORDER BY migration_name');
    assert.deepEqual(
      recorded.map((row) => row.migration_name),
      expected,
    );
    for (const row of recorded) {
      const sql = await readFile(join(migrationsDirectory, row.migration_name, 'migration.sql'));
      // `prisma migrate deploy` compares this checksum with the file: it must be the same digest.
      assert.equal(row.checksum, createHash('sha256').update(sql).digest('hex'), row.migration_name);
      assert.ok(row.finished_at, `${row.migration_name} finished`);
      assert.equal(row.rolled_back_at, null);
      assert.equal(row.applied_steps_count, 1);
    }

    const second = await applyPendingMigrations(database.url, { logger: testLogger });
    assert.deepEqual(second, { databaseCreated: false, appliedMigrationNames: [] });
    const afterSecond = await query(database.url, 'SELECT * FROM _prisma_migrations');
    assert.equal(afterSecond.length, expected.length);
  });

  it('creates the tables, the hand-written CHECK constraints and the NULLS NOT DISTINCT index', async () => {
    const database = newDatabase();
    await applyPendingMigrations(database.url, { logger: testLogger });
    const tables = await query<{ table_name: string }>(
      database.url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    assert.deepEqual(
      tables.map((row) => row.table_name),
      [
        '_prisma_migrations',
        'ad',
        'advertiser',
        'api_key',
        'audit_log',
        'campaign',
        'feature_switch',
        'hourly_stat',
        'idempotency_record',
        'import_run',
        'opportunity_day',
        'opportunity_hour',
        'placement',
        'placement_hourly_stat',
        'site',
        'stats_batch',
      ],
    );
    const checks = await query<{ conname: string }>(database.url, `SELECT conname FROM pg_constraint WHERE contype = 'c' ORDER BY conname`);
    const names = checks.map((row) => row.conname);
    for (const expected of [
      'campaign_flight_check',
      'campaign_total_budget_check',
      'campaign_daily_budget_check',
      'campaign_frequency_cap_check',
      'campaign_day_parting_hours_check',
      'feature_switch_percentage_check',
      'hourly_stat_counts_check',
      'placement_hourly_stat_counts_check',
      'import_run_counts_check',
      'opportunity_hour_requests_check',
      'opportunity_hour_hour_check',
      'opportunity_day_threshold_check',
      'opportunity_day_sample_check',
    ]) {
      assert.ok(names.includes(expected), `missing CHECK ${expected}`);
    }
    const [index] = await query<{ indexdef: string }>(
      database.url,
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'feature_switch_name_scope_scope_id_key'`,
    );
    assert.match(index?.indexdef ?? '', /NULLS NOT DISTINCT/);
    // Money units (migration *_money_units) and HOT-friendly counters (*_hourly_stat_fillfactor).
    const [spend] = await query<{ data_type: string }>(
      database.url,
      `SELECT data_type FROM information_schema.columns WHERE table_name = 'hourly_stat' AND column_name = 'spend_micros'`,
    );
    assert.equal(spend?.data_type, 'bigint');
    const [storage] = await query<{ reloptions: string[] | null }>(
      database.url,
      `SELECT reloptions FROM pg_class WHERE relname = 'hourly_stat'`,
    );
    assert.deepEqual(storage?.reloptions, ['fillfactor=70']);
  });

  it('runs each migration as one script: semicolons in literals survive, a failure leaves nothing behind', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ads-migrations-'));
    try {
      await writeMigration('notes', `CREATE TABLE "note" ("body" TEXT NOT NULL DEFAULT 'a;b');\n`, {
        directory,
        now: new Date('2026-01-01T00:00:00Z'),
      });
      await writeMigration('broken', `CREATE TABLE "half_done" ("id" INTEGER);\nINSERT INTO "half_done" VALUES (1 / 0);\n`, {
        directory,
        now: new Date('2026-01-02T00:00:00Z'),
      });
      const database = newDatabase();
      await assert.rejects(
        applyPendingMigrations(database.url, { directory, logger: testLogger }),
        (error: unknown) => error instanceof DataApiError && error.code === 'MIGRATION_FAILED' && /division by zero/.test(error.message),
      );
      const [column] = await query<{ column_default: string }>(
        database.url,
        `SELECT column_default FROM information_schema.columns WHERE table_name = 'note' AND column_name = 'body'`,
      );
      assert.equal(column?.column_default, `'a;b'::text`);
      const halfDone = await query(database.url, `SELECT 1 FROM pg_class WHERE relname = 'half_done'`);
      assert.equal(halfDone.length, 0, 'the failed migration was rolled back as a whole');
      const recorded = await query<{ migration_name: string; finished_at: Date | null }>(
        database.url,
        'SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name',
      );
      assert.deepEqual(
        recorded.map((row) => [row.migration_name, row.finished_at !== null]),
        [
          ['20260101000000_notes', true],
          ['20260102000000_broken', false],
        ],
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('npm run db:migrate', () => {
  it('migrates DATABASE_URL, then reports that nothing is pending', async () => {
    const database = newDatabase();
    const first = await runPackageScript('db:migrate', { databaseUrl: database.url });
    assert.equal(first.exitCode, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`created database ${database.name}`));
    assert.match(first.stdout, /applied \d+ migration\(s\)/);

    const second = await runPackageScript('db:migrate', { databaseUrl: database.url });
    assert.equal(second.exitCode, 0, second.stderr);
    assert.match(second.stdout, /no pending migrations/);
  });
});

describe('diffSchemaFromMigrations', () => {
  it('finds nothing to migrate: prisma/schema.prisma and prisma/migrations agree', async () => {
    const diff = await diffSchemaFromMigrations(config.databaseUrl, { logger: testLogger });
    assert.equal(diff.empty, true, `schema changes without a migration (run npm run db:diff -- <name>):\n${diff.sql}`);
  });

  it('finds a change when the schema gains a field', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'ads-schema-'));
    try {
      const schema = (await readFile(schemaPath, 'utf8')).replace('model StatsBatch {\n', 'model StatsBatch {\n  source String?\n');
      const changedSchema = join(directory, 'schema.prisma');
      await writeFile(changedSchema, schema);
      const diff = await diffSchemaFromMigrations(config.databaseUrl, { schemaFile: changedSchema, logger: testLogger });
      assert.equal(diff.empty, false);
      assert.match(diff.sql, /ALTER TABLE "stats_batch" ADD COLUMN\s+"source" TEXT/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
