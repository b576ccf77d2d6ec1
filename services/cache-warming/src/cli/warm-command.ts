import { randomUUID } from 'node:crypto';
import { RedisKeys, redactRedisUrl, type RedisClient } from '@ads/ads-client';
import { DataApiReader, connectRedis, isServiceError, createLogger, openRedis, printJsonLine } from '@ads/ads-client/service';
import type { Logger } from 'pino';
import { watchInventory } from '../app/inventory-watch';
import { ServingIndexWarmer, type WarmSummary } from '../app/serving-index-warmer';
import { configFromProcessEnvironment, type Config } from '../config';
import { terminalProgress } from './progress-display';
import { renderWarmSummary } from './warm-summary';

const SERVICE = 'cache-warming';

export interface WarmCommandOptions {
  watch?: boolean;
  dryRun?: boolean;
  json?: boolean;
  pageSize: number;
  debounce: number;
  maxWait: number;
  interval: number;
}

/**
 * `cache-warming run`: builds the index once and publishes it, or with --watch keeps doing so as
 * a daemon. A one-off run fails fast (its failure is the command's: the runner prints it and
 * exits with its code); a watcher waits for Redis, and a failed build is printed (with --json as
 * its own line) and retried while the current index version stays.
 */
export async function warmCommand(options: WarmCommandOptions): Promise<void> {
  const config = configFromProcessEnvironment();
  const logger = createLogger({
    service: SERVICE,
    level: options.watch === true ? config.watchLogLevel : config.logLevel,
    kind: 'command',
  });
  const redis =
    options.watch === true
      ? watcherRedis(config, logger, SERVICE)
      : await connectRedis('command', { url: config.redisUrl, name: SERVICE, logger });
  const dataApi = new DataApiReader({ urls: config.dataApiUrls, token: config.dataApiToken, timeoutMs: config.dataApiTimeoutMs });
  const keys = new RedisKeys(config.redisKeyPrefix);
  const warmer = new ServingIndexWarmer({ dataApi, redis, keys, logger, pageSize: options.pageSize, retainMs: config.indexRetainMs });
  const interactive = process.stderr.isTTY === true && options.json !== true;

  const warmOnce = async (reason: string): Promise<WarmSummary> => {
    const runId = randomUUID();
    logger.info({ runId, reason }, 'building the serving index');
    const progress = interactive ? terminalProgress() : undefined;
    try {
      const summary = await warmer.warm({ runId, dryRun: options.dryRun === true, progress });
      progress?.stop();
      // runId first: readers pick the summary lines by their start.
      if (options.json === true) printJsonLine({ ...summary, ok: true });
      else process.stdout.write(renderWarmSummary(summary));
      return summary;
    } catch (error) {
      progress?.stop();
      // A watcher's failed build is one line of its own; a one-off run's failure is the command's.
      if (options.watch === true && options.json === true) printJsonLine(failureLine(error));
      throw error;
    }
  };

  if (options.watch !== true) {
    try {
      await warmOnce('run');
    } finally {
      await dataApi.close().catch(() => undefined);
      redis.disconnect();
    }
    return;
  }
  // Listening before Redis answers, so that a watcher still waiting for it stops on a signal.
  const stopping = stopSignal();
  const subscriber = watcherRedis(config, logger, `${SERVICE}-subscriber`);
  try {
    await watchInventory({
      redis,
      subscriber,
      redisUrl: redactRedisUrl(config.redisUrl),
      keys,
      logger,
      rebuild: async (reason) => void (await warmOnce(reason)),
      debounceMs: options.debounce,
      maxWaitMs: options.maxWait,
      intervalMs: options.interval * 1000,
      stopping: stopping.signalled,
    });
  } finally {
    stopping.dispose();
    await dataApi.close().catch(() => undefined);
    subscriber.disconnect();
    redis.disconnect();
  }
}

// A daemon waits for Redis; but a build's command fails after a while (instead of waiting for
// ever, the worker role's default) so that the loop retries it and a SIGTERM during an outage
// is not held up by a build that cannot end.
function watcherRedis(config: Config, logger: Logger, name: string): RedisClient {
  return openRedis('worker', { url: config.redisUrl, name, logger, overrides: { maxRetriesPerRequest: 20 } });
}

function failureLine(error: unknown): { ok: false; code: string; message: string } {
  if (isServiceError(error)) return { ok: false, code: error.code, message: error.message };
  return { ok: false, code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
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
