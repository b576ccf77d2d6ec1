// `npm run db:seed [-- --force] [--json]`: fills the database with demo data and prints the API
// key secrets, which are stored nowhere (only their SHA-256 is); `--json` prints one line
// `{ adminKey, serviceKey, importerKey, counts, apiKeys }` for scripts and tests. Refuses a database that
// already holds data unless --force, which deletes ALL application data first.
import { config } from '../config';
import { DataApiError } from '../errors';
import { databaseNameOf } from '../store/database-url';
import { seedDemoData } from '../store/demo-seed';
import { createPrismaClient } from '../store/prisma-client';
import { runCli } from './run-cli';

runCli('db:seed', async (args) => {
  const unknown = args.filter((arg) => arg !== '--force' && arg !== '--json');
  if (unknown.length > 0) {
    throw new DataApiError('CLI_USAGE', `unknown argument ${unknown[0]}; usage: npm run db:seed [-- --force] [--json]`);
  }
  const prisma = createPrismaClient(config.databaseUrl);
  try {
    const summary = await seedDemoData(prisma, { force: args.includes('--force') });
    const { counts } = summary;
    if (args.includes('--json')) {
      // One line, for scripts and tests: `{ adminKey, serviceKey, importerKey, counts, apiKeys }`.
      const secretOf = (role: 'admin' | 'service' | 'importer') => summary.apiKeys.find((key) => key.role === role)!.secret;
      const apiKeys = summary.apiKeys.map(({ id, name, role, prefix, secret }) => ({ id, name, role, prefix, secret }));
      console.log(JSON.stringify({ adminKey: secretOf('admin'), serviceKey: secretOf('service'), importerKey: secretOf('importer'), counts, apiKeys }));
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
});
