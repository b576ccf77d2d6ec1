import { pino, type Logger } from 'pino';

/** The process's structured logger: one JSON line per event, tagged with the service name. */
export function createLogger(level: string, role: string): Logger {
  return pino({ level, base: { service: 'ads-data-import', role, pid: process.pid } });
}

export type { Logger };
