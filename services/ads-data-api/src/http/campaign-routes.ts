import { inventory, rest } from '@ads/ads-client';
import {
  campaignEditViolations,
  planCampaignTransition,
  runningCampaignViolations,
  type CampaignTransitionName,
} from '../domain/campaign-rules';
import { advertiserScopeOf, canSeeAdvertiser } from '../domain/principal';
import { isRowId } from '../domain/row-id';
import { DataApiError } from '../errors';
import type { Campaign } from '../generated/prisma/client';
import { findAdvertiser } from '../store/advertiser-store';
import {
  campaignPatchColumns,
  campaignReferences,
  countServableAds,
  createCampaign,
  deleteCampaign,
  duplicateCampaign,
  findCampaign,
  listCampaigns,
  lockCampaign,
  setCampaignStatus,
  toCampaignView,
  unknownSiteIds,
  updateCampaign,
} from '../store/campaign-store';
import type { Db } from '../store/db';
import { everyRole } from './every-role';
import { idParams } from './id-params';
import { notFound } from './not-found';
import { defineRoute } from './rest-route';
import { invalidFields, ruleConflict } from './invalid-fields';
import { actionRoute, createRoute, deleteRoute, getRoute, listRoute, updateRoute, type RestResource } from './rest-resource';
import type { RestRoute } from './rest-route';

const writers = ['admin', 'advertiser'] as const;

const campaigns: RestResource<Campaign> = {
  path: '/campaigns',
  tag: 'Campaigns',
  singular: 'Campaign',
  plural: 'Campaigns',
  noun: 'campaign',
  pluralNoun: 'campaigns',
  entity: 'campaign',
  notice: 'campaign',
  versioned: true,
  schema: inventory.campaign,
  view: toCampaignView,
  find: (db, id, principal) => findCampaign(db, id, advertiserScopeOf(principal)),
  lock: (db, id, principal) => lockCampaign(db, id, advertiserScopeOf(principal)),
};

/** 422 for targeted site ids that name no site. */
async function assertSitesExist(db: Db, siteIds: readonly string[]): Promise<void> {
  if (siteIds.length === 0) return;
  const unknown = await unknownSiteIds(db, siteIds);
  if (unknown.size === 0) return;
  throw invalidFields(
    siteIds.flatMap((siteId, index) =>
      unknown.has(siteId) ? [{ field: `targeting.siteIds.${index}`, message: `no site ${siteId}` }] : [],
    ),
  );
}

function transitionRoute(transition: CampaignTransitionName, summary: string, description: string): RestRoute {
  return actionRoute(campaigns, transition, {
    summary,
    description,
    roles: writers,
    answer: 'The campaign in its new status',
    change: async ({ db, params, now }, before) => {
      const plan = planCampaignTransition(before, transition, { now, servableAds: await countServableAds(db, params.id) });
      if (!plan.allowed) throw ruleConflict(`cannot ${transition} campaign ${params.id}`, plan.violations);
      return { after: await setCampaignStatus(db, params.id, plan.status) };
    },
  });
}

