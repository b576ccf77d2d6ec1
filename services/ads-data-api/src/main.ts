// Entry point of the ads-data-api server: REST (/api/v1), RPC (/rpc) and the dashboard on one port.
import { RedisKeys } from '@ads/ads-client';
import { ServiceError, createLogger, exitCodeOf, openRedis, serverCommandLine } from '@ads/ads-client/service';
import { loadConfig, serverVariables } from './config';
import { createApp } from './http/data-api-app';
import { createDataApiRpcServer } from './http/data-api-rpc-server';
import { createPrismaClient } from './store/prisma-client';

function start(): void {
  const config = loadConfig();
  const logger = createLogger({ service: 'ads-data-api', level: config.logLevel, kind: 'server' });
  const prisma = createPrismaClient(config.databaseUrl, logger);
  // Requests must not wait for a Redis that is away: notices and the report cache fail fast.
  const redis = openRedis('server', { url: config.redisUrl, name: 'ads-data-api', logger });
  const dependencies = { prisma, redis, keys: new RedisKeys(config.redisKeyPrefix), config, logger };

  const app = createApp(dependencies, { rpcServer: createDataApiRpcServer(dependencies) });
  const server = app.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    logger.info({ port }, 'ads-data-api listening');
  });
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'ads-data-api stopping');
    server.close(() => {
      void Promise.allSettled([prisma.$disconnect(), redis.quit()]).finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

// `--help` lists the variables and starts nothing; any argument is a usage error (exit 2).
const commandLineExit = await serverCommandLine({
  argv: process.argv.slice(2),
  service: 'ads-data-api',
  description: 'Serves REST (/api/v1), RPC (/rpc) and the dashboard on one port; configured by the environment.',
  variables: serverVariables,
});
if (commandLineExit !== undefined) process.exitCode = commandLineExit;
else startOrExplain();

function startOrExplain(): void {
  try {
    start();
  } catch (error) {
    // Before the logger exists (an invalid environment): one line for the person starting it.
    const explained =
      error instanceof ServiceError
        ? `${error.code}: ${error.message}`
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(`ads-data-api: ${explained}\n`);
    process.exitCode = exitCodeOf(error);
  }
}
