#!/usr/bin/env node
// Entry points of ads-data-import: `worker`, `scheduler` and `enqueue <job>`. The configuration
// is read when a command runs, so that --help works without any environment.
import { type ServiceError, createLogger, describeEnvironment, integerOption, runCommand } from '@ads/ads-client/service';
import { Command, Option } from 'commander';
import { type EnqueueOptions, runEnqueueCommand } from './cli/enqueue-command';
import { runSchedulerCommand } from './cli/scheduler-command';
import { runWorkerCommand } from './cli/worker-command';
import { ENVIRONMENT_HELP, loadConfig } from './config';
import { JOB_CATALOGUE, JOB_NAMES } from './domain/job-catalogue';

const SERVICE = 'ads-data-import';

const program = new Command(SERVICE)
  .description('Ads Data Import: BullMQ workers and schedules for event roll-ups, feed imports, warming and scoring.')
  .showHelpAfterError();

describeEnvironment(
  program
    .command('worker')
    .description('run the BullMQ workers; serves the queue dashboard at /queues and /healthz on WORKER_PORT')
    .action(async () => {
      const settings = loadConfig();
      await runWorkerCommand(
        settings,
        createLogger({ service: SERVICE, level: settings.logLevel, base: { role: 'worker' }, kind: 'server' }),
      );
    }),
  ENVIRONMENT_HELP.worker,
);

describeEnvironment(
  program
    .command('scheduler')
    .description('register the cron schedules as BullMQ job schedulers (safe to run several) and keep them registered')
    .option('--once', 'register and exit', false)
    .action(async (options: { once: boolean }) => {
      const settings = loadConfig();
      await runSchedulerCommand(
        settings,
        createLogger({ service: SERVICE, level: settings.logLevel, base: { role: 'scheduler' }, kind: 'server' }),
        options,
      );
    }),
  ENVIRONMENT_HELP.scheduler,
);

describeEnvironment(
  program
    .command('enqueue')
    .description(`run a job now and show its progress; jobs: ${JOB_NAMES.map((name) => `${name} (${JOB_CATALOGUE[name].doc})`).join(', ')}`)
    .argument('<job>', `one of ${JOB_NAMES.join(', ')}`)
    .option('--source <path-or-url>', 'feed-import: the feed file path or http(s) URL')
    .addOption(
      new Option('--format <format>', 'feed-import: the feed format, when the name does not tell').choices(['csv', 'json', 'jsonl']),
    )
    .option('--arg <value...>', 'platform commands: extra arguments passed after `run`')
    .option('--attempts <n>', 'attempts before the job counts as failed', integerOption('--attempts', 1, 100), 1)
    .option('--local', 'run the job in this process instead of through a worker', false)
    .option('--no-wait', 'only enqueue; do not follow the job')
    .option('--timeout <ms>', 'how long to follow the job', integerOption('--timeout', 1, 2 ** 31 - 1), 30 * 60_000)
    .option('--json', 'print JSON lines even on a terminal', false)
    .addHelpText(
      'after',
      '\nExit codes: 0 the job completed (a feed import with every row imported), 2 bad usage, 3 bad environment,\n4 ads-data-api or Redis unavailable, 5 ads-data-api refused a call or the feed source is refused (FEED_SOURCE_REFUSED),\n6 the feed is not a feed, 7 the job failed or a feed import refused rows (partially_succeeded or failed).\n',
    )
    .action(async (job: string, options: EnqueueOptions) => {
      const settings = loadConfig();
      // The progress display is the command's output: log lines only when something is wrong.
      const level = settings.logLevel === 'info' ? 'warn' : settings.logLevel;
      await runEnqueueCommand(job, options, {
        settings,
        logger: createLogger({ service: SERVICE, level, base: { role: 'enqueue' }, kind: 'command' }),
      });
    }),
  ENVIRONMENT_HELP.enqueue,
);

/** A second line for failures a person can fix by a setting. */
function hint(error: ServiceError): string | undefined {
  if (error.code === 'DATA_API_REFUSED' && /UNAUTHORIZED|FORBIDDEN/.test(error.message)) {
    return 'check DATA_API_TOKEN (a service key: roll-ups) and DATA_API_IMPORT_TOKEN (an importer key: feed imports); create one with `npm run keys:create -w @ads/ads-data-api`';
  }
  if (error.code === 'REDIS_UNAVAILABLE') return 'is Redis running at REDIS_URL?';
  return undefined;
}

process.exitCode = await runCommand(program, { argv: process.argv.slice(2), service: SERVICE, hint });
