import { randomUUID } from 'node:crypto';
import { RedisKeys, createRpcClient, dataApiContract, redactRedisUrl } from '@ads/ads-client';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config';
import { CacheWarmingError } from '../errors';
import { createLogger } from '../logger';
import { ServingIndexWarmer, type WarmSummary } from '../serving-index-warmer';
import { WatchLoop } from '../watch-loop';
import { terminalProgress } from './progress-display';

interface RunOptions {
  watch?: boolean;
  dryRun?: boolean;
  json?: boolean;
  pageSize: number;
  debounce: number;
  maxWait: number;
  interval: number;
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return parsed;
  };
}

/** The command line of cache-warming; resolves to the process exit code. */
export async function runCli(argv: string[], environment: Record<string, string | undefined>): Promise<number> {
  let exitCode = 0;
  const program = new Command('cache-warming')
    .description('Builds the serving index from ads-data-api and publishes it in Redis as a new version.')
    .exitOverride()
    .showHelpAfterError();
  program
    .command('run')
    .description('build the index once and publish it (or keep doing so with --watch)')
    .option('--watch', 'keep running: rebuild on inventory-changed notices (debounced) and every --interval seconds')
    .option('--dry-run', 'build the index and print what would be written; write nothing')
    .option('--json', 'print a JSON summary on stdout (one line per build)')
    .option('--page-size <campaigns>', 'campaigns per snapshot page', integer('--page-size', 1, 2000), 500)
    .option('--debounce <ms>', 'quiet time after an inventory notice before rebuilding', integer('--debounce', 0, 600_000), 2_000)
    .option('--max-wait <ms>', 'longest a burst of notices may delay a rebuild', integer('--max-wait', 0, 3_600_000), 30_000)
    .option('--interval <seconds>', 'with --watch, rebuild at least this often', integer('--interval', 1, 86_400), 300)
    .action(async (options: RunOptions) => {
      exitCode = await run(options, environment);
    });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; a bad flag is a usage error (exit 2, message printed).
      return error.exitCode === 0 ? 0 : 2;
    }
    throw error;
  }
  return exitCode;
}

async function run(options: RunOptions, environment: Record<string, string | undefined>): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(environment);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return error instanceof CacheWarmingError ? error.exitCode : 1;
  }
  const logger = createLogger(config.logLevel);
  const keys = new RedisKeys(config.redisKeyPrefix);
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: options.watch ? 20 : 1,
    // A one-off run fails fast; a watcher waits for Redis to come back.
    retryStrategy: options.watch ? (attempt) => Math.min(attempt * 200, 2_000) : () => null,
  });
  redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  const client = createRpcClient(dataApiContract, { urls: config.dataApiUrls, token: config.dataApiToken, timeoutMs: config.dataApiTimeoutMs });
  const warmer = new ServingIndexWarmer({ client, redis, keys, logger, pageSize: options.pageSize, retainMs: config.indexRetainMs });
  const interactive = process.stderr.isTTY === true && options.json !== true;

  const warmOnce = async (reason: string): Promise<WarmSummary> => {
    const runId = randomUUID();
    logger.info({ runId, reason }, 'building the serving index');
    const progress = interactive ? terminalProgress() : undefined;
    try {
      const summary = await warmer.warm({ runId, dryRun: options.dryRun === true, progress });
      progress?.stop();
      printSummary(summary, options.json === true);
      return summary;
    } catch (error) {
      progress?.stop();
      throw error;
    }
  };

  try {
    await redis.connect().catch((error: unknown) => {
      throw new CacheWarmingError('REDIS_UNAVAILABLE', `cannot connect to Redis at ${redactRedisUrl(config.redisUrl)}: ${(error as Error).message}`, { cause: error });
    });
    if (!options.watch) {
      await warmOnce('run');
      return 0;
    }
    await watch(options, config, keys, redis, logger, warmOnce);
    return 0;
  } catch (error) {
    if (error instanceof CacheWarmingError) {
      logger.error({ err: error, code: error.code }, 'cache-warming failed; the current index version is untouched');
      process.stderr.write(`cache-warming: ${error.code}: ${error.message}\n`);
      return error.exitCode;
    }
    logger.error({ err: error }, 'cache-warming failed unexpectedly');
    process.stderr.write(`cache-warming: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  } finally {
    await client.$close().catch(() => undefined);
    redis.disconnect();
  }
}

async function watch(
  options: RunOptions,
  config: Config,
  keys: RedisKeys,
  redis: Redis,
  logger: ReturnType<typeof createLogger>,
  warmOnce: (reason: string) => Promise<WarmSummary>,
): Promise<void> {
  const subscriber = redis.duplicate();
  subscriber.on('error', (error) => logger.debug({ err: error }, 'redis subscriber error'));
  const loop = new WatchLoop({
    rebuild: async (reason) => void (await warmOnce(reason)),
    debounceMs: options.debounce,
    maxWaitMs: options.maxWait,
    intervalMs: options.interval * 1000,
    logger,
  });
  subscriber.on('message', (channel) => {
    if (channel === keys.inventoryChangedChannel) loop.notify();
  });
  await subscriber.subscribe(keys.inventoryChangedChannel);
  logger.info({ channel: keys.inventoryChangedChannel, dataApiUrls: config.dataApiUrls }, 'watching for inventory changes');
  loop.start();
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info('stopping: waiting for a rebuild in progress');
  await loop.stop();
  subscriber.disconnect();
}

function printSummary(summary: WarmSummary, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const { counts } = summary;
  const lines = [
    summary.dryRun
      ? `dry run: would write index version ${summary.version} (nothing written)`
      : `published index version ${summary.version}${summary.previous === null ? '' : ` (previous ${summary.previous})`}`,
    `  ${counts.campaigns} campaigns, ${counts.ads} ads, ${counts.placements} placements, ${counts.candidates} candidate entries; ${summary.chunks} chunks, ${(summary.bytes / 1024).toFixed(0)} KiB`,
    `  left out: ${counts.skippedEndedCampaigns} ended campaigns, ${counts.skippedCampaignsWithoutAds} without servable ads, ${counts.skippedInactiveAds} inactive ads`,
    `  read ${counts.pages} snapshot pages in ${summary.readMs} ms, ${summary.dryRun ? 'encoded' : 'wrote'} in ${summary.writeMs} ms`,
    ...summary.placements.map((placement) => `  ${placement.key}: ${placement.sponsorship} sponsorship, ${placement.standard} standard, ${placement.house} house`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
