// ads-serving-rpc as a process for the package's tests: `node --import tsx src/main.ts` on a
// free port, its output kept for failure messages (the shared test-kit does the work).
import { type RunningProcess, startTsProcess, waitForHttp } from '@ads/test-kit';

export { freePort } from '@ads/test-kit';
export type ServingProcess = RunningProcess;

const packageDir = new URL('../..', import.meta.url).pathname;

/** Starts src/main.ts on 127.0.0.1 with this environment (on top of the test's own). */
export function startServingProcess(env: Record<string, string>): ServingProcess {
  return startTsProcess({ name: 'ads-serving-rpc', cwd: packageDir, args: ['src/main.ts'], env: { HOST: '127.0.0.1', ...env } });
}

/** Polls `path` until it answers 2xx; fails with the process's output. */
export function waitForPath(serving: ServingProcess, base: string, path: string): Promise<void> {
  return waitForHttp(`${base}${path}`, { watch: serving, timeoutMs: 60_000, accept: (status) => status >= 200 && status < 300 });
}
