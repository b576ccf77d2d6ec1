// `npm run keys:create -- --role service|importer|admin|advertiser [--advertiser <id>] --name <name> [--json]`:
// creates an API key and prints its secret, which is stored nowhere (only its SHA-256 is).
import { parseArgs } from 'node:util';

import { config } from '../config';
import { inventory } from '@ads/ads-client';
import { DataApiError } from '../errors';
import { createPrismaClient } from '../store/prisma-client';
import { issueApiKey } from '../store/issue-api-key';
import { runCli } from './run-cli';

const usage = 'usage: npm run keys:create -- --role service|importer|admin|advertiser [--advertiser <advertiser id>] --name <name> [--json]';

runCli('keys:create', async (args) => {
  let values: { role?: string; advertiser?: string; name?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { role: { type: 'string' }, advertiser: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new DataApiError('CLI_USAGE', `${(error as Error).message}\n${usage}`);
  }
  const role = inventory.apiKeyRole.safeParse(values.role);
  if (!role.success) throw new DataApiError('CLI_USAGE', `--role must be admin, advertiser, service or importer, got ${values.role ?? 'nothing'}\n${usage}`);
  if (values.name === undefined) throw new DataApiError('CLI_USAGE', `--name is required\n${usage}`);

  const prisma = createPrismaClient(config.databaseUrl);
  try {
    const key = await issueApiKey(prisma, { role: role.data, name: values.name, advertiserId: values.advertiser });
    if (values.json) {
      console.log(JSON.stringify(key));
      return;
    }
    console.log(`Created ${key.role} key "${key.name}" (id ${key.id}${key.advertiserId ? `, advertiser ${key.advertiserId}` : ''}).`);
    console.log(`Secret (shown once; only its SHA-256 is stored):\n  ${key.secret}`);
  } finally {
    await prisma.$disconnect();
  }
});
