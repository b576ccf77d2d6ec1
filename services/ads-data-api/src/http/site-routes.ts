import { inventory, rest } from '@ads/ads-client';
import { DataApiError } from '../errors';
import {
  archivePlacementsOf,
  createSite,
  deleteSite,
  findSite,
  listSites,
  lockSite,
  siteReferences,
  toSiteView,
  updateSite,
  type SiteReferences,
} from '../store/site-store';
import { defineRoute, type RestRoute } from './rest-route';
import { assertIfMatch, everyRole, idParams, notFound, pageResult } from './route-helpers';

const tag = 'Sites';

/** "has 2 placement(s) and is targeted by 3 campaign(s) (id, id, id)": only what is there. */
function describeSiteReferences(references: SiteReferences): string {
  const { placements, targetingCampaigns, targetingCampaignIds } = references;
  const unnamed = targetingCampaigns - targetingCampaignIds.length;
  const campaignList = `${targetingCampaignIds.join(', ')}${unnamed > 0 ? `, and ${unnamed} more` : ''}`;
  return [
    ...(placements > 0 ? [`has ${placements} placement(s)`] : []),
    ...(targetingCampaigns > 0 ? [`is targeted by ${targetingCampaigns} campaign(s) (${campaignList})`] : []),
  ].join(' and ');
}

export const siteRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/sites',
    operationId: 'listSites',
    tag,
    summary: 'List publisher sites',
    description: 'Every key may read sites (advertisers target them).',
    roles: everyRole,
    query: rest.siteListQuery,
    write: false,
    success: { status: 200, description: 'A page of sites', schema: rest.pageOf(rest.siteResource) },
    handle: async ({ db, query }) => pageResult(await listSites(db, query)),
  }),
  defineRoute({
    method: 'post',
    path: '/sites',
    operationId: 'createSite',
    tag,
    summary: 'Create a site',
    roles: ['admin'],
    body: inventory.siteCreate,
    write: true,
    success: { status: 201, description: 'The new site', schema: rest.siteResource, etag: true },
    problems: [409],
    handle: async ({ db, body, audit, notify }) => {
      const created = await createSite(db, body);
      const view = toSiteView(created);
      await audit({ action: 'site.create', entityType: 'site', entityId: created.id, before: null, after: view });
      notify({ entity: 'site', id: created.id });
      return { status: 201, body: view, version: created.version, location: `/sites/${created.id}` };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/sites/:id',
    operationId: 'getSite',
    tag,
    summary: 'Read a site',
    roles: everyRole,
    params: idParams,
    write: false,
    success: { status: 200, description: 'The site', schema: rest.siteResource, etag: true },
    problems: [404],
    handle: async ({ db, params }) => {
      const row = await findSite(db, params.id);
      if (row === null) throw notFound('site', params.id);
      return { status: 200, body: toSiteView(row), version: row.version };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/sites/:id',
    operationId: 'updateSite',
    tag,
    summary: 'Change a site',
    description: 'Setting status to archived archives its placements too.',
    roles: ['admin'],
    params: idParams,
    body: inventory.siteUpdate,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: 'The site after the change', schema: rest.siteResource, etag: true },
    problems: [404, 412, 428],
    handle: async ({ db, params, body, ifMatch, audit, notify }) => {
      const before = await lockSite(db, params.id);
      if (before === null) throw notFound('site', params.id);
      assertIfMatch(ifMatch, before.version, 'site');
      const after = await updateSite(db, params.id, body);
      const archivedPlacementIds = body.status === 'archived' ? await archivePlacementsOf(db, params.id) : [];
      await audit({
        action: body.status === 'archived' && before.status !== 'archived' ? 'site.archive' : 'site.update',
        entityType: 'site',
        entityId: params.id,
        before: toSiteView(before),
        after: { ...toSiteView(after), ...(archivedPlacementIds.length > 0 ? { archivedPlacementIds } : {}) },
      });
      notify({ entity: 'site', id: params.id });
      return { status: 200, body: toSiteView(after), version: after.version };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/sites/:id/archive',
    operationId: 'archiveSite',
    tag,
    summary: 'Archive a site and its placements',
    roles: ['admin'],
    params: idParams,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: 'The archived site', schema: rest.siteResource, etag: true },
    problems: [404, 409, 412, 428],
    handle: async ({ db, params, ifMatch, audit, notify }) => {
      const before = await lockSite(db, params.id);
      if (before === null) throw notFound('site', params.id);
      assertIfMatch(ifMatch, before.version, 'site');
      if (before.status === 'archived') throw new DataApiError('CONFLICT', `site ${params.id} is already archived`);
      const after = await updateSite(db, params.id, { status: 'archived' });
      const archivedPlacementIds = await archivePlacementsOf(db, params.id);
      await audit({
        action: 'site.archive',
        entityType: 'site',
        entityId: params.id,
        before: toSiteView(before),
        after: { ...toSiteView(after), archivedPlacementIds },
      });
      notify({ entity: 'site', id: params.id });
      return { status: 200, body: toSiteView(after), version: after.version };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/sites/:id',
    operationId: 'deleteSite',
    tag,
    summary: 'Delete a site that nothing refers to',
    description: 'Refused with 409 while placements belong to it or campaigns target it (`targeting.siteIds`): archive it instead.',
    roles: ['admin'],
    params: idParams,
    write: true,
    ifMatch: 'optional',
    success: { status: 204, description: 'Deleted' },
    problems: [404, 409, 412],
    handle: async ({ db, params, ifMatch, audit, notify }) => {
      const before = await lockSite(db, params.id);
      if (before === null) throw notFound('site', params.id);
      assertIfMatch(ifMatch, before.version, 'site');
      const references = await siteReferences(db, before.id);
      if (references.placements > 0 || references.targetingCampaigns > 0) {
        // Archive, not delete: an archived site still exists, so targeting that names it stays valid.
        throw new DataApiError('CONFLICT', `site ${params.id} ${describeSiteReferences(references)}; archive it instead`);
      }
      await deleteSite(db, params.id);
      await audit({ action: 'site.delete', entityType: 'site', entityId: params.id, before: toSiteView(before), after: null });
      notify({ entity: 'site', id: params.id });
      return { status: 204 };
    },
  }),
];
