export { ensureWrk, runWrk, wrkScript } from './wrk.js';
export type { WrkResult } from './wrk.js';
