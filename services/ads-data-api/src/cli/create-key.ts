// `npm run keys:create -- --role service|importer|admin|advertiser [--advertiser <id>] --name <name> [--json]`:
// creates an API key and prints its secret, which is stored nowhere (only its SHA-256 is).
import { Command, Option } from 'commander';
import { inventory } from '@ads/ads-client';
import { createPrismaClient } from '../store/prisma-client';
import { issueApiKey } from '../store/issue-api-key';
import { runDataApiCommand, withDatabase } from './run-data-api-command';

interface KeyOptions {
  role: 'admin' | 'advertiser' | 'service' | 'importer';
  name: string;
  advertiser?: string;
  json?: boolean;
}

const program = new Command('keys:create')
  .description('Create an API key of ads-data-api and print its secret (shown once; only its SHA-256 is stored).')
  .addOption(new Option('--role <role>', 'what the key may do').choices(inventory.apiKeyRole.options).makeOptionMandatory())
  .requiredOption('--name <name>', 'who or what uses the key, e.g. cache-warming (1 to 200 characters)')
  .option('--advertiser <advertiser id>', 'the advertiser of an advertiser key (only for --role advertiser)')
  .option('--json', 'print the key as one JSON line')
  .action(
    withDatabase(async ({ config, logger }, options: KeyOptions) => {
      const prisma = createPrismaClient(config.databaseUrl, logger);
      try {
        const key = await issueApiKey(prisma, { role: options.role, name: options.name, advertiserId: options.advertiser });
        if (options.json === true) {
          console.log(JSON.stringify(key));
          return;
        }
        console.log(`Created ${key.role} key "${key.name}" (id ${key.id}${key.advertiserId ? `, advertiser ${key.advertiserId}` : ''}).`);
        console.log(`Secret (shown once; only its SHA-256 is stored):\n  ${key.secret}`);
      } finally {
        await prisma.$disconnect();
      }
    }),
  );

runDataApiCommand(program);
