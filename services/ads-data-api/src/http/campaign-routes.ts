import { inventory, rest } from '@ads/ads-client';
import type { z } from 'zod';
import {
  campaignEditViolations,
  planCampaignTransition,
  runningCampaignViolations,
  type CampaignTransitionName,
} from '../domain/campaign-rules';
import { advertiserScopeOf, canSeeAdvertiser } from '../domain/principal';
import { isRowId } from '../domain/row-id';
import { DataApiError } from '../errors';
import { findAdvertiser } from '../store/advertiser-store';
import {
  campaignPatchColumns,
  campaignReferences,
  countServableAds,
  createCampaign,
  deleteCampaign,
  findCampaign,
  listCampaigns,
  lockCampaign,
  setCampaignStatus,
  toCampaignView,
  unknownSiteIds,
  updateCampaign,
} from '../store/campaign-store';
import type { Db } from '../store/db';
import { defineRoute, type RestRoute } from './rest-route';
import { assertIfMatch, everyRole, idParams, invalidFields, notFound, pageResult, ruleConflict } from './route-helpers';

const tag = 'Campaigns';
const writers = ['admin', 'advertiser'] as const;

/** 422 for targeted site ids that name no site. */
async function assertSitesExist(db: Db, siteIds: readonly string[]): Promise<void> {
  if (siteIds.length === 0) return;
  const unknown = await unknownSiteIds(db, siteIds);
  if (unknown.size === 0) return;
  throw invalidFields(
    siteIds.flatMap((siteId, index) => (unknown.has(siteId) ? [{ field: `targeting.siteIds.${index}`, message: `no site ${siteId}` }] : [])),
  );
}

function transitionRoute(transition: CampaignTransitionName, summary: string, description: string): RestRoute {
  return defineRoute({
    method: 'post',
    path: `/campaigns/:id/${transition}`,
    operationId: `${transition}Campaign`,
    tag,
    summary,
    description,
    roles: writers,
    params: idParams,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: 'The campaign in its new status', schema: inventory.campaign, etag: true },
    problems: [404, 409, 412, 428],
    handle: async ({ db, principal, params, ifMatch, now, audit, notify }) => {
      const before = await lockCampaign(db, params.id, advertiserScopeOf(principal));
      if (before === null) throw notFound('campaign', params.id);
      assertIfMatch(ifMatch, before.version, 'campaign');
      const plan = planCampaignTransition(before, transition, { now, servableAds: await countServableAds(db, params.id) });
      if (!plan.allowed) throw ruleConflict(`cannot ${transition} campaign ${params.id}`, plan.violations);
      const after = await setCampaignStatus(db, params.id, plan.status);
      await audit({
        action: `campaign.${transition}`,
        entityType: 'campaign',
        entityId: params.id,
        before: toCampaignView(before),
        after: toCampaignView(after),
      });
      notify({ entity: 'campaign', id: params.id });
      return { status: 200, body: toCampaignView(after), version: after.version };
    },
  });
}

