// The timeseries-warming command: `node --import tsx src/main.ts run [--days N] [--json]`.
import { commonHint, describeEnvironment, integerOption, printJsonLine, runCommand, withDataApiCommand } from '@ads/ads-client/service';
import { Command } from 'commander';
import { warmTimeSeries } from './app/time-series-warm';
import { renderWarmReport } from './cli/warm-report';
import { MAX_WARM_DAYS, configFromProcessEnvironment, environmentHelp } from './config';
import { DataApiSource } from './store/data-api-source';

const SERVICE = 'timeseries-warming';

async function run(options: { days?: number; json: boolean }): Promise<void> {
  const config = configFromProcessEnvironment();
  const days = options.days ?? config.days;
  await withDataApiCommand({ service: SERVICE, config, Source: DataApiSource }, async ({ logger, redis, source }) => {
    logger.info({ days }, 'time-series warm started');
    const summary = await warmTimeSeries({
      source,
      redis,
      redisKeyPrefix: config.redisKeyPrefix,
      days,
      settleMinutes: config.settleMinutes,
      logger,
    });
    logger.info(
      { points: summary.points, raised: summary.reconciliation.raised, durationMs: summary.durationMs },
      'time-series warm finished',
    );
    if (options.json) printJsonLine(summary);
    else process.stdout.write(renderWarmReport(summary));
  });
}

const program = new Command(SERVICE).description('Loads hourly and daily stats series into Redis and reconciles the day spend counters.');
const warmCommandLine = program
  .command('run')
  .description('warm the last N days of series (default TIMESERIES_DAYS) and reconcile spend counters')
  .option('--days <n>', `days to warm, 1 to ${MAX_WARM_DAYS}`, integerOption('--days', 1, MAX_WARM_DAYS))
  .option('--json', 'print the summary as one JSON line', false)
  .action(run);
describeEnvironment(program, environmentHelp);
describeEnvironment(warmCommandLine, environmentHelp);

// Every read comes before the first write, so a data API failure leaves Redis as it was.
process.exitCode = await runCommand(program, {
  argv: process.argv.slice(2),
  service: SERVICE,
  hint: (error) => commonHint(error, 'the series in Redis are those of the last good run'),
});
