import type { NextFunction, Request, Response, Router } from 'express';
import { z } from 'zod';
import type { Logger } from 'pino';
import { entityTagOf, ifNoneMatchHits, parseIfMatch, type IfMatch } from '../domain/entity-tag';
import { requestFingerprintOf } from '../domain/request-fingerprint';
import { DataApiError } from '../errors';
import { recordAudit, type AuditEntry } from '../store/audit-log-store';
import {
  findRecordedResponse,
  lockIdempotencyKey,
  purgeExpiredIdempotencyRecords,
  recordResponse,
  type RecordedResponse,
} from '../store/idempotency-store';
import { publishInventoryChanged, type InventoryChange } from '../store/inventory-notices';
import type { PrismaClient } from '../generated/prisma/client';
import { databaseOutageOf } from '../store/database-outage';
import { clientErrorOfDatabase } from '../store/client-error-of-database';
import type { AppDependencies } from './data-api-app';
import { principalOf } from './require-api-key';
import { sendDatabaseUnavailable, sendProblem, type FieldProblem } from './problem';
import type { RestRoute, RouteContext, RouteResult } from './rest-route';
import { requestIdOf } from './request-id';
import { TRANSACTION_OPTIONS } from '../store/prisma-client';

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;
const emptyBody = z.strictObject({});
const emptyQuery = z.strictObject({});

/** Converts zod's issues to problem fields; an unknown key becomes one field per key. */
export function fieldProblemsOf(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: [...path, key].join('.'), message: 'unknown field' }));
    }
    return [{ field: path.length === 0 ? '(body)' : path.join('.'), message: issue.message }];
  });
}

