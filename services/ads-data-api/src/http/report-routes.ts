import { MAX_REPORT_DAYS, MAX_REPORT_HOURS, rest } from '@ads/ads-client';
import { z } from 'zod';
import { advertiserScopeOf } from '../domain/principal';
import { reportCsvOf, reportFileNameOf } from '../domain/report-csv';
import { buildReportSeries, reportWindowOf, type ReportWindow } from '../domain/report-window';
import { findAd } from '../store/ad-store';
import { findAdvertiser } from '../store/advertiser-store';
import { findCampaign } from '../store/campaign-store';
import type { Db } from '../store/db';
import { findPlacement } from '../store/placement-store';
import {
  readGroupedCounters,
  readPlacementReportCounters,
  readReportCounters,
  type ReportGrouping,
  type ReportLevel,
} from '../store/report-store';
import { findSite } from '../store/site-store';
import { defineRoute, type RestRoute, type RouteContext, type RouteResult } from './rest-route';
import { everyRole } from './every-role';
import { idParams } from './id-params';
import { invalidFields } from './invalid-fields';
import { notFound } from './not-found';

type Report = z.infer<typeof rest.report>;
type ReportQuery = z.output<typeof rest.reportQuery>;

const tag = 'Reports';

/** Most rows (buckets × groups) one broken-down report may hold. */
export const MAX_REPORT_ROWS = 50_000;

function findReported(db: Db, level: ReportLevel, id: string, scope: string | undefined): Promise<unknown> {
  switch (level) {
    case 'advertiser':
      return findAdvertiser(db, id, scope);
    case 'campaign':
      return findCampaign(db, id, scope);
    case 'ad':
      return findAd(db, id, scope);
    // Publisher inventory is readable by every role; an advertiser's key counts only its own ads there.
    case 'site':
      return findSite(db, id);
    case 'placement':
      return findPlacement(db, id);
  }
}

async function brokenDown(
  db: Db,
  level: ReportLevel,
  id: string,
  grouping: ReportGrouping,
  window: ReportWindow,
  advertiserScope: string | undefined,
) {
  const counted = await readGroupedCounters(db, level, id, grouping, window, advertiserScope);
  const buckets = (window.toMs - window.fromMs) / window.bucketMs;
  if (counted.groups.length * buckets > MAX_REPORT_ROWS) {
    throw invalidFields([
      {
        field: 'from',
        message: `${counted.groups.length} ${grouping}s × ${buckets} ${window.granularity}s is more than ${MAX_REPORT_ROWS} rows; shorten the range or use granularity=day`,
      },
    ]);
  }
  const groups = counted.groups.map((group) => ({
    level: grouping,
    id: group.id,
    name: group.name,
    ...buildReportSeries(window, group.values),
  }));
  return { source: 'database' as const, values: counted.values, lastIngestMs: counted.lastIngestMs, groups };
}

async function report(level: ReportLevel, context: RouteContext<{ id: string }, ReportQuery, undefined>): Promise<RouteResult> {
  const { db, principal, params, query, now, dependencies } = context;
  const { groupBy } = query;
  const advertiserScope = advertiserScopeOf(principal);
  const visible = await findReported(db, level, params.id, advertiserScope);
  if (visible === null) throw notFound(level, params.id);
  const windowed = reportWindowOf(query, now, { hour: MAX_REPORT_HOURS, day: MAX_REPORT_DAYS });
  if ('violations' in windowed) throw invalidFields(windowed.violations);
  const { window } = windowed;
  const counters =
    groupBy !== undefined
      ? await brokenDown(db, level, params.id, groupBy, window, advertiserScope)
      : level === 'site' || level === 'placement'
        ? { ...(await readPlacementReportCounters(db, level, params.id, window, advertiserScope)), groups: undefined }
        : { ...(await readReportCounters(db, dependencies, level, params.id, window)), groups: undefined };
  const series = buildReportSeries(window, counters.values);
  const body: Report = {
    level,
    id: params.id,
    granularity: window.granularity,
    from: new Date(window.fromMs).toISOString(),
    to: new Date(window.toMs).toISOString(),
    source: counters.source,
    asOf: counters.lastIngestMs === null ? null : new Date(counters.lastIngestMs).toISOString(),
    points: series.points,
    totals: series.totals,
    ...(groupBy === undefined ? {} : { groupBy, groups: counters.groups }),
  };
  if (query.format === 'csv') {
    return { status: 200, download: { contentType: 'text/csv', fileName: reportFileNameOf(body), text: reportCsvOf(body) } };
  }
  return { status: 200, body };
}

const description =
  'Impressions, viewable impressions, clicks, spend (micros) and CTR per UTC hour or day over [from, to), every bucket included, with totals. ' +
  'Always what the database holds: buckets the warmed time series in Redis hold unchanged since their warm are read there, the others (not warmed yet, or changed by a roll-up since) from the database (`source`: cache, database or mixed). ' +
  '`asOf`: when the newest roll-up batch included was applied (latest hourly_stat.updated_at in the range), null without stats. ' +
  `At most ${MAX_REPORT_HOURS} hours or ${MAX_REPORT_DAYS} days. ` +
  '`groupBy=ad|campaign|placement|site` adds `groups`, one series per ad, campaign, placement or site with stats in the range (read from the database), whose totals add up to `totals`; ' +
  `at most ${MAX_REPORT_ROWS} rows (buckets × groups). ` +
  'By placement or site, events served on no known placement (rolled up before placements were recorded, or on a placement key that is unknown or was deleted) form the group `unattributed`. ' +
  "Site and placement reports count the events served there (from placement_hourly_stat, always the database); with an advertiser key, only that advertiser's ads. " +
  '`format=csv` answers the same figures as text/csv (attachment): a header row, then one row per bucket, or per bucket and group with groupBy (`bucket,<group>_id,<group>_name,impressions,viewable_impressions,clicks,spend_micros,ctr`); each column sums to the totals.';

const csvSchema = z.string().meta({
  description:
    'Header row, then one row per bucket (× group): bucket,[<group>_id,<group>_name,]impressions,viewable_impressions,clicks,spend_micros,ctr (group: ad, campaign, placement or site)',
  example:
    'bucket,ad_id,ad_name,impressions,viewable_impressions,clicks,spend_micros,ctr\r\n2026-03-10T00:00:00.000Z,0190…,Spring sale,1500,1200,15,3000000,0.01\r\n',
});

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
    success: { status: 200, description: 'The report', schema: rest.report, otherMediaTypes: { 'text/csv': csvSchema } },
    problems: [404],
    handle: (context) => report(level, context),
  });
}

export const reportRoutes: RestRoute[] = [
  reportRoute('advertiser', '/reports/advertisers/:id', 'getAdvertiserReport', 'Stats of an advertiser'),
  reportRoute('campaign', '/reports/campaigns/:id', 'getCampaignReport', 'Stats of a campaign'),
  reportRoute('ad', '/reports/ads/:id', 'getAdReport', 'Stats of an ad'),
  reportRoute('site', '/reports/sites/:id', 'getSiteReport', 'Stats of a site (events served on its placements)'),
  reportRoute('placement', '/reports/placements/:id', 'getPlacementReport', 'Stats of a placement (events served on it)'),
];
