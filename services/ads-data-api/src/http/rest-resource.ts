import { rest } from '@ads/ads-client';
import type { z } from 'zod';
import type { ApiKeyRole, Principal } from '../domain/principal';
import { DataApiError } from '../errors';
import type { Db } from '../store/db';
import type { InventoryChange } from '../store/inventory-notices';
import type { KeysetPage } from '../store/keyset-page';
import { assertIfMatch } from './assert-if-match';
import { idParams } from './id-params';
import { notFound } from './not-found';
import { pageResult } from './page-result';
import { defineRoute, type RestRoute, type RouteContext, type RouteInput, type RouteResult } from './rest-route';

/**
 * A resource of `/api/v1` as the generic routes see it: where it lives, how it is named in
 * operation ids, messages and audit entries, and how its rows are read, locked and shown. The
 * routes built on it answer the list/get/create/patch/archive/delete shape every resource
 * shares (404 for a row the key may not see, 412 on a stale If-Match, an audit entry and an
 * inventory notice per write); each resource file adds its own rules.
 */
export interface RestResource<Row extends { id: string; version?: number }> {
  /** The collection's path under /api/v1: `/feature-switches`. */
  path: string;
  /** The OpenAPI tag of its routes. */
  tag: string;
  /** In operation ids: `getFeatureSwitch`, `listFeatureSwitches`. */
  singular: string;
  plural: string;
  /** In messages (`no feature switch <id>`) and summaries. */
  noun: string;
  /** In the list's answer description: `A page of feature switches`. */
  pluralNoun: string;
  /** In the answer descriptions (`The new switch`), when shorter than `noun`. */
  shortNoun?: string;
  /** The audit log's `entityType` (`featureSwitch`): actions are `featureSwitch.update`. */
  entity: string;
  /** The inventory-changed notice its writes send; none for resources serving does not read. */
  notice?: InventoryChange['entity'];
  /** Whether rows carry a version, answered as an ETag and checked against If-Match. */
  versioned: boolean;
  /** The resource's contract, the body of every answer about one row. */
  schema: z.ZodType;
  view: (row: Row) => unknown;
  /** The row if it exists and the caller may see it. */
  find: (db: Db, id: string, principal: Principal) => Promise<Row | null>;
  /** The same, with the row locked for the rest of the write's transaction. */
  lock?: (db: Db, id: string, principal: Principal) => Promise<Row | null>;
}

/** What a change to a locked row did: the row after it, and how the audit log tells it. */
export interface RowChange<Row> {
  after: Row;
  /** The audit entry's `after` when it says more than the row (ids archived along). */
  auditAfter?: unknown;
  /** The audit action when it is not the route's own (a patch that archives). */
  action?: string;
}

type IdContext<Query = undefined, Body = undefined> = RouteContext<z.output<typeof idParams>, Query, Body>;

interface RouteText {
  summary: string;
  description?: string;
  roles: readonly ApiKeyRole[];
  /** Problem statuses besides the ones every route of the kind may answer. */
  problems?: number[];
}

/** What every route of a resource says about itself in the OpenAPI document, and who may call it. */
function textOf(resource: { tag: string }, { summary, description, roles }: RouteText) {
  return { tag: resource.tag, summary, description, roles };
}

function problemsOf(common: number[], extra: number[] = []): number[] {
  return [...new Set([...common, ...extra])].sort((a, b) => a - b);
}

function answerNoun(resource: { noun: string; shortNoun?: string }): string {
  return resource.shortNoun ?? resource.noun;
}

async function lockedRow<Row extends { id: string; version?: number }>(
  resource: RestResource<Row>,
  context: IdContext<unknown, unknown>,
): Promise<Row> {
  const lock = resource.lock ?? resource.find;
  const row = await lock(context.db, context.params.id, context.principal);
  if (row === null) throw notFound(resource.noun, context.params.id);
  if (row.version !== undefined) assertIfMatch(context.ifMatch, row.version, resource.noun);
  return row;
}

/** Records a write: its audit entry, its inventory notice after the commit. */
async function recordWrite<Row extends { id: string; version?: number }>(
  resource: RestResource<Row>,
  context: RouteContext<unknown, unknown, unknown>,
  entry: { action: string; id: string; before: unknown; after: unknown },
): Promise<void> {
  await context.audit({ action: entry.action, entityType: resource.entity, entityId: entry.id, before: entry.before, after: entry.after });
  if (resource.notice !== undefined) context.notify({ entity: resource.notice, id: entry.id });
}

/**
 * Locks the row of `/:id`, checks If-Match, applies `change`, audits `<entity>.<verb>` (or the
 * change's own action) and queues the notice: the core of every write to one row.
 */
async function changeRow<Row extends { id: string; version?: number }, Query, Body>(
  resource: RestResource<Row>,
  verb: string,
  context: IdContext<Query, Body>,
  change: (context: IdContext<Query, Body>, before: Row) => Promise<RowChange<Row>>,
): Promise<RouteResult> {
  const before = await lockedRow(resource, context);
  const { after, auditAfter, action } = await change(context, before);
  await recordWrite(resource, context, {
    action: action ?? `${resource.entity}.${verb}`,
    id: context.params.id,
    before: resource.view(before),
    after: auditAfter ?? resource.view(after),
  });
  return { status: 200, body: resource.view(after), version: after.version };
}

/** `GET /<resources>`: a keyset page, filtered and sorted by `query`. */
export function listRoute<Row extends { id: string; version?: number }, Query extends z.ZodType>(
  resource: RestResource<Row>,
  options: RouteText & {
    query: Query;
    list: (context: RouteContext<undefined, RouteInput<Query>, undefined>) => Promise<KeysetPage<unknown>>;
  },
): RestRoute {
  return defineRoute({
    method: 'get',
    path: resource.path,
    operationId: `list${resource.plural}`,
    ...textOf(resource, options),
    query: options.query,
    write: false,
    success: { status: 200, description: `A page of ${resource.pluralNoun}`, schema: rest.pageOf(resource.schema) },
    problems: options.problems,
    handle: async (context) => pageResult(await options.list(context)),
  });
}

