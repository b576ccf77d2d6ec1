import { MAX_REPORT_DAYS, MAX_REPORT_HOURS, rest } from '@ads/ads-client';
import { z } from 'zod';
import { advertiserScopeOf } from '../domain/principal';
import { reportCsvOf, reportFileNameOf } from '../domain/report-csv';
import { buildReportSeries, reportWindowOf, type ReportWindow } from '../domain/report-window';
import { findAd } from '../store/ad-store';
import { findAdvertiser } from '../store/advertiser-store';
import { findCampaign } from '../store/campaign-store';
import type { Db } from '../store/db';
import { readGroupedCounters, readReportCounters, type ReportGrouping, type ReportLevel } from '../store/report-store';
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

const whyNoPlacementBreakdown =
  'stats are counted per ad and UTC hour (hourly_stat has no placement or site), so a breakdown by placement or site cannot be derived; use groupBy=ad or groupBy=campaign';

function findReported(db: Db, level: ReportLevel, id: string, scope: string | undefined): Promise<unknown> {
  if (level === 'advertiser') return findAdvertiser(db, id, scope);
  return level === 'campaign' ? findCampaign(db, id, scope) : findAd(db, id, scope);
}

function isSupportedGrouping(groupBy: ReportQuery['groupBy']): groupBy is ReportGrouping | undefined {
  return groupBy === undefined || (rest.REPORT_GROUPINGS_SUPPORTED as readonly string[]).includes(groupBy);
}

async function brokenDown(db: Db, level: ReportLevel, id: string, grouping: ReportGrouping, window: ReportWindow) {
  const counted = await readGroupedCounters(db, level, id, grouping, window);
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
  if (!isSupportedGrouping(groupBy))
    throw invalidFields([{ field: 'groupBy', message: `groupBy=${groupBy} is not available: ${whyNoPlacementBreakdown}` }]);
  const visible = await findReported(db, level, params.id, advertiserScopeOf(principal));
  if (visible === null) throw notFound(level, params.id);
  const windowed = reportWindowOf(query, now, { hour: MAX_REPORT_HOURS, day: MAX_REPORT_DAYS });
  if ('violations' in windowed) throw invalidFields(windowed.violations);
  const { window } = windowed;
  const counters =
    groupBy === undefined
      ? { ...(await readReportCounters(db, dependencies, level, params.id, window)), groups: undefined }
      : await brokenDown(db, level, params.id, groupBy, window);
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
  '`groupBy=ad|campaign` adds `groups`, one series per ad or campaign with stats in the range (read from the database), whose totals add up to `totals`; ' +
  `at most ${MAX_REPORT_ROWS} rows (buckets × groups). \`groupBy=placement|site\` is answered 422: ${whyNoPlacementBreakdown}. ` +
  '`format=csv` answers the same figures as text/csv (attachment): a header row, then one row per bucket, or per bucket and group with groupBy (`bucket,<group>_id,<group>_name,impressions,viewable_impressions,clicks,spend_micros,ctr`); each column sums to the totals.';

const csvSchema = z.string().meta({
  description:
    'Header row, then one row per bucket (× group): bucket,[ad_id|campaign_id,ad_name|campaign_name,]impressions,viewable_impressions,clicks,spend_micros,ctr',
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
];
