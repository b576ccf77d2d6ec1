// The cache-warming command as a real process (through the shared test-kit), and its --json output.
import { type CommandResult, type RunningProcess, runTsCommand, startTsProcess } from '@ads/test-kit';

export { freePort, startPrivateRedis } from '@ads/test-kit';
export type CacheWarmingProcess = RunningProcess;

const packageDir = new URL('../..', import.meta.url).pathname;

/** Starts `node --import tsx src/main.ts <args>` with only the given environment (plus PATH). */
export function startCacheWarming(args: string[], env: Record<string, string>): CacheWarmingProcess {
  return startTsProcess({
    name: 'cache-warming',
    cwd: packageDir,
    args: ['src/main.ts', ...args],
    env: { NODE_ENV: 'test', ...env },
    cleanEnv: true,
  });
}

/** Runs the command to completion. */
export function runCacheWarming(args: string[], env: Record<string, string>): Promise<CommandResult> {
  return runTsCommand({
    name: 'cache-warming',
    cwd: packageDir,
    args: ['src/main.ts', ...args],
    env: { NODE_ENV: 'test', ...env },
    cleanEnv: true,
  });
}

/** The JSON lines a `--json` run printed on stdout. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
