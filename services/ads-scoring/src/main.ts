// The ads-scoring command: `node --import tsx src/main.ts run [--dry-run] [--json] [--top N]`.
import { randomUUID } from 'node:crypto';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { renderScoringReport } from './cli/movers-table';
import { configFromProcessEnvironment } from './config';
import { ScoringError } from './errors';
import { createLogger } from './logger';
import { runScoring } from './scoring-run';
import { DataApiSource } from './store/data-api-source';
import { openRedis } from './store/redis-connection';

function positiveInteger(name: string, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}, got "${value}"`);
    }
    return Number(value);
  };
}

async function run(options: { dryRun: boolean; json: boolean; top: number }): Promise<void> {
  const config = configFromProcessEnvironment();
  const logger = createLogger(config.logLevel, randomUUID());
  const source = new DataApiSource({ urls: config.dataApiUrls, token: config.dataApiToken, timeoutMs: config.dataApiTimeoutMs });
  const redis = await openRedis(config.redisUrl, logger);
  try {
    logger.info({ dryRun: options.dryRun, windowDays: config.windowDays }, 'scoring run started');
    const summary = await runScoring({ config, source, redis, logger, dryRun: options.dryRun, moversLimit: options.top });
    if (options.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else process.stdout.write(renderScoringReport(summary, { colors: process.stdout.isTTY === true }));
  } catch (error) {
    logger.error({ err: error }, 'scoring run failed');
    throw error;
  } finally {
    await source.close();
    redis.disconnect();
  }
}

const program = new Command('ads-scoring')
  .description('Computes ad scores (smoothed CTR, eCPM, pacing) into a new Redis score version.')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });
program
  .command('run')
  .description('score every servable ad and publish a new score version')
  .option('--dry-run', 'compute and report, write nothing', false)
  .option('--json', 'print a JSON summary instead of the table', false)
  .option('--top <n>', 'rows of the movers table', positiveInteger('--top', 1000), 15)
  .action(run);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof ScoringError) {
    process.stderr.write(`ads-scoring: ${error.code}: ${error.message}\n`);
    if (error.code === 'DATA_API_UNAVAILABLE' || error.code === 'DATA_API_REFUSED') {
      process.stderr.write('ads-scoring: nothing was written; the current score version stays in place\n');
    }
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`ads-scoring: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
