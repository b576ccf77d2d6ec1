export { waitFor, waitForHttp, WaitTimeoutError } from './wait-for.js';
export type { WaitOptions, Watched } from './wait-for.js';
export { freePort } from './free-port.js';
export { startTsProcess, runTsCommand, entryPointRunner } from './node-process.js';
export type { NodeProcessOptions, RunningProcess, CommandResult } from './node-process.js';
export { startPrivateRedis } from './private-redis.js';
export type { PrivateRedis } from './private-redis.js';
export {
  DATA_API_SIDE_FAILURES,
  startStandIn,
  htmlServiceUnavailable,
  jsonRpcInternal,
  jsonRpcResult,
  unreachableDataApiEnvironment,
} from './stand-in-data-api.js';
export type { StandIn } from './stand-in-data-api.js';
export { useTestRedis } from './test-redis.js';
export { commandTestBed } from './command-test-bed.js';
export { assertDataApiTokenPolicy } from './data-api-token-policy.js';
export { requestStatusAndCode } from './status-and-code.js';
export { postJsonRpc } from './post-json-rpc.js';
export type { StatusAndCode } from './status-and-code.js';
export { saveScreenshot, screenshotsDirectory } from './save-screenshot.js';
export { headlessChromium } from './headless-chromium.js';
export type { ScreenshotPage } from './save-screenshot.js';
export { startRedisCluster } from './redis-cluster.js';
export type { RedisCluster } from './redis-cluster.js';
