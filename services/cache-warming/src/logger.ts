import { pino, type Logger } from 'pino';

/** Structured logs go to stderr, so that stdout carries only the summary (`--json`). */
export function createLogger(level: string): Logger {
  return pino({ name: 'cache-warming', level }, pino.destination(2));
}
