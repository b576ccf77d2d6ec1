import { pino, type Logger } from 'pino';

/** The process-wide structured logger: one JSON line per event. */
export function createLogger(level: string): Logger {
  return pino({ name: 'ads-serving-rpc', level });
}
