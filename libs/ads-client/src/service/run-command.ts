import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { RpcError } from '../rpc/rpc-error.js';
import { EXIT_CODES, isServiceError, type ServiceError } from './service-error.js';

/**
 * The command runner of every service's command line (commander). A command's action either
 * returns (exit 0) or throws; this turns what it throws into the platform's exit codes and
 * into one readable line on stderr (a stack trace only for an unexpected failure under
 * LOG_LEVEL=debug or trace, see `stackTraces`), and, when
 * the command line has `--json`, into one JSON line on stdout as well:
 * `{"ok":false,"code":"REDIS_UNAVAILABLE","message":"..."}`.
 */
export async function runCommand(program: Command, options: RunCommandOptions): Promise<number> {
  const { argv, service, hint } = options;
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const printJson = (value: unknown): void => void stdout.write(`${JSON.stringify(value)}\n`);
  // Commander copies these settings into subcommands only when they are created, so apply them
  // to every command of the tree.
  for (const command of commandTree(program)) {
    command.exitOverride().configureOutput({ writeOut: (text) => stdout.write(text), writeErr: (text) => stderr.write(text) });
  }
  const json = wantsJson(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_CODES.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with commander's exit code 0; commander has printed
      // the usage problem already.
      if (error.exitCode === 0) return EXIT_CODES.ok;
      if (json) printJson({ ok: false, code: 'CLI_USAGE', message: error.message.replace(/^error: /, '') });
      return EXIT_CODES.usage;
    }
    if (isServiceError(error)) {
      stderr.write(`${service}: ${error.code}: ${error.message}\n`);
      const advice = hint?.(error);
      if (advice !== undefined) for (const line of advice.split('\n')) stderr.write(`${service}: ${line}\n`);
      if (json) printJson({ ok: false, code: error.code, message: error.message });
      return error.exitCode;
    }
    const stackTraces = options.stackTraces ?? DEBUG_LEVELS.has(process.env.LOG_LEVEL ?? '');
    const described = error instanceof Error ? ((stackTraces ? error.stack : undefined) ?? error.message) : String(error);
    stderr.write(`${service}: unexpected failure: ${described}\n`);
    if (!stackTraces) stderr.write(`${service}: run it again with LOG_LEVEL=debug for the stack trace\n`);
    if (json) printJson({ ok: false, code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) });
    return EXIT_CODES.unexpected;
  }
}

const DEBUG_LEVELS = new Set(['debug', 'trace']);

export interface RunCommandOptions {
  /** The arguments after the script, e.g. `process.argv.slice(2)`. */
  argv: readonly string[];
  /** The prefix of every line printed on stderr. */
  service: string;
  /** A line (or lines) after a failure, telling a person what to do about it. */
  hint?: (error: ServiceError) => string | undefined;
  /**
   * Whether an unexpected failure prints its stack trace. Default: when LOG_LEVEL is debug or
   * trace (read here, before any configuration is parsed: the failure may be the parsing).
   */
  stackTraces?: boolean;
  /** Where output goes; the process' streams unless a test passes its own. */
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
}

/**
 * The advice line for the kit's common failures, for `runCommand`'s `hint`: what to check when
 * the configuration is bad, the data API refuses the token or cannot be reached, or Redis cannot
 * be reached. A command that reads everything before it writes passes what a data API failure
 * leaves in place (`kept`, e.g. "the current score version stays in place"), said on a line first.
 */
export function commonHint(error: ServiceError, kept?: string): string | undefined {
  const advice = commonAdvice(error);
  if (kept === undefined || !error.code.startsWith('DATA_API_')) return advice;
  return [`nothing was written; ${kept}`, ...(advice === undefined ? [] : [advice])].join('\n');
}

function commonAdvice(error: ServiceError): string | undefined {
  switch (error.code) {
    case 'CONFIG_INVALID':
      return 'run the command with --help for the environment variables it reads';
    case 'DATA_API_REFUSED':
      return error.cause instanceof RpcError && (error.cause.code === 'UNAUTHORIZED' || error.cause.code === 'FORBIDDEN')
        ? 'check DATA_API_TOKEN: it must be a service API key of ads-data-api (create one with `npm run keys:create -w @ads/ads-data-api -- --role service --name <name>`)'
        : undefined;
    case 'DATA_API_UNAVAILABLE':
      return 'check that ads-data-api runs at DATA_API_URLS and reaches its database, then run the command again';
    case 'REDIS_UNAVAILABLE':
      return 'check that Redis runs at REDIS_URL';
    default:
      return undefined;
  }
}

/** One environment variable a command reads, for its `--help`. */
export interface EnvironmentVariableHelp {
  name: string;
  description: string;
  /** Shown as `(default: ...)`; leave out for a required variable. */
  default?: string;
}

/** Adds an "Environment variables:" section to the help of a command and its subcommands. */
export function describeEnvironment(program: Command, variables: readonly EnvironmentVariableHelp[]): Command {
  const width = Math.max(...variables.map(({ name }) => name.length));
  const lines = variables.map(
    ({ name, description, default: fallback }) =>
      `  ${name.padEnd(width)}  ${description}${fallback === undefined ? ' (required)' : ` (default: ${fallback})`}`,
  );
  return program.addHelpText('after', `\nEnvironment variables:\n${lines.join('\n')}\n`);
}

/** What a long-running server is, for {@link serverCommandLine}. */
export interface ServerCommandLineOptions {
  argv: readonly string[];
  service: string;
  description: string;
  /** The environment variables the server reads, listed by `--help`. */
  variables: readonly EnvironmentVariableHelp[];
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
}

/**
 * The command line of a server, which takes no arguments: `--help` prints what it is and the
 * variables it reads and exits 0 having started nothing; anything else on the command line is a
 * usage error (exit 2). Resolves to undefined when the server should start, else to the exit code.
 */
export async function serverCommandLine(options: ServerCommandLineOptions): Promise<number | undefined> {
  const { argv, service, description, variables, stdout, stderr } = options;
  let start = false;
  const program = new Command(service).description(description).action(() => {
    start = true;
  });
  describeEnvironment(program, variables);
  const exitCode = await runCommand(program, { argv, service, stdout, stderr });
  return start ? undefined : exitCode;
}

/** An option parser for a whole number in [min, max], naming the option when it is not one. */
export function integerOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return parsed;
  };
}

/** Prints a value as one JSON line on stdout: the `--json` output of every command. */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function commandTree(command: Command): Command[] {
  return [command, ...command.commands.flatMap(commandTree)];
}

// The options never parsed when commander fails, so look for --json itself (not after `--`).
function wantsJson(argv: readonly string[]): boolean {
  const operands = argv.indexOf('--');
  return (operands === -1 ? argv : argv.slice(0, operands)).includes('--json');
}