export const campaignRoutes: RestRoute[] = [
  listRoute(campaigns, {
    summary: 'List campaigns',
    description: "Advertiser keys see only their advertiser's campaigns.",
    roles: everyRole,
    query: rest.campaignListQuery,
    list: ({ db, principal, query }) => listCampaigns(db, advertiserScopeOf(principal), query),
  }),
  createRoute(campaigns, {
    summary: 'Create a campaign (as a draft)',
    description:
      'New campaigns are drafts; activate them with POST /campaigns/{id}/activate. Advertiser keys create campaigns for their own advertiser only.',
    roles: writers,
    body: inventory.campaignCreate,
    create: async ({ db, principal, body }) => {
      if (!canSeeAdvertiser(principal, body.advertiserId)) {
        throw new DataApiError('FORBIDDEN', 'an advertiser key creates campaigns for its own advertiser only', {
          fields: [{ path: ['advertiserId'], message: 'is not the advertiser of this API key' }],
        });
      }
      const advertiser = isRowId(body.advertiserId) ? await findAdvertiser(db, body.advertiserId, undefined) : null;
      if (advertiser === null) throw invalidFields([{ field: 'advertiserId', message: `no advertiser ${body.advertiserId}` }]);
      if (advertiser.status === 'archived') {
        throw ruleConflict('cannot create the campaign', [{ field: 'advertiserId', message: `advertiser ${advertiser.id} is archived` }]);
      }
      if (body.bidAmount <= 0) throw invalidFields([{ field: 'bidAmount', message: 'bidAmount must be greater than 0' }]);
      await assertSitesExist(db, body.targeting.siteIds);
      return createCampaign(db, body);
    },
  }),
  getRoute(campaigns, { summary: 'Read a campaign', roles: everyRole }),
  updateRoute(campaigns, {
    summary: 'Change a campaign',
    description:
      'Partial update; `targeting` and `frequencyCap` are replaced as a whole. Status changes go through the transitions. Archived campaigns are final (409).',
    roles: writers,
    problems: [409],
    body: inventory.campaignUpdate,
    update: async ({ db, params, body }, before) => {
      if (before.status === 'archived') {
        throw ruleConflict(`cannot change campaign ${params.id}`, [{ field: 'status', message: 'archived campaigns are final' }]);
      }
      const merged = {
        status: before.status,
        flightStart: body.flightStart === undefined ? before.flightStart : new Date(body.flightStart),
        flightEnd: body.flightEnd === undefined ? before.flightEnd : new Date(body.flightEnd),
        totalBudget: body.totalBudget ?? before.totalBudget,
        bidAmount: body.bidAmount ?? before.bidAmount,
      };
      const invalid = campaignEditViolations(merged);
      if (invalid.length > 0) throw invalidFields(invalid);
      const running = runningCampaignViolations(merged);
      if (running.length > 0) throw ruleConflict(`cannot change campaign ${params.id}`, running);
      if (body.targeting !== undefined) await assertSitesExist(db, body.targeting.siteIds);
      return { after: await updateCampaign(db, params.id, campaignPatchColumns(body)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/campaigns/:id/duplicate',
    operationId: 'duplicateCampaign',
    tag: campaigns.tag,
    summary: 'Duplicate a campaign with its ads',
    description:
      'A new draft campaign with the same settings, targeting and flight, and a copy of each ad that is not archived (same creative, status and review state, no external ids). Stats stay with the original. ' +
      '`name` defaults to "Copy of <name>". Advertiser keys duplicate their own campaigns only.',
    roles: writers,
    params: idParams,
    body: rest.campaignDuplicate,
    write: true,
    success: { status: 201, description: 'The new campaign', schema: inventory.campaign, etag: true },
    problems: [404],
    handle: async (context) => {
      const { db, params, principal, body } = context;
      const original = await findCampaign(db, params.id, advertiserScopeOf(principal));
      if (original === null) throw notFound('campaign', params.id);
      const name = body.name ?? `Copy of ${original.name}`.slice(0, 200);
      const copy = await duplicateCampaign(db, original, name);
      const view = toCampaignView(copy.campaign);
      await context.audit({
        action: 'campaign.duplicate',
        entityType: 'campaign',
        entityId: copy.campaign.id,
        before: null,
        after: { ...view, duplicatedFrom: original.id, ads: copy.ads },
      });
      context.notify({ entity: 'campaign', id: copy.campaign.id });
      return { status: 201, body: view, version: copy.campaign.version, location: `/campaigns/${copy.campaign.id}` };
    },
  }),
  transitionRoute(
    'activate',
    'Activate a draft campaign',
    'Refused (409, naming each rule) when the flight ends before it starts or has ended, the total budget is 0, or no ad is active and approved.',
  ),
  transitionRoute('pause', 'Pause an active campaign', 'Only active campaigns can be paused.'),
  transitionRoute('resume', 'Resume a paused campaign', 'Checks the same rules as activation.'),
  transitionRoute('archive', 'Archive a campaign', 'Archived campaigns stop serving and can no longer change; their stats stay.'),
  deleteRoute(campaigns, {
    summary: 'Delete a campaign that nothing refers to',
    description: 'Refused with 409 while ads or stats refer to it: archive it instead.',
    roles: writers,
    refusal: async ({ db, params }) => {
      const references = await campaignReferences(db, params.id);
      if (references.ads === 0 && references.hourlyStats === 0) return undefined;
      return `campaign ${params.id} has ${references.ads} ad(s) and ${references.hourlyStats} stats row(s); archive it instead`;
    },
    remove: deleteCampaign,
  }),
];
