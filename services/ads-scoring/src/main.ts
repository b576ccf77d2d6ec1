// The ads-scoring command: `node --import tsx src/main.ts run [--dry-run] [--json] [--top N]`.
import { commonHint, describeEnvironment, integerOption, printJsonLine, runCommand, withDataApiCommand } from '@ads/ads-client/service';
import { Command } from 'commander';
import { runScoring } from './app/scoring-run';
import { renderScoringReport } from './cli/scoring-report';
import { configFromProcessEnvironment, environmentHelp } from './config';
import { DataApiSource } from './store/data-api-source';

const SERVICE = 'ads-scoring';

async function run(options: { dryRun: boolean; json: boolean; top: number }): Promise<void> {
  const config = configFromProcessEnvironment();
  await withDataApiCommand({ service: SERVICE, config, Source: DataApiSource }, async ({ logger, redis, source }) => {
    logger.info({ dryRun: options.dryRun, windowDays: config.windowDays }, 'scoring run started');
    const summary = await runScoring({ config, source, redis, logger, dryRun: options.dryRun, moversLimit: options.top });
    if (options.json) printJsonLine(summary);
    else process.stdout.write(renderScoringReport(summary, { colors: process.stdout.isTTY === true }));
  });
}

const program = new Command(SERVICE).description('Computes ad scores (smoothed CTR, eCPM, pacing) into a new Redis score version.');
const runCommandLine = program
  .command('run')
  .description('score every servable ad and publish a new score version')
  .option('--dry-run', 'compute and report, write nothing', false)
  .option('--json', 'print the summary as one JSON line instead of the table', false)
  .option('--top <n>', 'rows of the movers table', integerOption('--top', 1, 1000), 15)
  .action(run);
describeEnvironment(program, environmentHelp);
describeEnvironment(runCommandLine, environmentHelp);

// Every read comes before the first write, so a data API failure leaves Redis as it was.
process.exitCode = await runCommand(program, {
  argv: process.argv.slice(2),
  service: SERVICE,
  hint: (error) => commonHint(error, 'the current score version stays in place'),
});
