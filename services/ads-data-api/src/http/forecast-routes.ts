import { forecast } from '@ads/ads-client';
import { advertiserScopeOf } from '../domain/principal';
import { runForecast } from '../store/forecast-store';
import { defineRoute, type RestRoute } from './rest-route';

/** `POST /forecasts`: how many impressions a proposed campaign can expect, by day. */
export const forecastRoutes: RestRoute[] = [
  defineRoute({
    method: 'post',
    path: '/forecasts',
    operationId: 'runForecast',
    tag: 'Forecasts',
    summary: 'Forecast a proposed campaign by day',
    description:
      'Answers, for each day of the flight (in the campaign time zone, at most 92 days): the requests its targeting matches, the share booked campaigns of the same or a higher priority are expected to take, ' +
      'the impressions and spend it can expect after its frequency cap, budgets and pacing, and whether its budget and goal are reachable, with every assumption in plain words. ' +
      'The model: each hour is the mean of the same hour on the same weekday over the last 4 weeks of recorded requests, times the share of sampled requests the targeting matches. ' +
      'Nothing is written. With an advertiser key, competitors of other advertisers are shown as "another campaign" without an id. No recorded history answers zeros, not an error.',
    roles: ['admin', 'advertiser'],
    body: forecast.forecastRequest,
    write: false,
    success: { status: 200, description: 'The forecast', schema: forecast.forecastResponse },
    problems: [404],
    handle: async ({ db, principal, body, now }) => ({
      status: 200,
      body: await runForecast(db, body, { advertiserScope: advertiserScopeOf(principal), now }),
    }),
  }),
];
