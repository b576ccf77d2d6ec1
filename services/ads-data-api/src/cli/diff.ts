// `npm run db:diff -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with
// the SQL that takes the existing migrations to prisma/schema.prisma (WebAssembly schema
// engine, no engine binary). `--check` only reports whether a migration is needed.
import { relative } from 'node:path';

import { config } from '../config';
import { DataApiError } from '../errors';
import { migrationsDirectory, writeMigration } from '../store/migration-directory';
import { diffSchemaFromMigrations } from '../store/migrator';
import { runCli } from './run-cli';

runCli('db:diff', async (args) => {
  const check = args.includes('--check');
  const names = args.filter((arg) => !arg.startsWith('--'));
  if (!check && names.length !== 1) {
    throw new DataApiError('CLI_USAGE', 'usage: npm run db:diff -- <migration_name>   (or -- --check)');
  }
  const diff = await diffSchemaFromMigrations(config.databaseUrl);
  if (diff.empty) {
    console.log('prisma/schema.prisma and prisma/migrations are in sync: no migration needed.');
    return;
  }
  if (check) {
    process.stdout.write(diff.sql);
    throw new DataApiError(
      'MIGRATION_MISSING',
      'prisma/schema.prisma has changes that no migration covers (SQL above); run npm run db:diff -- <name>',
    );
  }
  const directoryName = await writeMigration(names[0]!, diff.sql);
  console.log(`wrote ${relative(process.cwd(), migrationsDirectory)}/${directoryName}/migration.sql`);
  console.log('Review it, append any CHECK constraints Prisma cannot express, then run npm run db:migrate.');
});
