// `npm run db:seed [-- --force] [--json]`: fills the database with demo data and prints the API
// key secrets, which are stored nowhere (only their SHA-256 is); `--json` prints one line
// `{ adminKey, serviceKey, importerKey, counts, apiKeys }` for scripts and tests. Refuses a database that
// already holds data unless --force, which deletes ALL application data first. The ads' images
// are ads-serving-rpc's demo creatives, under DEMO_CREATIVES_BASE_URL.
import { Command } from 'commander';
import { seedVariables } from '../config';
import { databaseNameOf } from '../store/database-url';
import { seedDemoData } from '../store/demo-seed';
import { createPrismaClient } from '../store/prisma-client';
import { runDataApiCommand, withDatabase } from './run-data-api-command';

const program = new Command('db:seed')
  .description('Fill the database of DATABASE_URL with demo data and print the new API keys (shown once; only their SHA-256 is stored).')
  .option('--force', 'delete ALL application data first (otherwise a database that holds data is refused)')
  .option('--json', 'print one JSON line: { adminKey, serviceKey, importerKey, counts, apiKeys }')
  .action(
    withDatabase(async ({ config, logger }, options: { force?: boolean; json?: boolean }) => {
      const prisma = createPrismaClient(config.databaseUrl, logger);
      try {
        const summary = await seedDemoData(prisma, { force: options.force === true, creativesBaseUrl: config.demoCreativesBaseUrl });
        const { counts } = summary;
        if (options.json === true) {
          const secretOf = (role: 'admin' | 'service' | 'importer') => summary.apiKeys.find((key) => key.role === role)!.secret;
          const apiKeys = summary.apiKeys.map(({ id, name, role, prefix, secret }) => ({ id, name, role, prefix, secret }));
          console.log(
            JSON.stringify({
              adminKey: secretOf('admin'),
              serviceKey: secretOf('service'),
              importerKey: secretOf('importer'),
              counts,
              apiKeys,
            }),
          );
          return;
        }
        console.log(
          `Seeded ${databaseNameOf(config.databaseUrl)}: ${counts.advertisers} advertisers, ${counts.campaigns} campaigns, ` +
            `${counts.ads} ads, ${counts.sites} sites, ${counts.placements} placements, ` +
            `${counts.featureSwitches} feature switches, ${counts.apiKeys} API keys.`,
        );
        console.log('\nAPI keys (shown once; only their SHA-256 is stored):');
        for (const key of summary.apiKeys) {
          console.log(`  ${key.role.padEnd(8)} ${key.secret}   ${key.name}`);
        }
      } finally {
        await prisma.$disconnect();
      }
    }),
  );

runDataApiCommand(program, seedVariables);
