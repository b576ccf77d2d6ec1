import type { z } from 'zod';
import type { AppDependencies } from './data-api-app';
import type { IfMatch } from '../domain/entity-tag';
import type { ApiKeyRole, Principal } from '../domain/principal';
import type { AuditEntry } from '../store/audit-log-store';
import type { Db } from '../store/db';
import type { InventoryChange } from '../store/inventory-notices';

/** What a route's handler gets for a schema: its parsed value, or undefined without one. */
export type RouteInput<Schema> = Schema extends z.ZodType ? z.output<Schema> : undefined;

/** What a route handler gets: the caller, the parsed request, and the database. */
export interface RouteContext<Params, Query, Body> {
  principal: Principal;
  params: Params;
  query: Query;
  body: Body;
  /** The parsed If-Match header (checked against the row by the handler). */
  ifMatch: IfMatch;
  requestId: string;
  /** The Prisma client for reads; the write's transaction for writes. */
  db: Db;
  dependencies: AppDependencies;
  now: Date;
  /** Appends to the audit log in the write's transaction (writes only). */
  audit: (entry: AuditEntry) => Promise<void>;
  /** Queues an inventory-changed notice, published once the write has committed (writes only). */
  notify: (change: InventoryChange) => void;
}

/** What a handler answers: the status, the JSON body, and the version behind the ETag. */
export interface RouteResult {
  status: number;
  body?: unknown;
  /** Row version: answered as `ETag: W/"<version>"`. */
  version?: number;
  /** For 201: the new resource's path under /api/v1. */
  location?: string;
  /** Reads only: a file (CSV…) answered as an attachment instead of `body`. */
  download?: { contentType: string; fileName: string; text: string };
}

/** Documentation of the success answer, for the OpenAPI document. */
export interface RouteSuccess {
  status: 200 | 201 | 204;
  description: string;
  schema?: z.ZodType;
  /** Whether the answer carries an ETag. */
  etag?: boolean;
  /** Media types answered besides JSON (e.g. `text/csv` for `format=csv`), with their schema. */
  otherMediaTypes?: Record<string, z.ZodType>;
}

export interface RouteDefinition<
  Params extends z.ZodType | undefined,
  Query extends z.ZodType | undefined,
  Body extends z.ZodType | undefined,
> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express path under /api/v1, e.g. `/campaigns/:id/activate`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  roles: readonly ApiKeyRole[];
  params?: Params;
  query?: Query;
  body?: Body;
  /** Writes run in one transaction with their audit entries; POST writes take an Idempotency-Key. */
  write: boolean;
  /**
   * The answer holds a secret (`secret`) that must never be stored: an Idempotency-Key record
   * keeps the answer without it, and a replay is refused with 409 instead of answered.
   */
  secretInResponse?: boolean;
  /** `required`: a write without If-Match is answered 428. */
  ifMatch?: 'required' | 'optional';
  success: RouteSuccess;
  /** Problem statuses the route may answer besides 401, 403 and 422 (documentation). */
  problems?: number[];
  handle(context: RouteContext<RouteInput<Params>, RouteInput<Query>, RouteInput<Body>>): Promise<RouteResult>;
}

/** A route with its types erased, as the router and the OpenAPI generator hold it. */
export type RestRoute = RouteDefinition<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

/** Declares a REST route; the handler's params, query and body are typed from the schemas. */
export function defineRoute<
  Params extends z.ZodType | undefined = undefined,
  Query extends z.ZodType | undefined = undefined,
  Body extends z.ZodType | undefined = undefined,
>(route: RouteDefinition<Params, Query, Body>): RestRoute {
  return route;
}