function validationError(where: string, error: z.ZodError): DataApiError {
  const problems = fieldProblemsOf(error);
  return new DataApiError('VALIDATION_FAILED', `invalid ${where}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, {
    fields: problems.map((problem) => ({ path: problem.field.split('.'), message: problem.message })),
  });
}

function hasBody(request: Request): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * JSON with `<`, `>`, `&` and the JavaScript line separators escaped: the same value for any
 * JSON parser, and harmless if a browser is ever talked into rendering it as HTML.
 */
export function sendJson(response: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  response.status(status).set('content-type', 'application/json; charset=utf-8').end(text);
}

function sendDownload(response: Response, status: number, download: NonNullable<RouteResult['download']>): void {
  response
    .status(status)
    .set('content-type', `${download.contentType}; charset=utf-8`)
    .set('content-disposition', `attachment; filename="${download.fileName.replace(/[^\w.-]/g, '_')}"`)
    .set('x-content-type-options', 'nosniff')
    .end(download.text);
}

function sendResult(request: Request, response: Response, result: RecordedResponse, replayed: boolean): void {
  for (const [name, value] of Object.entries(result.headers)) response.set(name, value);
  if (replayed) response.set('idempotent-replayed', 'true');
  if (result.status === 204 || result.body === undefined) {
    response.status(result.status).end();
    return;
  }
  if (request.method === 'GET' && result.headers.etag !== undefined) {
    const version = Number(/"(\d+)"/.exec(result.headers.etag)?.[1]);
    if (ifNoneMatchHits(request.get('if-none-match'), version)) {
      response.status(304).end();
      return;
    }
  }
  sendJson(response, result.status, result.body);
}

function recordedOf(result: RouteResult): RecordedResponse {
  const headers: Record<string, string> = {};
  if (result.version !== undefined) headers.etag = entityTagOf(result.version);
  if (result.location !== undefined) headers.location = `/api/v1${result.location}`;
  return { status: result.status, body: result.body, headers };
}

/**
 * Answers an error as a problem document: a database that does not answer is a 503 with
 * Retry-After (logged once per outage, not per request); anything else not from the
 * catalogue is a logged 500.
 */
export function sendErrorProblem(
  request: Request,
  response: Response,
  error: unknown,
  { prisma, logger }: { prisma: PrismaClient; logger: Logger },
): void {
  const known = error instanceof DataApiError ? error : (databaseOutageOf(prisma).refusalOf(error) ?? clientErrorOfDatabase(error));
  if (known?.code === 'DATABASE_UNAVAILABLE') {
    sendDatabaseUnavailable(response, known.message);
    return;
  }
  if (known !== undefined && known.httpStatus < 500) {
    const fields = known.fields.map((field) => ({ field: field.path.join('.'), message: field.message }));
    sendProblem(response, known.httpStatus, known.code, known.message, fields.length > 0 ? fields : undefined);
    return;
  }
  logger.error({ err: error, requestId: requestIdOf(response), method: request.method, path: request.originalUrl }, 'REST request failed');
  sendProblem(response, 500, 'INTERNAL', `internal error (request ${requestIdOf(response)})`);
}

/**
 * A patch changes only the fields the client sent. Update schemas that reuse create fields can
 * carry defaults (zod 4 applies a default inside `.partial()`: `campaignUpdate` fills in
 * `dailyBudget: null`), which would silently overwrite stored values.
 */
function onlySentFields(parsed: unknown, sent: unknown): unknown {
  if (typeof parsed !== 'object' || parsed === null || typeof sent !== 'object' || sent === null) return parsed;
  return Object.fromEntries(Object.entries(parsed).filter(([key]) => Object.hasOwn(sent, key)));
}

interface ParsedRequest {
  params: unknown;
  query: unknown;
  body: unknown;
  ifMatch: IfMatch;
  idempotencyKey: string | undefined;
}

function parseRequest(route: RestRoute, request: Request): ParsedRequest {
  let params: unknown;
  if (route.params !== undefined) {
    const parsed = route.params.safeParse(request.params);
    // Path parameters are ids: one that cannot exist is simply not found.
    if (!parsed.success) throw new DataApiError('NOT_FOUND', `no such resource: ${request.path}`);
    params = parsed.data;
  }

  const query = (route.query ?? emptyQuery).safeParse(request.query);
  if (!query.success) throw validationError('query', query.error);

  let body: unknown;
  if (route.method === 'post' || route.method === 'patch') {
    if (request.body === undefined && hasBody(request)) {
      throw new DataApiError('UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON with "Content-Type: application/json"');
    }
    const schema = route.body ?? emptyBody;
    const parsed = schema.safeParse(request.body ?? (route.body === undefined ? {} : undefined));
    if (!parsed.success) throw validationError('body', parsed.error);
    body = parsed.data;
    if (route.method === 'patch') body = onlySentFields(body, request.body);
    if (route.method === 'patch' && typeof body === 'object' && body !== null && Object.keys(body).length === 0) {
      throw new DataApiError('VALIDATION_FAILED', 'the patch names no field to change', {
        fields: [{ path: ['(body)'], message: 'name at least one field to change' }],
      });
    }
  }

  const ifMatch = parseIfMatch(request.get('if-match'));
  if (route.ifMatch === 'required' && ifMatch.kind === 'absent') {
    throw new DataApiError(
      'PRECONDITION_REQUIRED',
      'send If-Match with the ETag you read (W/"<version>"), or If-Match: * to overwrite whatever is current',
    );
  }

  const idempotencyKey = request.get('idempotency-key');
  if (idempotencyKey !== undefined) {
    if (route.method !== 'post') {
      throw new DataApiError('VALIDATION_FAILED', 'Idempotency-Key is only accepted on POST', {
        fields: [{ path: ['Idempotency-Key'], message: 'only accepted on POST' }],
      });
    }
    if (!idempotencyKeyPattern.test(idempotencyKey)) {
      throw new DataApiError('VALIDATION_FAILED', 'Idempotency-Key must be 1-255 visible ASCII characters', {
        fields: [{ path: ['Idempotency-Key'], message: 'must be 1-255 visible ASCII characters' }],
      });
    }
  }
  return { params, query: query.data, body, ifMatch, idempotencyKey };
}

const readOnly = {
  audit: () => Promise.reject(new TypeError('audit() is only available to write routes')),
  notify: () => {
    throw new TypeError('notify() is only available to write routes');
  },
};

async function runWrite(
  route: RestRoute,
  dependencies: AppDependencies,
  request: Request,
  base: Omit<RouteContext<unknown, unknown, unknown>, 'db' | 'audit' | 'notify'>,
  idempotencyKey: string | undefined,
): Promise<{ response: RecordedResponse; replayed: boolean }> {
  const notices: InventoryChange[] = [];
  const path = `${request.baseUrl}${request.path}`;
  const idempotency =
    idempotencyKey === undefined
      ? undefined
      : {
          actorKeyId: base.principal.keyId,
          key: idempotencyKey,
          method: request.method,
          path,
          requestHash: requestFingerprintOf(request.method, path, request.body),
        };

  const outcome = await dependencies.prisma.$transaction(async (tx) => {
    if (idempotency !== undefined) {
      await lockIdempotencyKey(tx, idempotency);
      const recorded = await findRecordedResponse(tx, idempotency, base.now);
      if (recorded !== null) {
        if (recorded.requestHash !== idempotency.requestHash) {
          throw new DataApiError(
            'IDEMPOTENCY_KEY_REUSED',
            `Idempotency-Key "${idempotency.key}" was used for another request (${recorded.method} ${recorded.path} with another body); use a new key`,
            { fields: [{ path: ['Idempotency-Key'], message: 'already used for another request' }] },
          );
        }
        if (route.secretInResponse === true) {
          const id = (recorded.body as { id?: string } | null)?.id ?? 'unknown';
          throw new DataApiError(
            'CONFLICT',
            `this Idempotency-Key already created ${id}; its secret was shown once and is not stored — revoke it and create another if it was lost`,
          );
        }
        return { response: { status: recorded.status, body: recorded.body, headers: recorded.headers }, replayed: true };
      }
    }
    const actor = { keyId: base.principal.keyId, requestId: base.requestId };
    const result = await route.handle({
      ...base,
      db: tx,
      audit: (entry: AuditEntry) => recordAudit(tx, actor, entry),
      notify: (change: InventoryChange) => {
        notices.push(change);
      },
    });
    const response = recordedOf(result);
    if (idempotency !== undefined) {
      const kept = route.secretInResponse === true ? { ...response, body: { ...(response.body as object), secret: undefined } } : response;
      await recordResponse(tx, idempotency, kept);
    }
    return { response, replayed: false };
  }, TRANSACTION_OPTIONS);

  if (!outcome.replayed) {
    const seen = new Set<string>();
    for (const notice of notices) {
      const key = `${notice.entity}:${notice.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await publishInventoryChanged(dependencies, notice);
    }
  }
  if (idempotency !== undefined && Math.random() < 0.01) {
    purgeExpiredIdempotencyRecords(dependencies.prisma, base.now).catch((error: unknown) =>
      dependencies.logger.warn({ err: error }, 'could not purge expired idempotency records'),
    );
  }
  return outcome;
}

