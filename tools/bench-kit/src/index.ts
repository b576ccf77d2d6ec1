export { ensureWrk, runWrk, wrkScript } from './wrk';
export type { WrkResult } from './wrk';
