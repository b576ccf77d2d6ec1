import { inventory, rest } from '@ads/ads-client';
import { advertiserScopeOf } from '../domain/principal';
import { DataApiError } from '../errors';
import {
  advertiserReferences,
  archiveCampaignsOf,
  type AdvertiserReferences,
  createAdvertiser,
  deleteAdvertiser,
  findAdvertiser,
  listAdvertisers,
  lockAdvertiser,
  toAdvertiserView,
  updateAdvertiser,
} from '../store/advertiser-store';
import type { Db } from '../store/db';
import { defineRoute, type RestRoute, type RouteContext } from './rest-route';
import { assertIfMatch, everyRole, idParams, notFound, pageResult } from './route-helpers';

const tag = 'Advertisers';

/** "has 1 campaign(s), 0 API key(s) and 2 feature switch(es) scoped to it (name id, name id)". */
function describeAdvertiserReferences(references: AdvertiserReferences): string {
  const { campaigns, apiKeys, scopedSwitches, firstScopedSwitches } = references;
  const unnamed = scopedSwitches - firstScopedSwitches.length;
  const switchList = `${firstScopedSwitches.map((featureSwitch) => `${featureSwitch.name} ${featureSwitch.id}`).join(', ')}${unnamed > 0 ? `, and ${unnamed} more` : ''}`;
  return `has ${campaigns} campaign(s), ${apiKeys} API key(s) and ${scopedSwitches} feature switch(es) scoped to it${scopedSwitches > 0 ? ` (${switchList})` : ''}`;
}

async function archive(
  context: RouteContext<{ id: string }, unknown, unknown>,
  db: Db,
  id: string,
  patch: { name?: string | undefined },
  options: { refuseArchived: boolean },
) {
  const before = await lockAdvertiser(db, id, advertiserScopeOf(context.principal));
  if (before === null) throw notFound('advertiser', id);
  assertIfMatch(context.ifMatch, before.version, 'advertiser');
  if (options.refuseArchived && before.status === 'archived') throw new DataApiError('CONFLICT', `advertiser ${id} is already archived`);
  const after = await updateAdvertiser(db, id, { ...patch, status: 'archived' });
  // An archived advertiser serves nothing: its campaigns are archived with it.
  const archivedCampaignIds = await archiveCampaignsOf(db, id);
  await context.audit({
    action: 'advertiser.archive',
    entityType: 'advertiser',
    entityId: id,
    before: toAdvertiserView(before),
    after: { ...toAdvertiserView(after), archivedCampaignIds },
  });
  context.notify({ entity: 'advertiser', id });
  return { status: 200, body: toAdvertiserView(after), version: after.version };
}

export const advertiserRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/advertisers',
    operationId: 'listAdvertisers',
    tag,
    summary: 'List advertisers',
    description: 'Advertiser keys see only their own advertiser.',
    roles: everyRole,
    query: rest.advertiserListQuery,
    write: false,
    success: { status: 200, description: 'A page of advertisers', schema: rest.pageOf(rest.advertiserResource) },
    handle: async ({ db, principal, query }) => pageResult(await listAdvertisers(db, advertiserScopeOf(principal), query)),
  }),
  defineRoute({
    method: 'post',
    path: '/advertisers',
    operationId: 'createAdvertiser',
    tag,
    summary: 'Create an advertiser',
    roles: ['admin'],
    body: inventory.advertiserCreate,
    write: true,
    success: { status: 201, description: 'The new advertiser', schema: rest.advertiserResource, etag: true },
    problems: [409],
    handle: async ({ db, body, audit, notify }) => {
      const created = await createAdvertiser(db, body);
      const view = toAdvertiserView(created);
      await audit({ action: 'advertiser.create', entityType: 'advertiser', entityId: created.id, before: null, after: view });
      notify({ entity: 'advertiser', id: created.id });
      return { status: 201, body: view, version: created.version, location: `/advertisers/${created.id}` };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/advertisers/:id',
    operationId: 'getAdvertiser',
    tag,
    summary: 'Read an advertiser',
    roles: everyRole,
    params: idParams,
    write: false,
    success: { status: 200, description: 'The advertiser', schema: rest.advertiserResource, etag: true },
    problems: [404],
    handle: async ({ db, principal, params }) => {
      const row = await findAdvertiser(db, params.id, advertiserScopeOf(principal));
      if (row === null) throw notFound('advertiser', params.id);
      return { status: 200, body: toAdvertiserView(row), version: row.version };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/advertisers/:id',
    operationId: 'updateAdvertiser',
    tag,
    summary: 'Change an advertiser',
    description: 'Setting status to archived archives its campaigns too (as POST /advertisers/{id}/archive).',
    roles: ['admin'],
    params: idParams,
    body: inventory.advertiserUpdate,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: 'The advertiser after the change', schema: rest.advertiserResource, etag: true },
    problems: [404, 409, 412, 428],
    handle: async (context) => {
      const { db, params, body } = context;
      if (body.status === 'archived') return archive(context, db, params.id, { name: body.name }, { refuseArchived: false });
      const before = await lockAdvertiser(db, params.id, undefined);
      if (before === null) throw notFound('advertiser', params.id);
      assertIfMatch(context.ifMatch, before.version, 'advertiser');
      const after = await updateAdvertiser(db, params.id, body);
      await context.audit({
        action: 'advertiser.update',
        entityType: 'advertiser',
        entityId: params.id,
        before: toAdvertiserView(before),
        after: toAdvertiserView(after),
      });
      context.notify({ entity: 'advertiser', id: params.id });
      return { status: 200, body: toAdvertiserView(after), version: after.version };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/advertisers/:id/archive',
    operationId: 'archiveAdvertiser',
    tag,
    summary: 'Archive an advertiser and its campaigns',
    roles: ['admin'],
    params: idParams,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: 'The archived advertiser', schema: rest.advertiserResource, etag: true },
    problems: [404, 409, 412, 428],
    handle: (context) => archive(context, context.db, context.params.id, {}, { refuseArchived: true }),
  }),
  defineRoute({
    method: 'delete',
    path: '/advertisers/:id',
    operationId: 'deleteAdvertiser',
    tag,
    summary: 'Delete an advertiser that nothing refers to',
    description: 'Refused with 409 while campaigns, API keys or feature switches scoped to it refer to it: archive it instead.',
    roles: ['admin'],
    params: idParams,
    write: true,
    ifMatch: 'optional',
    success: { status: 204, description: 'Deleted' },
    problems: [404, 409, 412],
    handle: async ({ db, params, ifMatch, audit, notify }) => {
      const before = await lockAdvertiser(db, params.id, undefined);
      if (before === null) throw notFound('advertiser', params.id);
      assertIfMatch(ifMatch, before.version, 'advertiser');
      const references = await advertiserReferences(db, before.id);
      if (references.campaigns > 0 || references.apiKeys > 0 || references.scopedSwitches > 0) {
        throw new DataApiError('CONFLICT', `advertiser ${params.id} ${describeAdvertiserReferences(references)}; archive it instead`);
      }
      await deleteAdvertiser(db, params.id);
      await audit({ action: 'advertiser.delete', entityType: 'advertiser', entityId: params.id, before: toAdvertiserView(before), after: null });
      notify({ entity: 'advertiser', id: params.id });
      return { status: 204 };
    },
  }),
];
