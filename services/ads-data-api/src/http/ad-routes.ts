import { inventory, rest } from '@ads/ads-client';
import { adSizeViolations, reviewStateAfterEdit } from '../domain/ad-rules';
import { advertiserScopeOf } from '../domain/principal';
import { isRowId } from '../domain/row-id';
import { DataApiError } from '../errors';
import { adHasStats, createAd, deleteAd, findAd, listAds, lockAd, toAdView, updateAd } from '../store/ad-store';
import { findCampaign } from '../store/campaign-store';
import { defineRoute, type RestRoute } from './rest-route';
import { assertIfMatch, everyRole, idParams, invalidFields, notFound, pageResult, ruleConflict } from './route-helpers';

const tag = 'Ads';
const writers = ['admin', 'advertiser'] as const;

export const adRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/ads',
    operationId: 'listAds',
    tag,
    summary: 'List ads',
    description: "Advertiser keys see only their advertiser's ads.",
    roles: everyRole,
    query: rest.adListQuery,
    write: false,
    success: { status: 200, description: 'A page of ads', schema: rest.pageOf(inventory.ad) },
    handle: async ({ db, principal, query }) => pageResult(await listAds(db, advertiserScopeOf(principal), query)),
  }),
  defineRoute({
    method: 'post',
    path: '/ads',
    operationId: 'createAd',
    tag,
    summary: 'Create an ad in a campaign',
    description: 'New ads wait for review (`reviewState: pending`); an admin approves them.',
    roles: writers,
    body: inventory.adCreate,
    write: true,
    success: { status: 201, description: 'The new ad', schema: inventory.ad, etag: true },
    problems: [409],
    handle: async ({ db, principal, body, audit, notify }) => {
      const campaign = isRowId(body.campaignId) ? await findCampaign(db, body.campaignId, advertiserScopeOf(principal)) : null;
      if (campaign === null) throw invalidFields([{ field: 'campaignId', message: `no campaign ${body.campaignId}` }]);
      if (campaign.status === 'archived') {
        throw ruleConflict('cannot create the ad', [{ field: 'campaignId', message: `campaign ${campaign.id} is archived` }]);
      }
      const created = await createAd(db, body);
      const view = toAdView(created);
      await audit({ action: 'ad.create', entityType: 'ad', entityId: created.id, before: null, after: view });
      notify({ entity: 'ad', id: created.id });
      return { status: 201, body: view, version: created.version, location: `/ads/${created.id}` };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/ads/:id',
    operationId: 'getAd',
    tag,
    summary: 'Read an ad',
    roles: everyRole,
    params: idParams,
    write: false,
    success: { status: 200, description: 'The ad', schema: inventory.ad, etag: true },
    problems: [404],
    handle: async ({ db, principal, params }) => {
      const row = await findAd(db, params.id, advertiserScopeOf(principal));
      if (row === null) throw notFound('ad', params.id);
      return { status: 200, body: toAdView(row), version: row.version };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/ads/:id',
    operationId: 'updateAd',
    tag,
    summary: 'Change an ad',
    description:
      'Changing what viewers see (title, body, image, click URL, size) sends the ad back to review. Only admin keys set `reviewState`. Ads of archived campaigns are final (409).',
    roles: writers,
    params: idParams,
    body: inventory.adUpdate,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: 'The ad after the change', schema: inventory.ad, etag: true },
    problems: [404, 409, 412, 428],
    handle: async ({ db, principal, params, body, ifMatch, audit, notify }) => {
      const before = await lockAd(db, params.id, advertiserScopeOf(principal));
      if (before === null) throw notFound('ad', params.id);
      assertIfMatch(ifMatch, before.version, 'ad');
      if (body.reviewState !== undefined && principal.role !== 'admin') {
        throw new DataApiError('FORBIDDEN', 'only admin keys review ads', { fields: [{ path: ['reviewState'], message: 'only admin keys review ads' }] });
      }
      // Archived is final, as for campaigns (and as feeds treat it): an ad taken down must not
      // come back, approved, by a status edit.
      if (before.status === 'archived') {
        throw ruleConflict(`cannot change ad ${params.id}`, [{ field: 'status', message: `ad ${params.id} is archived; archived ads cannot change` }]);
      }
      const campaign = await findCampaign(db, before.campaignId, undefined);
      if (campaign?.status === 'archived') {
        throw ruleConflict(`cannot change ad ${params.id}`, [{ field: 'campaignId', message: `campaign ${before.campaignId} is archived` }]);
      }
      const size = {
        format: before.format,
        width: body.width === undefined ? before.width : body.width,
        height: body.height === undefined ? before.height : body.height,
      };
      const violations = adSizeViolations(size);
      if (violations.length > 0) throw invalidFields(violations);
      const reviewState = reviewStateAfterEdit(before.reviewState, body, before);
      const after = await updateAd(db, params.id, { ...body, reviewState });
      await audit({ action: 'ad.update', entityType: 'ad', entityId: params.id, before: toAdView(before), after: toAdView(after) });
      notify({ entity: 'ad', id: params.id });
      return { status: 200, body: toAdView(after), version: after.version };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/ads/:id/archive',
    operationId: 'archiveAd',
    tag,
    summary: 'Archive an ad',
    description: 'Archived ads stop serving; their stats stay.',
    roles: writers,
    params: idParams,
    write: true,
    ifMatch: 'required',
    success: { status: 200, description: 'The archived ad', schema: inventory.ad, etag: true },
    problems: [404, 409, 412, 428],
    handle: async ({ db, principal, params, ifMatch, audit, notify }) => {
      const before = await lockAd(db, params.id, advertiserScopeOf(principal));
      if (before === null) throw notFound('ad', params.id);
      assertIfMatch(ifMatch, before.version, 'ad');
      if (before.status === 'archived') throw new DataApiError('CONFLICT', `ad ${params.id} is already archived`);
      const after = await updateAd(db, params.id, { status: 'archived' });
      await audit({ action: 'ad.archive', entityType: 'ad', entityId: params.id, before: toAdView(before), after: toAdView(after) });
      notify({ entity: 'ad', id: params.id });
      return { status: 200, body: toAdView(after), version: after.version };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/ads/:id',
    operationId: 'deleteAd',
    tag,
    summary: 'Delete an ad without stats',
    description: 'Refused with 409 once stats refer to the ad: archive it instead.',
    roles: writers,
    params: idParams,
    write: true,
    ifMatch: 'optional',
    success: { status: 204, description: 'Deleted' },
    problems: [404, 409, 412],
    handle: async ({ db, principal, params, ifMatch, audit, notify }) => {
      const before = await lockAd(db, params.id, advertiserScopeOf(principal));
      if (before === null) throw notFound('ad', params.id);
      assertIfMatch(ifMatch, before.version, 'ad');
      if (await adHasStats(db, params.id)) throw new DataApiError('CONFLICT', `stats refer to ad ${params.id}; archive it instead`);
      await deleteAd(db, params.id);
      await audit({ action: 'ad.delete', entityType: 'ad', entityId: params.id, before: toAdView(before), after: null });
      notify({ entity: 'ad', id: params.id });
      return { status: 204 };
    },
  }),
];
