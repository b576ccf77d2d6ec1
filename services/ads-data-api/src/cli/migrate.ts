// `npm run db:migrate`: applies pending migrations of prisma/migrations to DATABASE_URL with
// the WebAssembly schema engine (same bookkeeping as `prisma migrate deploy`), creating the
// database if needed. Idempotent.
import { Command } from 'commander';
import { databaseNameOf } from '../store/database-url';
import { applyPendingMigrations } from '../store/migrator';
import { runDataApiCommand, withDatabase } from './run-data-api-command';

const program = new Command('db:migrate')
  .description('Create the database of DATABASE_URL if missing and apply the pending migrations of prisma/migrations (idempotent).')
  .action(
    withDatabase(async ({ config, logger }) => {
      const report = await applyPendingMigrations(config.databaseUrl, { logger });
      const database = databaseNameOf(config.databaseUrl);
      if (report.databaseCreated) console.log(`created database ${database}`);
      if (report.appliedMigrationNames.length === 0) {
        console.log(`database ${database} is up to date: no pending migrations.`);
        return;
      }
      console.log(`applied ${report.appliedMigrationNames.length} migration(s) to ${database}:`);
      for (const name of report.appliedMigrationNames) console.log(`  ${name}`);
    }),
  );

runDataApiCommand(program);
