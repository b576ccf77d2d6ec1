import { inventory, rest } from '@ads/ads-client';
import { adSizeViolations, reviewStateAfterEdit } from '../domain/ad-rules';
import { advertiserScopeOf } from '../domain/principal';
import { isRowId } from '../domain/row-id';
import { DataApiError } from '../errors';
import { adHasStats, createAd, deleteAd, findAd, listAds, lockAd, toAdView, updateAd, type AdWithAdvertiser } from '../store/ad-store';
import { findCampaign } from '../store/campaign-store';
import { everyRole } from './every-role';
import { invalidFields, ruleConflict } from './invalid-fields';
import { archiveRoute, createRoute, deleteRoute, getRoute, listRoute, updateRoute, type RestResource } from './rest-resource';
import type { RestRoute } from './rest-route';

const writers = ['admin', 'advertiser'] as const;

const ads: RestResource<AdWithAdvertiser> = {
  path: '/ads',
  tag: 'Ads',
  singular: 'Ad',
  plural: 'Ads',
  noun: 'ad',
  pluralNoun: 'ads',
  entity: 'ad',
  notice: 'ad',
  versioned: true,
  schema: inventory.ad,
  view: toAdView,
  find: (db, id, principal) => findAd(db, id, advertiserScopeOf(principal)),
  lock: (db, id, principal) => lockAd(db, id, advertiserScopeOf(principal)),
};

export const adRoutes: RestRoute[] = [
  listRoute(ads, {
    summary: 'List ads',
    description: "Advertiser keys see only their advertiser's ads.",
    roles: everyRole,
    query: rest.adListQuery,
    list: ({ db, principal, query }) => listAds(db, advertiserScopeOf(principal), query),
  }),
  createRoute(ads, {
    summary: 'Create an ad in a campaign',
    description: 'New ads wait for review (`reviewState: pending`); an admin approves them.',
    roles: writers,
    body: inventory.adCreate,
    create: async ({ db, principal, body }) => {
      const campaign = isRowId(body.campaignId) ? await findCampaign(db, body.campaignId, advertiserScopeOf(principal)) : null;
      if (campaign === null) throw invalidFields([{ field: 'campaignId', message: `no campaign ${body.campaignId}` }]);
      if (campaign.status === 'archived') {
        throw ruleConflict('cannot create the ad', [{ field: 'campaignId', message: `campaign ${campaign.id} is archived` }]);
      }
      return createAd(db, body);
    },
  }),
  getRoute(ads, { summary: 'Read an ad', roles: everyRole }),
  updateRoute(ads, {
    summary: 'Change an ad',
    description:
      'Changing what viewers see (title, body, image, click URL, size) sends the ad back to review. Only admin keys set `reviewState`. Ads of archived campaigns are final (409).',
    roles: writers,
    problems: [409],
    body: inventory.adUpdate,
    update: async ({ db, principal, params, body }, before) => {
      if (body.reviewState !== undefined && principal.role !== 'admin') {
        throw new DataApiError('FORBIDDEN', 'only admin keys review ads', {
          fields: [{ path: ['reviewState'], message: 'only admin keys review ads' }],
        });
      }
      // Archived is final, as for campaigns (and as feeds treat it): an ad taken down must not
      // come back, approved, by a status edit.
      if (before.status === 'archived') {
        throw ruleConflict(`cannot change ad ${params.id}`, [
          { field: 'status', message: `ad ${params.id} is archived; archived ads cannot change` },
        ]);
      }
      const campaign = await findCampaign(db, before.campaignId, undefined);
      if (campaign?.status === 'archived') {
        throw ruleConflict(`cannot change ad ${params.id}`, [
          { field: 'campaignId', message: `campaign ${before.campaignId} is archived` },
        ]);
      }
      const size = {
        format: before.format,
        width: body.width === undefined ? before.width : body.width,
        height: body.height === undefined ? before.height : body.height,
      };
      const violations = adSizeViolations(size);
      if (violations.length > 0) throw invalidFields(violations);
      const reviewState = reviewStateAfterEdit(before.reviewState, body, before);
      return { after: await updateAd(db, params.id, { ...body, reviewState }) };
    },
  }),
  archiveRoute(ads, {
    summary: 'Archive an ad',
    description: 'Archived ads stop serving; their stats stay.',
    roles: writers,
    archive: async (db, id) => ({ after: await updateAd(db, id, { status: 'archived' }) }),
  }),
  deleteRoute(ads, {
    summary: 'Delete an ad without stats',
    description: 'Refused with 409 once stats refer to the ad: archive it instead.',
    roles: writers,
    refusal: async ({ db, params }) =>
      (await adHasStats(db, params.id)) ? `stats refer to ad ${params.id}; archive it instead` : undefined,
    remove: deleteAd,
  }),
];
