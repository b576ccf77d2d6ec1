import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Watched, waitFor } from './wait-for.js';

export interface NodeProcessOptions {
  /** Names the process in failure messages and in TEST_SHOW_PROCESS_OUTPUT lines. */
  name: string;
  /** The package folder the script runs in. */
  cwd: string;
  /** The script and its arguments, run as `node [nodeArgs] --conditions=@ads/source --import tsx <args>` (the workspace's sources, see CONTRIBUTING.md). */
  args: string[];
  env?: Record<string, string>;
  /** Flags for node itself, before `--import tsx` (e.g. `--experimental-wasm-modules`). */
  nodeArgs?: string[];
  /**
   * Start from an environment holding only PATH (and `env`) instead of this test's environment
   * with LOG_LEVEL from TEST_LOG_LEVEL (default warn): for tests of what a command reads.
   */
  cleanEnv?: boolean;
}

/** A Node process a test started: its output so far, its exit, and ways to stop it. */
export interface RunningProcess extends Watched {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Everything the process printed so far, stdout and stderr as they came. */
  output(): string;
  exited: Promise<number | null>;
  /** Waits until the output holds `text` (or `check` holds of stdout and stderr); fails naming `what` and the output. */
  waitForOutput(check: string | ((stdout: string, stderr: string) => boolean), what?: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves to the exit code once the process has exited. */
  stop(graceMs?: number): Promise<number | null>;
  /** SIGKILL at once, as a crash would. */
  kill(): Promise<number | null>;
}

const KEPT_OUTPUT = 100_000;

/** Starts `node --conditions=@ads/source --import tsx <args>` in `cwd` and collects its output. */
export function startTsProcess(options: NodeProcessOptions): RunningProcess {
  const { name, cwd, args, env = {}, nodeArgs = [], cleanEnv = false } = options;
  const child = spawn(process.execPath, [...nodeArgs, '--conditions=@ads/source', '--import', 'tsx', ...args], {
    cwd,
    env: cleanEnv ? { PATH: process.env.PATH ?? '', ...env } : { ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const printed = { stdout: '', stderr: '', output: '' };
  const keep = (text: string) => (text.length > 2 * KEPT_OUTPUT ? text.slice(-KEPT_OUTPUT) : text);
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream].on('data', (chunk: Buffer) => {
      printed[stream] = keep(printed[stream] + chunk.toString());
      printed.output = keep(printed.output + chunk.toString());
      if (process.env.TEST_SHOW_PROCESS_OUTPUT) process.stderr.write(`[${name}] ${chunk.toString()}`);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const waitExit = async (graceMs: number) => {
    if (hasExited()) return child.exitCode;
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const running: RunningProcess = {
    name,
    child,
    stdout: () => printed.stdout,
    stderr: () => printed.stderr,
    output: () => printed.output,
    hasExited,
    exited,
    waitForOutput: (check, what, timeoutMs = 30_000) => {
      const holds = typeof check === 'string' ? () => printed.output.includes(check) : () => check(printed.stdout, printed.stderr);
      return waitFor(holds, what ?? `${name} to print "${String(check)}"`, { timeoutMs, watch: running });
    },
    stop: async (graceMs = 5_000) => {
      if (!hasExited()) child.kill('SIGTERM');
      return waitExit(graceMs);
    },
    kill: async () => {
      if (!hasExited()) child.kill('SIGKILL');
      return waitExit(0);
    },
  };
  return running;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx <args>` to completion (SIGKILL after `timeoutMs`). */
export async function runTsCommand(
  options: Omit<NodeProcessOptions, 'name'> & { name?: string; timeoutMs?: number },
): Promise<CommandResult> {
  const running = startTsProcess({ name: options.name ?? options.args.join(' '), ...options });
  const timer = setTimeout(() => running.child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const code = await running.exited;
  clearTimeout(timer);
  return { code, stdout: running.stdout(), stderr: running.stderr() };
}

/** `runTsCommand` bound to a package's entry point, for a package's own command tests. */
export function entryPointRunner(packageDir: string | URL, entryPoint = 'src/main.ts') {
  const cwd = typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir);
  return (args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CommandResult> =>
    runTsCommand({ name: `${entryPoint} ${args.join(' ')}`, cwd, args: [entryPoint, ...args], env, timeoutMs });
}
