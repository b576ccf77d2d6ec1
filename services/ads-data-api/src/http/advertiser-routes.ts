import { inventory, rest } from '@ads/ads-client';
import { advertiserScopeOf } from '../domain/principal';
import type { Advertiser } from '../generated/prisma/client';
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
import { everyRole } from './every-role';
import {
  archiveRoute,
  createRoute,
  deleteRoute,
  getRoute,
  listRoute,
  updateRoute,
  type RestResource,
  type RowChange,
} from './rest-resource';
import type { RestRoute } from './rest-route';

const advertisers: RestResource<Advertiser> = {
  path: '/advertisers',
  tag: 'Advertisers',
  singular: 'Advertiser',
  plural: 'Advertisers',
  noun: 'advertiser',
  pluralNoun: 'advertisers',
  entity: 'advertiser',
  notice: 'advertiser',
  versioned: true,
  schema: rest.advertiserResource,
  view: toAdvertiserView,
  find: (db, id, principal) => findAdvertiser(db, id, advertiserScopeOf(principal)),
  lock: (db, id, principal) => lockAdvertiser(db, id, advertiserScopeOf(principal)),
};

/** "has 1 campaign(s), 0 API key(s) and 2 feature switch(es) scoped to it (name id, name id)". */
function describeAdvertiserReferences(references: AdvertiserReferences): string {
  const { campaigns, apiKeys, scopedSwitches, firstScopedSwitches } = references;
  const unnamed = scopedSwitches - firstScopedSwitches.length;
  const switchList = `${firstScopedSwitches.map((featureSwitch) => `${featureSwitch.name} ${featureSwitch.id}`).join(', ')}${unnamed > 0 ? `, and ${unnamed} more` : ''}`;
  return `has ${campaigns} campaign(s), ${apiKeys} API key(s) and ${scopedSwitches} feature switch(es) scoped to it${scopedSwitches > 0 ? ` (${switchList})` : ''}`;
}

/** An archived advertiser serves nothing: its campaigns are archived with it. */
async function archive(db: Db, id: string, patch: { name?: string | undefined }): Promise<RowChange<Advertiser>> {
  const after = await updateAdvertiser(db, id, { ...patch, status: 'archived' });
  const archivedCampaignIds = await archiveCampaignsOf(db, id);
  return { after, auditAfter: { ...toAdvertiserView(after), archivedCampaignIds }, action: 'advertiser.archive' };
}

export const advertiserRoutes: RestRoute[] = [
  listRoute(advertisers, {
    summary: 'List advertisers',
    description: 'Advertiser keys see only their own advertiser.',
    roles: everyRole,
    query: rest.advertiserListQuery,
    list: ({ db, principal, query }) => listAdvertisers(db, advertiserScopeOf(principal), query),
  }),
  createRoute(advertisers, {
    summary: 'Create an advertiser',
    roles: ['admin'],
    body: inventory.advertiserCreate,
    create: ({ db, body }) => createAdvertiser(db, body),
  }),
  getRoute(advertisers, { summary: 'Read an advertiser', roles: everyRole }),
  updateRoute(advertisers, {
    summary: 'Change an advertiser',
    description: 'Setting status to archived archives its campaigns too (as POST /advertisers/{id}/archive).',
    roles: ['admin'],
    problems: [409],
    body: inventory.advertiserUpdate,
    update: async ({ db, params, body }) => {
      if (body.status === 'archived') return archive(db, params.id, { name: body.name });
      return { after: await updateAdvertiser(db, params.id, body) };
    },
  }),
  archiveRoute(advertisers, {
    summary: 'Archive an advertiser and its campaigns',
    roles: ['admin'],
    archive: (db, id) => archive(db, id, {}),
  }),
  deleteRoute(advertisers, {
    summary: 'Delete an advertiser that nothing refers to',
    description: 'Refused with 409 while campaigns, API keys or feature switches scoped to it refer to it: archive it instead.',
    roles: ['admin'],
    refusal: async ({ db, params }, before) => {
      const references = await advertiserReferences(db, before.id);
      if (references.campaigns === 0 && references.apiKeys === 0 && references.scopedSwitches === 0) return undefined;
      return `advertiser ${params.id} ${describeAdvertiserReferences(references)}; archive it instead`;
    },
    remove: deleteAdvertiser,
  }),
];