export const campaignRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/campaigns',
    operationId: 'listCampaigns',
    tag,
    summary: 'List campaigns',
    description: "Advertiser keys see only their advertiser's campaigns.",
    roles: everyRole,
    query: rest.campaignListQuery,
    write: false,
    success: { status: 200, description: 'A page of campaigns', schema: rest.pageOf(inventory.campaign) },
    handle: async ({ db, principal, query }) => pageResult(await listCampaigns(db, advertiserScopeOf(principal), query)),
  }),
  defineRoute({
    method: 'post',
    path: '/campaigns',
    operationId: 'createCampaign',
    tag,
    summary: 'Create a campaign (as a draft)',
    description: 'New campaigns are drafts; activate them with POST /campaigns/{id}/activate. Advertiser keys create campaigns for their own advertiser only.',
    roles: writers,
    body: inventory.campaignCreate,
    write: true,
    success: { status: 201, description: 'The new campaign', schema: inventory.campaign, etag: true },
    problems: [409],
    handle: async ({ db, principal, body, audit, notify }) => {
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
      const created = await createCampaign(db, body);
      const view = toCampaignView(created);
      await audit({ action: 'campaign.create', entityType: 'campaign', entityId: created.id, before: null, after: view });
      notify({ entity: 'campaign', id: created.id });
      return { status: 201, body: view, version: created.version, location: `/campaigns/${created.id}` };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/campaigns/:id',
    operationId: 'getCampaign',
    tag,
    summary: 'Read a campaign',
    roles: everyRole,
    params: idParams,
    write: false,
    success: { status: 200, description: 'The campaign', schema: inventory.campaign, etag: true },
    problems: [404],
    handle: async ({ db, principal, params }) => {
      const row = await findCampaign(db, params.id, advertiserScopeOf(principal));
      if (row === null) throw notFound('campaign', params.id);
      return { status: 200, body: toCampaignView(row), version: row.version };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/campaigns/:id',
    operationId: 'updateCampaign',
    tag,
    summary: 'Change a campaign',
    description: 'Partial update; `targeting` and `frequencyCap` are replaced as a whole. Status changes go through the transitions. Archived campaigns are final (409).',
    roles: writers,
    params: idParams,
    body: inventory.campaignUpdate,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: 'The campaign after the change', schema: inventory.campaign, etag: true },
    problems: [404, 409, 412, 428],
    handle: async ({ db, principal, params, body, ifMatch, audit, notify }) => {
      const before = await lockCampaign(db, params.id, advertiserScopeOf(principal));
      if (before === null) throw notFound('campaign', params.id);
      assertIfMatch(ifMatch, before.version, 'campaign');
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
      const after = await updateCampaign(db, params.id, campaignPatchColumns(body));
      await audit({
        action: 'campaign.update',
        entityType: 'campaign',
        entityId: params.id,
        before: toCampaignView(before),
        after: toCampaignView(after),
      });
      notify({ entity: 'campaign', id: params.id });
      return { status: 200, body: toCampaignView(after), version: after.version };
    },
  }),
  transitionRoute('activate', 'Activate a draft campaign', 'Refused (409, naming each rule) when the flight ends before it starts or has ended, the total budget is 0, or no ad is active and approved.'),
  transitionRoute('pause', 'Pause an active campaign', 'Only active campaigns can be paused.'),
  transitionRoute('resume', 'Resume a paused campaign', 'Checks the same rules as activation.'),
  transitionRoute('archive', 'Archive a campaign', 'Archived campaigns stop serving and can no longer change; their stats stay.'),
  defineRoute({
    method: 'delete',
    path: '/campaigns/:id',
    operationId: 'deleteCampaign',
    tag,
    summary: 'Delete a campaign that nothing refers to',
    description: 'Refused with 409 while ads or stats refer to it: archive it instead.',
    roles: writers,
    params: idParams,
    write: true,
    ifMatch: 'optional',
    success: { status: 204, description: 'Deleted' },
    problems: [404, 409, 412],
    handle: async ({ db, principal, params, ifMatch, audit, notify }) => {
      const before = await lockCampaign(db, params.id, advertiserScopeOf(principal));
      if (before === null) throw notFound('campaign', params.id);
      assertIfMatch(ifMatch, before.version, 'campaign');
      const references = await campaignReferences(db, params.id);
      if (references.ads > 0 || references.hourlyStats > 0) {
        throw new DataApiError('CONFLICT', `campaign ${params.id} has ${references.ads} ad(s) and ${references.hourlyStats} stats row(s); archive it instead`);
      }
      await deleteCampaign(db, params.id);
      await audit({ action: 'campaign.delete', entityType: 'campaign', entityId: params.id, before: toCampaignView(before), after: null });
      notify({ entity: 'campaign', id: params.id });
      return { status: 204 };
    },
  }),
];
