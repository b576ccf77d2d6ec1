import {
  RpcError,
  createRpcServer,
  dataApiContract,
  modelHandlers,
  type CallContext,
  type DataApiContract,
  type RpcServer,
} from '@ads/ads-client';
import type { Principal } from '../domain/principal';
import { decodeSnapshotCursor } from '../domain/snapshot-cursor';
import { DataApiError } from '../errors';
import { authenticateApiKey } from '../store/api-key-store';
import { runForecast } from '../store/forecast-store';
import { recordImportRun, upsertFeedRows } from '../store/import-store';
import { readInventorySnapshotPage } from '../store/inventory-snapshot-store';
import { publishInventoryChanged } from '../store/inventory-notices';
import { markStatsChanged } from '../store/stats-change-marks';
import { ingestStatsBatch, queryStats } from '../store/stats-store';
import type { PrismaClient } from '../generated/prisma/client';
import { DATABASE_RETRY_AFTER_SECONDS, databaseOutageOf } from '../store/database-outage';
import { clientErrorOfDatabase } from '../store/client-error-of-database';
import { placementModelStore } from '../store/placement-model-store';
import type { AppDependencies } from './data-api-app';

type Role = Principal['role'];
type MethodName = {
  [Namespace in keyof DataApiContract]: `${Namespace & string}.${keyof DataApiContract[Namespace] & string}`;
}[keyof DataApiContract];

/**
 * Who may call each method (admin keys may call all). Service keys are the warmers and the
 * roll-up: they read inventory and stats and write only stats batches. Importer keys are feed
 * imports: they upsert feed rows and record runs, and read nothing. Advertiser keys use REST.
 */
export const RPC_METHOD_ROLES: Record<MethodName, readonly Role[]> = {
  'inventory.snapshot': ['admin', 'service'],
  'stats.ingest': ['admin', 'service'],
  'stats.query': ['admin', 'service'],
  'opportunities.ingestHour': ['admin', 'service'],
  'opportunities.ingestDay': ['admin', 'service'],
  'forecasts.run': ['admin', 'service'],
  'placements.get': ['admin', 'service'],
  'placements.list': ['admin', 'service'],
  'placements.create': ['admin'],
  'placements.update': ['admin'],
  'imports.upsertRows': ['admin', 'importer'],
  'imports.recordRun': ['admin', 'importer'],
};

/**
 * Largest request body: a full `stats.ingest` batch (50,000 rows of about 170 bytes) or
 * `imports.upsertRows` call (5,000 rows of about 1.5 KB) with room to spare.
 */
export const RPC_MAX_BODY_BYTES = 32 * 1024 * 1024;

export type DataApiRpcDependencies = Pick<AppDependencies, 'prisma' | 'redis' | 'keys' | 'logger'>;

/**
 * Turns a catalogued error into the RPC error the caller sees; the rest stays INTERNAL (logged
 * by the server). A database that does not answer is DATABASE_UNAVAILABLE (503, Retry-After),
 * logged once per outage.
 */
function toRpcError(error: unknown, prisma: PrismaClient): unknown {
  if (!(error instanceof DataApiError)) {
    // A duplicate key or a missing referenced row is the caller's mistake, not a server error.
    const refusal = databaseOutageOf(prisma).refusalOf(error) ?? clientErrorOfDatabase(error);
    return refusal === undefined ? error : toRpcError(refusal, prisma);
  }
  if (error.code === 'DATABASE_UNAVAILABLE') {
    return new RpcError('DATABASE_UNAVAILABLE', error.message, { data: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS } });
  }
  if (error.httpStatus === 400 || error.httpStatus === 422) {
    const issues = error.fields.map((field) => ({ path: field.path, message: field.message, code: error.code }));
    return new RpcError('INVALID_PARAMS', error.message, { data: { issues, reason: error.code } });
  }
  if (error.httpStatus === 404) return new RpcError('NOT_FOUND', error.message, { data: { reason: error.code } });
  if (error.httpStatus === 409) return new RpcError('CONFLICT', error.message, { data: { reason: error.code } });
  return error;
}

/** Runs a handler's work; catalogued and database errors reach the caller as RPC errors. */
type MappedWork = <T>(work: () => Promise<T>) => Promise<T>;

function mappedWith(prisma: PrismaClient): MappedWork {
  return async (work) => {
    try {
      return await work();
    } catch (error) {
      throw toRpcError(error, prisma);
    }
  };
}

/** Wraps every handler of a namespace so catalogued and database errors reach the caller as RPC errors. */
function mappedHandlers<Handlers extends Record<string, (input: never, context: CallContext) => Promise<unknown>>>(
  mapped: MappedWork,
  handlers: Handlers,
): Handlers {
  const wrapped: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    wrapped[name] = (input: never, context: CallContext) => mapped(() => handler(input, context));
  }
  return wrapped as Handlers;
}

