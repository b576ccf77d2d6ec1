// The command line of `npm start` and `npm stop`, which take no arguments: `--help` prints what
// the command does and the variables it reads and exits 0 having done nothing; anything else is a
// usage error (exit 2), as for every command of the platform (README, "Exit codes").
import { parseArgs } from 'node:util';

/** Exit codes of the platform's table (EXIT_CODES of @ads/ads-client/service). */
export const STACK_EXIT_CODES = { ok: 0, unexpected: 1, usage: 2, config: 3, unavailable: 4, dataInvalid: 6 } as const;

/** Handles `--help` and stray arguments; returns only when the command should run. */
export function stackCommandLine(command: string, description: string, variables: readonly (readonly [string, string])[]): void {
  let help = false;
  try {
    help =
      parseArgs({ args: process.argv.slice(2), options: { help: { type: 'boolean', short: 'h' } }, strict: true }).values.help === true;
  } catch (error) {
    process.stderr.write(`${command}: ${(error as Error).message} (see ${command} -- --help)\n`);
    process.exit(STACK_EXIT_CODES.usage);
  }
  if (!help) return;
  const width = Math.max(...variables.map(([name]) => name.length));
  process.stdout.write(
    `Usage: ${command}\n\n${description}\n\nEnvironment variables:\n${variables.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`).join('\n')}\n`,
  );
  process.exit(STACK_EXIT_CODES.ok);
}
