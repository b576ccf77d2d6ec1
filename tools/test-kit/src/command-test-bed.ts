// What the failure tests of a service's command (src/main.ts run as a real process) set up
// the same way in every service.
import { entryPointRunner } from './node-process.js';
import { unreachableDataApiEnvironment } from './stand-in-data-api.js';
import { useTestRedis } from './test-redis.js';

/**
 * The command of the package at `packageDir` run as a process, a test Redis key prefix of the
 * file's own (cleaned up after it) and an environment whose data API URL nothing listens at.
 */
export function commandTestBed(packageDir: string | URL) {
  const runCommand = entryPointRunner(packageDir);
  const { redis, prefix } = useTestRedis();
  return { runCommand, redis, prefix, environment: () => unreachableDataApiEnvironment(prefix) };
}