/**
 * The minimal RPC of ads-data-api (`dataApiContract` of @ads/ads-client), for the platform's
 * processes: bulk inventory reads for cache-warming, exactly-once stats batches for the
 * roll-up, stats series for the warmers and scoring, and feed upserts for imports. Every call
 * needs a bearer API key whose role `RPC_METHOD_ROLES` allows for the method.
 */
export function createDataApiRpcServer(dependencies: DataApiRpcDependencies): RpcServer<typeof dataApiContract> {
  const { prisma, logger } = dependencies;
  const mapped = mappedWith(prisma);

  const authenticate = async (context: Omit<CallContext, 'principal'>): Promise<Principal> => {
    if (context.token === undefined) {
      throw new RpcError('UNAUTHORIZED', 'an API key is required: send "Authorization: Bearer <key>"');
    }
    const principal = await mapped(() => authenticateApiKey(prisma, context.token!, logger));
    if (principal === null) throw new RpcError('UNAUTHORIZED', 'the API key is unknown or revoked');
    const roles = RPC_METHOD_ROLES[context.method as MethodName] ?? [];
    if (!roles.includes(principal.role)) {
      throw new RpcError('FORBIDDEN', `${context.method} needs a key with role ${roles.join(' or ')}, not ${principal.role}`);
    }
    return principal;
  };

  return createRpcServer(
    dataApiContract,
    {
      inventory: {
        snapshot: (input) =>
          mapped(() =>
            readInventorySnapshotPage(prisma, {
              cursor: input.cursor === undefined ? undefined : decodeSnapshotCursor(input.cursor),
              limit: input.limit,
            }),
          ),
      },
      stats: {
        ingest: (input, context) =>
          mapped(async () => {
            const result = await ingestStatsBatch(prisma, input, logger);
            // Replays too: reports must not trust warmed series the batch changed (see the README).
            await markStatsChanged(prisma, dependencies, input);
            logger.info(
              { requestId: context.requestId, batchId: input.batchId, rows: input.rows.length, applied: result.applied },
              result.applied ? 'stats batch applied' : 'stats batch already applied; ignored',
            );
            return result;
          }),
        query: (input) => mapped(async () => ({ series: await queryStats(prisma, input) })),
      },
      // Placeholders until the forecasting roll-up lands (issue 16): they refuse, plainly.
      opportunities: {
        ingestHour: () => Promise.reject(new RpcError('INTERNAL', 'opportunities.ingestHour is not built yet')),
        ingestDay: () => Promise.reject(new RpcError('INTERNAL', 'opportunities.ingestDay is not built yet')),
      },
      forecasts: {
        run: (input) => mapped(() => runForecast(prisma, input, { advertiserScope: undefined, now: new Date() })),
      },
      imports: {
        upsertRows: (input, context) =>
          mapped(async () => {
            const principal = context.principal as Principal;
            const result = await upsertFeedRows(prisma, input.rows, { keyId: principal.keyId, requestId: context.requestId }, logger);
            // One notice per call, however many rows changed: warming rebuilds the whole index anyway.
            if (result.changed) await publishInventoryChanged(dependencies, { entity: 'import', id: context.requestId });
            const counts = { created: 0, updated: 0, unchanged: 0, failed: 0 };
            for (const outcome of result.outcomes) counts[outcome.outcome] += 1;
            logger.info({ requestId: context.requestId, keyId: principal.keyId, ...counts }, 'feed rows upserted');
            return { outcomes: result.outcomes };
          }),
        recordRun: (input) => mapped(() => recordImportRun(prisma, input)),
      },
      placements: mappedHandlers(mapped, modelHandlers('placement', placementModelStore(dependencies))),
    },
    {
      title: 'ads-data-api RPC',
      version: '0.1.0',
      logger,
      authenticate,
      maxBodyBytes: RPC_MAX_BODY_BYTES,
      docs: { authentication: rpcAuthenticationText() },
    },
  );
}

/** What /rpc/docs says about keys: the header, where a key comes from, and the role each method needs. */
function rpcAuthenticationText(): string {
  const roles = Object.entries(RPC_METHOD_ROLES)
    .map(([method, allowed]) => `${method}: ${allowed.join(' or ')}`)
    .join('; ');
  return (
    'Every call needs an API key of ads-data-api sent as Authorization: Bearer <key>. ' +
    'Create one with `npm run keys:create -w @ads/ads-data-api -- --role service --name <name>` (the secret is shown once), ' +
    `or in the dashboard under API keys. The role each method needs: ${roles}. ` +
    'A missing or unknown key answers UNAUTHORIZED (401), a key of another role FORBIDDEN (403).'
  );
}