/** `GET /<resources>/:id`: the row with its ETag, or 404. */
export function getRoute<Row extends { id: string; version?: number }>(
  resource: RestResource<Row>,
  options: RouteText & { answer?: string },
): RestRoute {
  return defineRoute({
    method: 'get',
    path: `${resource.path}/:id`,
    operationId: `get${resource.singular}`,
    ...textOf(resource, options),
    params: idParams,
    write: false,
    success: {
      status: 200,
      description: options.answer ?? `The ${answerNoun(resource)}`,
      schema: resource.schema,
      etag: resource.versioned,
    },
    problems: problemsOf([404], options.problems),
    handle: async ({ db, principal, params }) => {
      const row = await resource.find(db, params.id, principal);
      if (row === null) throw notFound(resource.noun, params.id);
      return { status: 200, body: resource.view(row), version: row.version };
    },
  });
}

/** `POST /<resources>`: creates the row `create` makes (after its own checks); 201 with Location. */
export function createRoute<Row extends { id: string; version?: number }, Body extends z.ZodType>(
  resource: RestResource<Row>,
  options: RouteText & { body: Body; create: (context: RouteContext<undefined, undefined, RouteInput<Body>>) => Promise<Row> },
): RestRoute {
  return defineRoute({
    method: 'post',
    path: resource.path,
    operationId: `create${resource.singular}`,
    ...textOf(resource, options),
    body: options.body,
    write: true,
    success: { status: 201, description: `The new ${answerNoun(resource)}`, schema: resource.schema, etag: true },
    problems: problemsOf([409], options.problems),
    handle: async (context) => {
      const created = await options.create(context);
      const view = resource.view(created);
      await recordWrite(resource, context, { action: `${resource.entity}.create`, id: created.id, before: null, after: view });
      return { status: 201, body: view, version: created.version, location: `${resource.path}/${created.id}` };
    },
  });
}

/** `PATCH /<resources>/:id`: If-Match required; `update` applies the patch to the locked row. */
export function updateRoute<Row extends { id: string; version?: number }, Body extends z.ZodType>(
  resource: RestResource<Row>,
  options: RouteText & { body: Body; update: (context: IdContext<undefined, RouteInput<Body>>, before: Row) => Promise<RowChange<Row>> },
): RestRoute {
  return defineRoute({
    method: 'patch',
    path: `${resource.path}/:id`,
    operationId: `update${resource.singular}`,
    ...textOf(resource, options),
    params: idParams,
    body: options.body,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: `The ${answerNoun(resource)} after the change`, schema: resource.schema, etag: true },
    problems: problemsOf([404, 412, 428], options.problems),
    handle: (context) => changeRow(resource, 'update', context, options.update),
  });
}

/**
 * `POST /<resources>/:id/<action>`: If-Match required; `change` applies the action to the locked
 * row, audited as `<entity>.<action>`.
 */
export function actionRoute<Row extends { id: string; version?: number }>(
  resource: RestResource<Row>,
  action: string,
  options: RouteText & { answer: string; change: (context: IdContext, before: Row) => Promise<RowChange<Row>> },
): RestRoute {
  return defineRoute({
    method: 'post',
    path: `${resource.path}/:id/${action}`,
    operationId: `${action}${resource.singular}`,
    ...textOf(resource, options),
    params: idParams,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: options.answer, schema: resource.schema, etag: true },
    problems: problemsOf([404, 409, 412, 428], options.problems),
    handle: (context) => changeRow(resource, action, context, options.change),
  });
}

/** `POST /<resources>/:id/archive`: 409 when already archived; `archive` does the rest. */
export function archiveRoute<Row extends { id: string; version?: number; status: string }>(
  resource: RestResource<Row>,
  options: RouteText & { archive: (db: Db, id: string) => Promise<RowChange<Row>> },
): RestRoute {
  return actionRoute(resource, 'archive', {
    ...options,
    answer: `The archived ${answerNoun(resource)}`,
    change: ({ db, params }, before) => {
      if (before.status === 'archived') throw new DataApiError('CONFLICT', `${resource.noun} ${params.id} is already archived`);
      return options.archive(db, params.id);
    },
  });
}

/**
 * `DELETE /<resources>/:id`: If-Match optional; refused with 409 and `refusal`'s message while
 * other rows refer to it.
 */
export function deleteRoute<Row extends { id: string; version?: number }>(
  resource: RestResource<Row>,
  options: RouteText & {
    refusal?: (context: IdContext, before: Row) => Promise<string | undefined>;
    remove: (db: Db, id: string) => Promise<void>;
  },
): RestRoute {
  return defineRoute({
    method: 'delete',
    path: `${resource.path}/:id`,
    operationId: `delete${resource.singular}`,
    ...textOf(resource, options),
    params: idParams,
    write: true,
    ifMatch: 'optional',
    success: { status: 204, description: 'Deleted' },
    problems: problemsOf(options.refusal === undefined ? [404, 412] : [404, 409, 412], options.problems),
    handle: async (context) => {
      const before = await lockedRow(resource, context);
      const refused = await options.refusal?.(context, before);
      if (refused !== undefined) throw new DataApiError('CONFLICT', refused);
      await options.remove(context.db, context.params.id);
      await recordWrite(resource, context, {
        action: `${resource.entity}.delete`,
        id: context.params.id,
        before: resource.view(before),
        after: null,
      });
      return { status: 204 };
    },
  });
}
