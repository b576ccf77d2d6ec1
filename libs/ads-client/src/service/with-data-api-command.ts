import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { RedisClient } from '../redis/redis-client.js';
import { connectRedis } from './connect-redis.js';
import { createLogger } from './create-logger.js';
import type { DataApiReader, DataApiReaderOptions } from './data-api-reader.js';
import type { DataApiCommandConfig } from './load-config.js';

/** What one run of a data API command works with; {@link withDataApiCommand} opens and closes it. */
export interface DataApiCommandRun<Source> {
  /** Logs on stderr with a `runId` of this run. */
  logger: Logger;
  /** A command connection: connected (or REDIS_UNAVAILABLE thrown) before the run starts. */
  redis: RedisClient;
  source: Source;
}

/**
 * One run of a command that reads ads-data-api and writes Redis (scoring, time-series warming):
 * opens a logger, a Redis command connection and the service's reader of the data API
 * (`Source`, a {@link DataApiReader}) from `config`, runs `body`, and closes both connections
 * whatever `body` does.
 */
export async function withDataApiCommand<Source extends DataApiReader, Result>(
  options: { service: string; config: DataApiCommandConfig; Source: new (reader: DataApiReaderOptions) => Source },
  body: (run: DataApiCommandRun<Source>) => Promise<Result>,
): Promise<Result> {
  const { service, config } = options;
  const logger = createLogger({ service, level: config.logLevel, base: { runId: randomUUID() }, kind: 'command' });
  const redis = await connectRedis('command', { url: config.redisUrl, name: service, logger });
  const source = new options.Source({ urls: config.dataApiUrls, token: config.dataApiToken, timeoutMs: config.dataApiTimeoutMs });
  try {
    return await body({ logger, redis, source });
  } finally {
    await source.close();
    redis.disconnect();
  }
}
