// `npm run db:diff -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that takes the existing migrations to prisma/schema.prisma (WebAssembly schema
// engine, no engine binary). `--check` only reports whether a migration is needed.
import { relative } from 'node:path';
import { Command } from 'commander';
import { DataApiError } from '../errors';
import { migrationsDirectory, writeMigration } from '../store/migration-directory';
import { diffSchemaFromMigrations } from '../store/migrator';
import { runDataApiCommand, withDatabase } from './run-data-api-command';

const program = new Command('db:diff')
  .description(
    'Write the next migration (prisma/migrations/<timestamp>_<name>/migration.sql) from the changes of prisma/schema.prisma. ' +
      'The schema engine replays the migrations in a temporary shadow database on the server of DATABASE_URL.',
  )
  .argument('[name]', 'the migration name (lower case, digits, underscores), e.g. add_campaign_notes')
  .option('--check', 'only check: exit 5 (printing the SQL) when the schema has changes no migration covers')
  .action(
    withDatabase(async ({ config, logger }, name: string | undefined, options: { check?: boolean }) => {
      if (options.check !== true && name === undefined) {
        throw new DataApiError('CLI_USAGE', 'name the migration (npm run db:diff -- <migration_name>), or pass --check');
      }
      const diff = await diffSchemaFromMigrations(config.databaseUrl, { logger });
      if (diff.empty) {
        console.log('prisma/schema.prisma and prisma/migrations are in sync: no migration needed.');
        return;
      }
      if (options.check === true || name === undefined) {
        process.stdout.write(diff.sql);
        throw new DataApiError(
          'MIGRATION_MISSING',
          'prisma/schema.prisma has changes that no migration covers (SQL above); run npm run db:diff -- <name>',
        );
      }
      const directoryName = await writeMigration(name, diff.sql);
      console.log(`wrote ${relative(process.cwd(), migrationsDirectory)}/${directoryName}/migration.sql`);
      console.log('Review it, append any CHECK constraints Prisma cannot express, then run npm run db:migrate.');
    }),
  );

runDataApiCommand(program);
