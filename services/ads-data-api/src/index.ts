// Public surface of @ads/ads-data-api. Other services never import this package (see
// DESIGN.md); these exports are for its own entry points and tests.
export { loadConfig, type Config } from './config';
export { DataApiError, errorCatalogue, type DataApiErrorCode } from './errors';
export { apiKeyPrefixOf, hashApiKeySecret, issueApiKeySecret, type IssuedApiKey } from './domain/api-key-secret';
export { createPrismaClient, PrismaClient } from './store/prisma-client';
export {
  applyPendingMigrations,
  diffSchemaFromMigrations,
  ensureDatabaseExists,
  type MigrationReport,
  type SchemaDiff,
} from './store/migrator';
export { seedDemoData, type DemoSeedSummary } from './store/demo-seed';
export { createApp, type AppDependencies } from './http/data-api-app';
export { createDataApiRpcServer, RPC_MAX_BODY_BYTES } from './http/data-api-rpc-server';
export { issueApiKey, type CreatedApiKey } from './store/issue-api-key';
