// Cross-package tests start the platform's services as real processes (never by importing
// their code): a package's entry point by its folder, with the shared test-kit doing the rest.
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CommandResult, type RunningProcess, runTsCommand as runKitCommand, startTsProcess as startKitProcess } from '@ads/test-kit';

export { freePort, type RunningProcess } from '@ads/test-kit';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The data API's schema engine is WebAssembly loaded as a module.
const nodeArgs = ['--experimental-wasm-modules'];

/** Starts `node --import tsx <script>` in a package folder (e.g. `services/ads-data-api`). */
export function startTsProcess(
  name: string,
  packageDir: string,
  script: string,
  args: string[],
  env: Record<string, string>,
): RunningProcess {
  return startKitProcess({ name, cwd: join(repoRoot, packageDir), args: [script, ...args], env, nodeArgs });
}

/** Runs a package script to completion and returns its exit code and output. */
export function runTsCommand(
  packageDir: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<CommandResult> {
  return runKitCommand({ cwd: join(repoRoot, packageDir), args: [script, ...args], env, nodeArgs, timeoutMs });
}
