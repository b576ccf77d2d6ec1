import { inventory, rest } from '@ads/ads-client';
import type { Site } from '../generated/prisma/client';
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
import { everyRole } from './every-role';
import { archiveRoute, createRoute, deleteRoute, getRoute, listRoute, updateRoute, type RestResource } from './rest-resource';
import type { RestRoute } from './rest-route';

const sites: RestResource<Site> = {
  path: '/sites',
  tag: 'Sites',
  singular: 'Site',
  plural: 'Sites',
  noun: 'site',
  pluralNoun: 'sites',
  entity: 'site',
  notice: 'site',
  versioned: true,
  schema: rest.siteResource,
  view: toSiteView,
  find: (db, id) => findSite(db, id),
  lock: (db, id) => lockSite(db, id),
};

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
  listRoute(sites, {
    summary: 'List publisher sites',
    description: 'Every key may read sites (advertisers target them).',
    roles: everyRole,
    query: rest.siteListQuery,
    list: ({ db, query }) => listSites(db, query),
  }),
  createRoute(sites, {
    summary: 'Create a site',
    roles: ['admin'],
    body: inventory.siteCreate,
    create: ({ db, body }) => createSite(db, body),
  }),
  getRoute(sites, { summary: 'Read a site', roles: everyRole }),
  updateRoute(sites, {
    summary: 'Change a site',
    description: 'Setting status to archived archives its placements too.',
    roles: ['admin'],
    body: inventory.siteUpdate,
    update: async ({ db, params, body }, before) => {
      const after = await updateSite(db, params.id, body);
      const archivedPlacementIds = body.status === 'archived' ? await archivePlacementsOf(db, params.id) : [];
      return {
        after,
        auditAfter: { ...toSiteView(after), ...(archivedPlacementIds.length > 0 ? { archivedPlacementIds } : {}) },
        action: body.status === 'archived' && before.status !== 'archived' ? 'site.archive' : 'site.update',
      };
    },
  }),
  archiveRoute(sites, {
    summary: 'Archive a site and its placements',
    roles: ['admin'],
    archive: async (db, id) => {
      const after = await updateSite(db, id, { status: 'archived' });
      const archivedPlacementIds = await archivePlacementsOf(db, id);
      return { after, auditAfter: { ...toSiteView(after), archivedPlacementIds } };
    },
  }),
  deleteRoute(sites, {
    summary: 'Delete a site that nothing refers to',
    description: 'Refused with 409 while placements belong to it or campaigns target it (`targeting.siteIds`): archive it instead.',
    roles: ['admin'],
    refusal: async ({ db, params }, before) => {
      const references = await siteReferences(db, before.id);
      if (references.placements === 0 && references.targetingCampaigns === 0) return undefined;
      // Archive, not delete: an archived site still exists, so targeting that names it stays valid.
      return `site ${params.id} ${describeSiteReferences(references)}; archive it instead`;
    },
    remove: deleteSite,
  }),
];
