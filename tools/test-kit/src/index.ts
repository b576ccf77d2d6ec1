export { waitFor, waitForHttp, WaitTimeoutError } from './wait-for';
export type { WaitOptions, Watched } from './wait-for';
export { freePort } from './free-port';
export { startTsProcess, runTsCommand } from './node-process';
export type { NodeProcessOptions, RunningProcess, CommandResult } from './node-process';
export { startPrivateRedis } from './private-redis';
export type { PrivateRedis } from './private-redis';
