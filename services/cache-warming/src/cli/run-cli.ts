import { randomUUID } from 'node:crypto';
import { RedisKeys, createRpcClient, dataApiContract, redactRedisUrl } from '@ads/ads-client';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { Redis } from 'ioredis';
import { loadConfig, type Config } from '../config';
import { CacheWarmingError } from '../errors';
import { createLogger } from '../logger';
import { ServingIndexWarmer, type WarmSummary } from '../serving-index-warmer';
import { WatchLoop } from '../watch-loop';
import { printFailure } from './json-output';
import { terminalProgress } from './progress-display';
import { rollback } from './rollback-command';

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
  program
    .command('rollback')
    .description('make the previous index version current again (run it again to undo); needs Redis only')
    .option('--json', 'print the outcome as one JSON line on stdout')
    .action(async (options: { json?: boolean }) => {
      exitCode = await rollback(options, environment);
    });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; a bad flag is a usage error (exit 2, message printed).
      if (error.exitCode === 0) return 0;
      // The options never parsed, so look for --json itself (not after a `--`).
      const operands = argv.indexOf('--');
      if ((operands === -1 ? argv : argv.slice(0, operands)).includes('--json')) printFailure('CLI_USAGE', error.message.replace(/^error: /, ''));
      return 2;
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
    if (options.json === true) printFailure(error instanceof CacheWarmingError ? error.code : 'UNEXPECTED', (error as Error).message);
    return error instanceof CacheWarmingError ? error.exitCode : 1;
  }
  const logger = createLogger(config.logLevel);
  const keys = new RedisKeys(config.redisKeyPrefix);
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: 5_000,
    maxRetriesPerRequest: options.watch ? 20 : 1,
    // A one-off run fails fast (exit 4); a watcher (a daemon) waits for Redis, at start too.
    retryStrategy: options.watch ? (attempt) => Math.min(attempt * 200, 2_000) : () => null,
  });
  redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error'));
  const client = createRpcClient(dataApiContract, { urls: config.dataApiUrls, token: config.dataApiToken, timeoutMs: config.dataApiTimeoutMs });
  const warmer = new ServingIndexWarmer({ client, redis, keys, logger, pageSize: options.pageSize, retainMs: config.indexRetainMs });
  const interactive = process.stderr.isTTY === true && options.json !== true;
  // A build's failure is printed where it happens (one --json line per build, in watch mode
  // too); the outer handler prints only failures that happened outside a build.
  const printed = new WeakSet<object>();
  const reportFailure = (error: unknown): void => {
    if (options.json !== true || (typeof error === 'object' && error !== null && printed.has(error))) return;
    if (typeof error === 'object' && error !== null) printed.add(error);
    if (error instanceof CacheWarmingError) printFailure(error.code, error.message);
    else printFailure('UNEXPECTED', error instanceof Error ? error.message : String(error));
  };

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
      reportFailure(error);
      throw error;
    }
  };

  let stopping: ReturnType<typeof stopSignal> | undefined;
  try {
    if (!options.watch) {
      await redis.connect().catch((error: unknown) => {
        throw new CacheWarmingError('REDIS_UNAVAILABLE', `cannot connect to Redis at ${redactRedisUrl(config.redisUrl)}: ${(error as Error).message}`, { cause: error });
      });
      await warmOnce('run');
      return 0;
    }
    // Listening before Redis answers, so that a watcher still waiting for it stops on a signal.
    stopping = stopSignal();
    if (!(await waitForRedis(redis, redactRedisUrl(config.redisUrl), logger, stopping.signalled))) {
      logger.info('stopping: Redis never answered');
      return 0;
    }
    await watch(options, config, keys, redis, logger, warmOnce, stopping.signalled);
    return 0;
  } catch (error) {
    reportFailure(error);
    if (error instanceof CacheWarmingError) {
      logger.error({ err: error, code: error.code }, 'cache-warming failed; the current index version is untouched');
      process.stderr.write(`cache-warming: ${error.code}: ${error.message}\n`);
      return error.exitCode;
    }
    logger.error({ err: error }, 'cache-warming failed unexpectedly');
    process.stderr.write(`cache-warming: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  } finally {
    stopping?.dispose();
    await client.$close().catch(() => undefined);
    redis.disconnect();
  }
}

/** Resolves on the first SIGTERM or SIGINT; `dispose` removes the handlers. */
function stopSignal(): { signalled: Promise<void>; dispose(): void } {
  let stop: () => void = () => undefined;
  const signalled = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return {
    signalled,
    dispose: () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    },
  };
}

/**
 * Connects a watcher's Redis client, retrying for as long as it takes (ioredis reconnects by
 * the retry strategy; a daemon under Kubernetes or compose must not crash-loop while Redis
 * starts). Logs the first failure and then about every 30 s. False when stopped first.
 */
async function waitForRedis(redis: Redis, redisUrl: string, logger: ReturnType<typeof createLogger>, stopping: Promise<void>): Promise<boolean> {
  let attempts = 0;
  let lastError = '';
  const onError = (error: Error) => {
    lastError = error.message;
  };
  const onReconnecting = (delayMs: number) => {
    attempts += 1;
    if (attempts === 1 || attempts % 15 === 0) {
      logger.warn({ redisUrl, attempts, retryInMs: delayMs, error: lastError }, 'Redis unavailable; the watcher keeps retrying');
    }
  };
  redis.on('error', onError);
  redis.on('reconnecting', onReconnecting);
  try {
    const ready = new Promise<boolean>((resolve) => redis.once('ready', () => resolve(true)));
    // connect() rejects on the first refused connection, while ioredis goes on reconnecting.
    redis.connect().catch(() => undefined);
    const connected = await Promise.race([ready, stopping.then(() => false)]);
    if (connected && attempts > 0) logger.info({ redisUrl, attempts }, 'connected to Redis');
    return connected;
  } finally {
    redis.off('error', onError);
    redis.off('reconnecting', onReconnecting);
  }
}

async function watch(
  options: RunOptions,
  config: Config,
  keys: RedisKeys,
  redis: Redis,
  logger: ReturnType<typeof createLogger>,
  warmOnce: (reason: string) => Promise<WarmSummary>,
  stopping: Promise<void>,
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
  await stopping;
  logger.info('stopping: waiting for a rebuild in progress');
  await loop.stop();
  subscriber.disconnect();
}

function printSummary(summary: WarmSummary, json: boolean): void {
  if (json) {
    // runId first: readers pick the summary lines by their start.
    process.stdout.write(`${JSON.stringify({ ...summary, ok: true })}\n`);
    return;
  }
  const { counts } = summary;
  const headline = {
    'dry-run': () =>
      `dry run: would write index version ${summary.version} as ${summary.key} and make it current${summary.previous === null ? '' : ` in place of ${summary.previous}`} (nothing written)`,
    published: () => `published index version ${summary.version}${summary.previous === null ? '' : ` (previous ${summary.previous})`}`,
    stale: () =>
      `not published: index version ${summary.version} (snapshot of ${summary.asOf}) is older than the current version ${summary.supersededBy?.version} (snapshot of ${summary.supersededBy?.asOf}), which stays; ${summary.version} expires`,
  }[summary.outcome];
  const lines = [
    headline(),
    `  ${counts.campaigns} campaigns, ${counts.ads} ads, ${counts.placements} placements, ${counts.candidates} candidate entries; ${summary.chunks} chunks, ${(summary.bytes / 1024).toFixed(0)} KiB`,
    `  left out: ${counts.skippedEndedCampaigns} ended campaigns, ${counts.skippedCampaignsWithoutAds} without servable ads, ${counts.skippedInactiveAds} inactive ads`,
    `  read ${counts.pages} snapshot pages in ${summary.readMs} ms, ${summary.dryRun ? 'encoded' : 'wrote'} in ${summary.writeMs} ms`,
    ...summary.placements.map((placement) => `  ${placement.key}: ${placement.sponsorship} sponsorship, ${placement.standard} standard, ${placement.house} house`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
