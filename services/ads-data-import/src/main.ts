#!/usr/bin/env node
// Entry points of ads-data-import: `worker`, `scheduler` and `enqueue <job>`.
import { Command, InvalidArgumentError, Option } from 'commander';
import { runEnqueueCommand } from './cli/enqueue-command';
import { runSchedulerCommand } from './cli/scheduler-command';
import { runWorkerCommand } from './cli/worker-command';
import { JOB_CATALOGUE, JOB_NAMES } from './domain/job-catalogue';
import { DataImportError } from './errors';

function positiveInteger(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1`);
    return Number(value);
  };
}

const program = new Command('ads-data-import')
  .description('Ads Data Import: BullMQ workers and schedules for event roll-ups, feed imports, warming and scoring.')
  .showHelpAfterError();

program
  .command('worker')
  .description('run the BullMQ workers; serves the queue dashboard at /queues and /healthz on WORKER_PORT')
  .action(async () => runWorkerCommand());

program
  .command('scheduler')
  .description('register the cron schedules as BullMQ job schedulers (safe to run several) and keep them registered')
  .option('--once', 'register and exit', false)
  .action(async (options: { once: boolean }) => runSchedulerCommand(options));

program
  .command('enqueue')
  .description(`run a job now and show its progress; jobs: ${JOB_NAMES.map((name) => `${name} (${JOB_CATALOGUE[name].doc})`).join(', ')}`)
  .argument('<job>', `one of ${JOB_NAMES.join(', ')}`)
  .option('--source <path-or-url>', 'feed-import: the feed file path or http(s) URL')
  .addOption(new Option('--format <format>', 'feed-import: the feed format, when the name does not tell').choices(['csv', 'json', 'jsonl']))
  .option('--arg <value...>', 'platform commands: extra arguments passed after `run`')
  .option('--attempts <n>', 'attempts before the job counts as failed', positiveInteger('--attempts'), 1)
  .option('--local', 'run the job in this process instead of through a worker', false)
  .option('--no-wait', 'only enqueue; do not follow the job')
  .option('--timeout <ms>', 'how long to follow the job', positiveInteger('--timeout'), 30 * 60_000)
  .option('--json', 'print JSON lines even on a terminal', false)
  .action(async (job: string, options) => {
    process.exitCode = await runEnqueueCommand(job, options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof DataImportError) {
    process.stderr.write(`ads-data-import: ${error.code}: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`ads-data-import: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  }
}
