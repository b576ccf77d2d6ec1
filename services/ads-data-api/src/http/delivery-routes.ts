import { rest } from '@ads/ads-client';
import { advertiserScopeOf } from '../domain/principal';
import { readDelivery } from '../store/delivery-store';
import { everyRole } from './every-role';
import { defineRoute, type RestRoute } from './rest-route';

/** `GET /delivery`: the delivery figures of a list page's rows in one read. */
export const deliveryRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/delivery',
    operationId: 'getDelivery',
    tag: 'Reports',
    summary: 'Delivery of several advertisers, campaigns, ads, sites or placements',
    description:
      'Impressions, clicks, CTR and spend (micros) of each id since it began and on its current day, from HourlyStat, for the rows of a list page (at most 200 ids). ' +
      "The day is the campaign's time zone's for campaigns and ads (the day daily budgets and pacing follow), UTC's for advertisers, sites and placements. " +
      "Sites and placements count the events served on them (PlacementHourlyStat); with an advertiser key, only that advertiser's ads. " +
      'Ids without stats answer zeros; unknown ids and rows the key may not see are left out.',
    roles: everyRole,
    query: rest.deliveryQuery,
    write: false,
    success: { status: 200, description: 'One entry per visible id, in the order asked', schema: rest.delivery },
    handle: async ({ db, principal, query, now }) => ({
      status: 200,
      body: { level: query.level, items: await readDelivery(db, query.level, query.ids, advertiserScopeOf(principal), now) },
    }),
  }),
];
