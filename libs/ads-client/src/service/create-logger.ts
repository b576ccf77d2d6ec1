import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** The service, on every line as `name`. */
  service: string;
  level: LogLevel;
  /** Fields on every line (a run id, an instance name). */
  base?: Record<string, unknown>;
  /**
   * `server`: JSON lines on stdout, buffered (a long-running process).
   * `command`: JSON lines on stderr, synchronous, so stdout carries only what the command
   * prints for a person or, with --json, for a program, and the last line before a non-zero
   * exit is not lost.
   */
  kind: 'server' | 'command';
}

/** The structured logger of a process: one JSON line per event (pino). */
export function createLogger({ service, level, base, kind }: LoggerOptions): Logger {
  const options = { name: service, level, ...(base === undefined ? {} : { base: { pid: process.pid, ...base } }) };
  return kind === 'command' ? pino(options, pino.destination({ fd: 2, sync: true })) : pino(options);
}

export interface HttpLoggerOptions {
  /** Requests whose path starts with one of these are not logged (health checks, metrics). */
  quietPaths?: readonly string[];
  /** The request id the service assigned, to log as `reqId`. */
  requestId?: (request: IncomingMessage, response: ServerResponse) => string;
  /**
   * The level of a finished request where the default does not fit, e.g. a 503 the service
   * already logged once for the whole outage; undefined keeps the default.
   */
  levelOf?: (request: IncomingMessage, response: ServerResponse) => LogLevel | undefined;
}

/**
 * The request logger of an HTTP service (pino-http): one line per finished request with method,
 * URL, status and response time; 4xx at warn, 5xx and failures at error, unless `levelOf`
 * says otherwise.
 */
export function createHttpLogger(logger: Logger, { quietPaths = [], requestId, levelOf }: HttpLoggerOptions = {}): HttpLogger {
  return pinoHttp({
    logger,
    ...(requestId === undefined ? {} : { genReqId: requestId }),
    autoLogging: { ignore: (request) => quietPaths.some((path) => (request.url ?? '').startsWith(path)) },
    customLogLevel: (request, response, error) =>
      levelOf?.(request, response) ??
      (error !== undefined || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (request: { method?: string; url?: string }) => ({ method: request.method, url: request.url }),
      res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
    },
  });
}
