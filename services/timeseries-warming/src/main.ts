// The timeseries-warming command: `node --import tsx src/main.ts run [--days N] [--json]`.
import { randomUUID } from 'node:crypto';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { MAX_WARM_DAYS, configFromProcessEnvironment } from './config';
import { WarmingError } from './errors';
import { createLogger } from './logger';
import { DataApiSource } from './store/data-api-source';
import { openRedis } from './store/redis-connection';
import { warmTimeSeries } from './time-series-warm';
import type { WarmSummary } from './time-series-warm';

function parseDays(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_WARM_DAYS) {
    throw new InvalidArgumentError(`--days must be a whole number from 1 to ${MAX_WARM_DAYS}, got "${value}"`);
  }
  return Number(value);
}

const money = (micros: number) => (micros / 1_000_000).toFixed(2);

function renderReport(summary: WarmSummary): string {
  const { series, reconciliation } = summary;
  const lines = [
    `warmed ${summary.window.days} days (${summary.window.from} to ${summary.window.to}) in ${summary.durationMs} ms`,
    `series: ${series.ad.hour}/${series.ad.day} ads, ${series.campaign.hour}/${series.campaign.day} campaigns, ` +
      `${series.advertiser.hour}/${series.advertiser.day} advertisers (hourly/daily), ${summary.points} buckets; ${summary.staleSeriesDeleted} stale series deleted`,
    `spend counters: ${reconciliation.campaigns} campaigns checked, ${reconciliation.raised} raised by ${money(reconciliation.raisedMicros)} in total`,
  ];
  for (const counter of reconciliation.counters.slice(0, 20)) {
    lines.push(`  ${counter.campaignId} ${counter.day}: ${money(counter.beforeMicros)} → ${money(counter.afterMicros)}`);
  }
  if (reconciliation.counters.length > 20) lines.push(`  … and ${reconciliation.counters.length - 20} more (see --json)`);
  return `${lines.join('\n')}\n`;
}

async function run(options: { days?: number; json: boolean }): Promise<void> {
  const config = configFromProcessEnvironment();
  const logger = createLogger(config.logLevel, randomUUID());
  const source = new DataApiSource({ urls: config.dataApiUrls, token: config.dataApiToken, timeoutMs: config.dataApiTimeoutMs });
  const redis = await openRedis(config.redisUrl, logger);
  try {
    const days = options.days ?? config.days;
    logger.info({ days }, 'time-series warm started');
    const summary = await warmTimeSeries({ source, redis, redisKeyPrefix: config.redisKeyPrefix, days, settleMinutes: config.settleMinutes, logger });
    logger.info({ points: summary.points, raised: summary.reconciliation.raised, durationMs: summary.durationMs }, 'time-series warm finished');
    process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : renderReport(summary));
  } catch (error) {
    logger.error({ err: error }, 'time-series warm failed');
    throw error;
  } finally {
    await source.close();
    redis.disconnect();
  }
}

const program = new Command('timeseries-warming')
  .description('Loads hourly and daily stats series into Redis and reconciles the day spend counters.')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });
program
  .command('run')
  .description('warm the last N days of series (default TIMESERIES_DAYS) and reconcile spend counters')
  .option('--days <n>', `days to warm, 1 to ${MAX_WARM_DAYS}`, parseDays)
  .option('--json', 'print a JSON summary', false)
  .action(run);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof WarmingError) {
    process.stderr.write(`timeseries-warming: ${error.code}: ${error.message}\n`);
    if (error.code === 'DATA_API_UNAVAILABLE' || error.code === 'DATA_API_REFUSED') {
      process.stderr.write('timeseries-warming: nothing was written; the series in Redis are those of the last good run\n');
    }
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`timeseries-warming: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
