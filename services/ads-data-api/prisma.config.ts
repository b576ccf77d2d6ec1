// Prisma CLI configuration (Prisma 7 reads the datasource URL from here, not from the schema).
// The URL comes from src/config.ts, the one place that reads the environment.
import { defineConfig } from 'prisma/config';

import { loadConfig } from './src/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: loadConfig().databaseUrl },
});
