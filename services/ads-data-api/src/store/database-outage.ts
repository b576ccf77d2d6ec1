import type { PrismaClient } from '../generated/prisma/client';
import type { Logger } from 'pino';
import { DataApiError } from '../errors';

/** What a refused caller is told to wait before trying again (the `Retry-After` header). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;
/** How often a database in an outage is asked `SELECT 1`, to notice (and log) that it is back. */
const PROBE_INTERVAL_MS = 1_000;

// The driver adapter's kinds for a database it cannot talk to.
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
// Prisma's codes for the same (can't reach, timed out, closed the connection, pool timeout).
const UNREACHABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
// SQLSTATEs: class 08 (connection exception) is matched by prefix; shutting down, starting up, full.
const UNREACHABLE_SQL_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
// node-postgres and Node's own socket errors, as the pool reports a connection it lost.
const UNREACHABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// The last: a transaction that found no free connection within its maxWait (P2028) is the pool
// saturated, a database that does not answer in time all the same (retry, not an internal error).
const UNREACHABLE_MESSAGE =
  /^Connection terminated|timeout exceeded when trying to connect|Can't reach database server|Unable to start a transaction in the given time/;

interface DriverCause {
  kind?: string;
  originalCode?: string;
}

/** Whether an error says the database cannot be reached (as opposed to refusing a query). */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message, meta } = error as { code?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: DriverCause } } };
  const cause = meta?.driverAdapterError?.cause;
  if (cause?.kind !== undefined && UNREACHABLE_KINDS.has(cause.kind)) return true;
  const sqlState = cause?.originalCode;
  if (sqlState !== undefined && (sqlState.startsWith('08') || UNREACHABLE_SQL_STATES.has(sqlState))) return true;
  if (typeof code === 'string' && (UNREACHABLE_PRISMA_CODES.has(code) || UNREACHABLE_SOCKET_CODES.has(code))) return true;
  return typeof message === 'string' && UNREACHABLE_MESSAGE.test(message);
}

/**
 * The database's availability as one process sees it. The first failure that says the database
 * cannot be reached starts an outage (one log line); from then on such failures answer 503
 * DATABASE_UNAVAILABLE silently, and a `SELECT 1` every second notices the end (one log line,
 * with how long it lasted and how many requests were refused).
 */
export class DatabaseOutage {
  private startedAt: number | undefined;
  private refused = 0;
  private probe: NodeJS.Timeout | undefined;

  constructor(
    private readonly ping: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** Whether an outage is going on. */
  get active(): boolean {
    return this.startedAt !== undefined;
  }

  /**
   * The 503 to answer when `error` says the database cannot be reached (noting the outage),
   * or undefined for any other error.
   */
  refusalOf(error: unknown): DataApiError | undefined {
    if (!this.noteFailure(error)) return undefined;
    this.refused += 1;
    return new DataApiError(
      'DATABASE_UNAVAILABLE',
      `the database does not answer; nothing was written. Retry in ${DATABASE_RETRY_AFTER_SECONDS} seconds`,
      {
        cause: error,
      },
    );
  }

  /** Notes a failure without a request to answer (a pooled connection lost); true when it is an outage's. */
  noteFailure(error: unknown): boolean {
    if (!isDatabaseUnreachable(error)) return false;
    if (this.startedAt === undefined) {
      this.startedAt = Date.now();
      this.refused = 0;
      this.logger.error(
        { err: error, event: 'database_outage_started' },
        'database unavailable: answering 503 DATABASE_UNAVAILABLE until it answers again',
      );
      this.probe = setInterval(() => this.checkRecovered(), PROBE_INTERVAL_MS);
      this.probe.unref();
    }
    return true;
  }

  private checkRecovered(): void {
    this.ping().then(
      () => {
        if (this.startedAt === undefined) return;
        clearInterval(this.probe);
        this.probe = undefined;
        this.logger.warn(
          { event: 'database_outage_ended', outageMs: Date.now() - this.startedAt, refusedRequests: this.refused },
          'database available again',
        );
        this.startedAt = undefined;
      },
      // Still down: the start was logged, and the end will be.
      () => undefined,
    );
  }
}

const outages = new WeakMap<PrismaClient, DatabaseOutage>();

/** Gives a Prisma client its outage tracker, which logs to `logger` (done by `createPrismaClient`). */
export function trackDatabaseOutages(prisma: PrismaClient, logger: Logger): DatabaseOutage {
  const outage = new DatabaseOutage(() => prisma.$queryRaw`SELECT 1`, logger);
  outages.set(prisma, outage);
  return outage;
}

/** The outage tracker of a Prisma client (one per client, so one log line per outage and process). */
export function databaseOutageOf(prisma: PrismaClient): DatabaseOutage {
  const outage = outages.get(prisma);
  if (outage === undefined) throw new TypeError('this Prisma client was not made by createPrismaClient: it has no outage tracker');
  return outage;
}
