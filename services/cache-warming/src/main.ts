// The cache-warming command: `node --import tsx src/main.ts run [--watch] [--dry-run] [--json]`
// and `node --import tsx src/main.ts rollback [--json]`.
import { commonHint, describeEnvironment, integerOption, runCommand } from '@ads/ads-client/service';
import { Command } from 'commander';
import { rollbackCommand } from './cli/rollback-command';
import { warmCommand } from './cli/warm-command';
import { environmentHelp, rollbackEnvironmentHelp } from './config';

const SERVICE = 'cache-warming';

const program = new Command(SERVICE)
  .description('Builds the serving index from ads-data-api and publishes it in Redis as a new version.')
  .showHelpAfterError();
const run = program
  .command('run')
  .description('build the index once and publish it (or keep doing so with --watch)')
  .option('--watch', 'keep running: rebuild on inventory-changed notices (debounced) and every --interval seconds')
  .option('--dry-run', 'build the index and print what would be written; write nothing')
  .option('--json', 'print the summary as one JSON line on stdout (one line per build)')
  .option('--page-size <campaigns>', 'campaigns per snapshot page', integerOption('--page-size', 1, 2000), 500)
  .option('--debounce <ms>', 'quiet time after an inventory notice before rebuilding', integerOption('--debounce', 0, 600_000), 2_000)
  .option('--max-wait <ms>', 'longest a burst of notices may delay a rebuild', integerOption('--max-wait', 0, 3_600_000), 30_000)
  .option('--interval <seconds>', 'with --watch, rebuild at least this often', integerOption('--interval', 1, 86_400), 300)
  .action(warmCommand);
const rollback = program
  .command('rollback')
  .description('make the previous index version current again (run it again to undo); needs Redis only')
  .option('--json', 'print the outcome as one JSON line on stdout')
  .action(rollbackCommand);
describeEnvironment(program, environmentHelp);
describeEnvironment(run, environmentHelp);
describeEnvironment(rollback, rollbackEnvironmentHelp);

// Every read comes before the first write, so a data API failure leaves the index as it was.
const exitCode = await runCommand(program, {
  argv: process.argv.slice(2),
  service: SERVICE,
  hint: (error) => commonHint(error, 'the current index version stays in place'),
});
// Exit explicitly: a closed Redis socket or a keep-alive agent must not keep a one-off run alive.
process.exit(exitCode);
