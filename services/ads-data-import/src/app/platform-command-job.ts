import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Config } from '../config';
import type { PlatformCommand } from '../domain/job-catalogue';
import { CommandFailedError, CommandInterruptedError } from '../errors';
import type { Logger } from 'pino';

export interface PlatformCommandSummary {
  command: PlatformCommand;
  exitCode: number;
  durationMs: number;
  /** The last lines the command printed. */
  outputTail: string[];
}

export interface PlatformCommandHooks {
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: { phase: 'running' | 'finished'; pid: number | undefined; lines: number }) => void | Promise<void>) | undefined;
}

const TAIL_LINES = 40;
const KILL_AFTER_TERM_MS = 10_000;

/**
 * Runs another service's command (`node --import tsx src/main.ts run`) in that service's folder
 * as a child process: the services are separate packages and are never imported. Its output
 * goes to this worker's log; a non-zero exit fails the job.
 */
export async function runPlatformCommand(
  settings: Config['commands'],
  logger: Logger,
  command: PlatformCommand,
  args: readonly string[],
  hooks: PlatformCommandHooks = {},
): Promise<PlatformCommandSummary> {
  const directory = join(settings.servicesDir, command);
  if (!existsSync(join(directory, 'src', 'main.ts'))) {
    throw new CommandFailedError(`${command} is not installed at ${directory} (no src/main.ts); set SERVICES_DIR`);
  }
  const started = Date.now();
  const child = spawn(process.execPath, ['--conditions=@ads/source', '--import', 'tsx', 'src/main.ts', 'run', ...args], {
    cwd: directory,
    env: settings.environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  let lines = 0;
  const collect = (stream: 'stdout' | 'stderr') => (line: string) => {
    lines += 1;
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    logger.debug({ command, stream, line }, 'command output');
  };
  createInterface({ input: child.stdout }).on('line', collect('stdout'));
  createInterface({ input: child.stderr }).on('line', collect('stderr'));

  let stopReason: 'shutdown' | 'timeout' | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = (reason: 'shutdown' | 'timeout') => {
    if (stopReason !== undefined || child.exitCode !== null) return;
    stopReason = reason;
    child.kill('SIGTERM');
    killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_TERM_MS);
  };
  const onAbort = () => stop('shutdown');
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  if (hooks.signal?.aborted === true) stop('shutdown');
  const timeout = setTimeout(() => stop('timeout'), settings.timeoutMs);
  const progressTimer = setInterval(() => void hooks.onProgress?.({ phase: 'running', pid: child.pid, lines }), 2_000);
  await hooks.onProgress?.({ phase: 'running', pid: child.pid, lines });

  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timeout);
  clearTimeout(killTimer);
  clearInterval(progressTimer);
  hooks.signal?.removeEventListener('abort', onAbort);
  const durationMs = Date.now() - started;
  await hooks.onProgress?.({ phase: 'finished', pid: child.pid, lines });

  if (stopReason === 'shutdown') throw new CommandInterruptedError(command);
  if (exit.error !== undefined) throw new CommandFailedError(`${command} could not start: ${exit.error.message}`, { cause: exit.error });
  if (stopReason === 'timeout')
    throw new CommandFailedError(`${command} ran longer than COMMAND_TIMEOUT_MS (${settings.timeoutMs} ms) and was stopped`);
  if (exit.code !== 0) {
    throw new CommandFailedError(`${command} exited with ${exit.code ?? exit.signal}; last output:\n${tail.slice(-10).join('\n')}`);
  }
  logger.info({ command, durationMs, lines }, 'platform command finished');
  return { command, exitCode: 0, durationMs, outputTail: tail.slice(-10) };
}
