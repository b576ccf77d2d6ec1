import { pino, type Logger } from 'pino';

/**
 * The structured logger of a run: JSON lines on stderr, so that stdout carries only what the
 * command prints for a person or, with --json, for a program. Synchronous, so that the last
 * line before a non-zero exit is not lost.
 */
export function createLogger(level: string, runId: string): Logger {
  return pino({ name: 'ads-scoring', level, base: { runId } }, pino.destination({ fd: 2, sync: true }));
}