async function runRoute(route: RestRoute, dependencies: AppDependencies, request: Request, response: Response): Promise<void> {
  const principal = principalOf(response);
  if (!route.roles.includes(principal.role)) {
    throw new DataApiError(
      'FORBIDDEN',
      `${route.method.toUpperCase()} ${route.path} needs a key with role ${route.roles.join(' or ')}, not ${principal.role}`,
    );
  }
  const parsed = parseRequest(route, request);
  const base = {
    principal,
    params: parsed.params,
    query: parsed.query,
    body: parsed.body,
    ifMatch: parsed.ifMatch,
    requestId: requestIdOf(response),
    dependencies,
    now: new Date(),
  };
  if (!route.write) {
    const result = await route.handle({ ...base, db: dependencies.prisma, ...readOnly });
    if (result.download !== undefined) {
      sendDownload(response, result.status, result.download);
      return;
    }
    sendResult(request, response, recordedOf(result), false);
    return;
  }
  const { response: recorded, replayed } = await runWrite(route, dependencies, request, base, parsed.idempotencyKey);
  sendResult(request, response, recorded, replayed);
}

/**
 * Mounts routes on an express router: role check, validation of path, query, body and
 * headers, one transaction per write (with its audit entries and Idempotency-Key record),
 * notices after commit, problem documents for every refusal. Paths that exist answer 405
 * for other methods.
 */
export function mountRestRoutes(router: Router, routes: readonly RestRoute[], dependencies: AppDependencies): void {
  const methodsByPath = new Map<string, string[]>();
  for (const route of routes) {
    methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method.toUpperCase()]);
    router[route.method](route.path, (request: Request, response: Response, next: NextFunction) => {
      runRoute(route, dependencies, request, response).catch((error: unknown) => {
        if (response.headersSent) {
          next(error);
          return;
        }
        sendErrorProblem(request, response, error, dependencies);
      });
    });
  }
  for (const [path, methods] of methodsByPath) {
    router.all(path, (request: Request, response: Response) => {
      response.set('allow', methods.join(', '));
      sendProblem(response, 405, 'METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; use ${methods.join(', ')}`);
    });
  }
}
