import { DataApiError } from '../errors';
import { logger } from '../logger';

/**
 * Runs a command-line entry point: a failure is logged with its context, explained on stderr
 * in one line, and turns into exit code 1 (2 for usage errors).
 */
export function runCli(command: string, main: (args: string[]) => Promise<void>): void {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const code = error instanceof DataApiError ? error.code : 'UNEXPECTED';
    if (code === 'CLI_USAGE') {
      logger.warn({ command, code }, (error as Error).message);
      process.exitCode = 2;
    } else {
      logger.error({ err: error, command, code }, `${command} failed`);
      process.exitCode = 1;
    }
    process.stderr.write(`${command}: ${error instanceof Error ? error.message : String(error)}\n`);
  });
}
