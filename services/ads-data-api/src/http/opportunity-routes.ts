import { OPPORTUNITY_RETENTION_DAYS, inventory } from '@ads/ads-client';
import { z } from 'zod';
import { readPlacementOpportunities } from '../store/opportunity-store';
import { findPlacement } from '../store/placement-store';
import { defineRoute, type RestRoute } from './rest-route';
import { idParams } from './id-params';
import { invalidFields } from './invalid-fields';
import { notFound } from './not-found';

const HOUR_MS = 3_600_000;
const DEFAULT_RANGE_MS = 7 * 24 * HOUR_MS;
/** Widest range one answer covers: the history kept. */
const MAX_RANGE_MS = OPPORTUNITY_RETENTION_DAYS * 24 * HOUR_MS;

// ISO 8601 with an offset, years 1970-9999 (the contracts' instants).
const isoInstant = inventory.isoDateTime;

export const opportunityQuery = z.strictObject({
  from: isoInstant.optional().meta({ description: 'Start (inclusive), rounded down to the UTC hour; default: `to` minus 7 days.' }),
  to: isoInstant.optional().meta({ description: 'End (exclusive), rounded up to the UTC hour; default: now.' }),
});

export const placementOpportunities = z.object({
  placementId: z.string(),
  placementKey: z.string(),
  from: z.string(),
  to: z.string(),
  /** Hours with a recorded count, oldest first (hours without are left out). */
  hours: z.array(z.object({ hour: z.string(), requests: z.number().int() })),
  /** UTC day totals of those hours (a day cut by the range counts only its hours inside it). */
  days: z.array(z.object({ day: z.string(), requests: z.number().int() })),
  totalRequests: z.number().int(),
});

export const opportunityRoutes: RestRoute[] = [
  defineRoute({
    method: 'get',
    path: '/placements/:id/opportunities',
    operationId: 'getPlacementOpportunities',
    tag: 'Reports',
    summary: 'Ad requests of a placement (forecasting history)',
    description:
      'Ad requests (opportunities) serving counted on the placement per closed UTC hour over [from, to), as the opportunity roll-up stored them, with UTC day totals. ' +
      `Hours without a count are left out. History is kept ${OPPORTUNITY_RETENTION_DAYS} days; the range may cover at most that.`,
    roles: ['admin'],
    params: idParams,
    query: opportunityQuery,
    write: false,
    success: { status: 200, description: 'The hourly counts and day totals', schema: placementOpportunities },
    problems: [404],
    handle: async ({ db, params, query, now }) => {
      const placement = await findPlacement(db, params.id);
      if (placement === null) throw notFound('placement', params.id);
      const to = Math.ceil((query.to === undefined ? now.getTime() : Date.parse(query.to)) / HOUR_MS) * HOUR_MS;
      const from = Math.floor((query.from === undefined ? to - DEFAULT_RANGE_MS : Date.parse(query.from)) / HOUR_MS) * HOUR_MS;
      if (to <= from) throw invalidFields([{ field: 'to', message: 'must be after from' }]);
      if (to - from > MAX_RANGE_MS)
        throw invalidFields([{ field: 'from', message: `the range may cover at most ${OPPORTUNITY_RETENTION_DAYS} days` }]);
      const found = await readPlacementOpportunities(db, params.id, new Date(from), new Date(to));
      const body: z.infer<typeof placementOpportunities> = {
        placementId: params.id,
        placementKey: placement.key,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        hours: found.hours.map((row) => ({ hour: row.hour.toISOString(), requests: row.requests })),
        days: found.days,
        totalRequests: found.hours.reduce((sum, row) => sum + row.requests, 0),
      };
      return { status: 200, body };
    },
  }),
];
