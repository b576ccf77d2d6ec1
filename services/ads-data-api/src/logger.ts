import { pino, type Logger } from 'pino';

import { config } from './config';

/** The process-wide structured logger: one JSON line per event. */
export const logger: Logger = pino({
  name: 'ads-data-api',
  level: config.logLevel,
});
