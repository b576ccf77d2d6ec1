import { MAX_REPORT_DAYS, MAX_REPORT_HOURS, rest } from '@ads/ads-client';
import type { z } from 'zod';
import { advertiserScopeOf } from '../domain/principal';
import { buildReportSeries, reportWindowOf } from '../domain/report-window';
import { findAd } from '../store/ad-store';
import { findCampaign } from '../store/campaign-store';
import { readReportCounters, type ReportLevel } from '../store/report-store';
import { defineRoute, type RestRoute, type RouteContext, type RouteResult } from './rest-route';
import { everyRole } from './every-role';
import { idParams } from './id-params';
import { invalidFields } from './invalid-fields';
import { notFound } from './not-found';

const tag = 'Reports';

async function report(
  level: ReportLevel,
  context: RouteContext<{ id: string }, z.output<typeof rest.reportQuery>, undefined>,
): Promise<RouteResult> {
  const { db, principal, params, query, now, dependencies } = context;
  const scope = advertiserScopeOf(principal);
  const visible = level === 'campaign' ? await findCampaign(db, params.id, scope) : await findAd(db, params.id, scope);
  if (visible === null) throw notFound(level, params.id);
  const windowed = reportWindowOf(query, now, { hour: MAX_REPORT_HOURS, day: MAX_REPORT_DAYS });
  if ('violations' in windowed) throw invalidFields(windowed.violations);
  const { window } = windowed;
  const counters = await readReportCounters(db, dependencies, level, params.id, window);
  const series = buildReportSeries(window, counters.values);
  const body: z.infer<typeof rest.report> = {
    level,
    id: params.id,
    granularity: window.granularity,
    from: new Date(window.fromMs).toISOString(),
    to: new Date(window.toMs).toISOString(),
    source: counters.source,
    asOf: counters.lastIngestMs === null ? null : new Date(counters.lastIngestMs).toISOString(),
    points: series.points,
    totals: series.totals,
  };
  return { status: 200, body };
}

const description =
  'Impressions, viewable impressions, clicks, spend (micros) and CTR per UTC hour or day over [from, to), every bucket included, with totals. ' +
  'Always what the database holds: buckets the warmed time series in Redis hold unchanged since their warm are read there, the others (not warmed yet, or changed by a roll-up since) from the database (`source`: cache, database or mixed). ' +
  '`asOf`: when the newest roll-up batch included was applied (latest hourly_stat.updated_at in the range), null without stats. ' +
  `At most ${MAX_REPORT_HOURS} hours or ${MAX_REPORT_DAYS} days.`;

function reportRoute(level: ReportLevel, path: string, operationId: string, summary: string): RestRoute {
  return defineRoute({
    method: 'get',
    path,
    operationId,
    tag,
    summary,
    description,
    roles: everyRole,
    params: idParams,
    query: rest.reportQuery,
    write: false,
    success: { status: 200, description: 'The report', schema: rest.report },
    problems: [404],
    handle: (context) => report(level, context),
  });
}

export const reportRoutes: RestRoute[] = [
  reportRoute('campaign', '/reports/campaigns/:id', 'getCampaignReport', 'Stats of a campaign'),
  reportRoute('ad', '/reports/ads/:id', 'getAdReport', 'Stats of an ad'),
];
