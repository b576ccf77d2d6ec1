import type { Report, ReportPoint } from '../api/entities';

/** One row of a report's table: a bucket, or a bucket of one ad or campaign. */
export interface ReportTableRow {
  key: string;
  bucket: string;
  /** The ad's, campaign's, placement's or site's name with a breakdown; absent without. */
  group?: string;
  impressions: number;
  viewableImpressions: number;
  clicks: number;
  /** Percent, e.g. 1.25 for 1.25%. */
  ctrPercent: number;
  /** Currency units. */
  spend: number;
}

function rowOf(key: string, point: ReportPoint, group?: string): ReportTableRow {
  const impressions = Number(point.impressions);
  const clicks = Number(point.clicks);
  return {
    key,
    bucket: point.bucket,
    ...(group === undefined ? {} : { group }),
    impressions,
    viewableImpressions: Number(point.viewableImpressions),
    clicks,
    ctrPercent: impressions > 0 ? Math.round((clicks / impressions) * 10_000) / 100 : 0,
    spend: Number(point.spendMicros) / 1_000_000,
  };
}

function hasActivity(point: ReportPoint): boolean {
  return Number(point.impressions) > 0 || Number(point.clicks) > 0 || Number(point.spendMicros) > 0;
}

/**
 * The table of a report: one row per bucket with activity, or, broken down, per bucket and
 * ad or campaign (bucket first, then the API's order of groups). Rows of zeros are left out;
 * the CSV export has every bucket.
 */
export function reportTableRows(report: Report): ReportTableRow[] {
  if (report.groups === undefined) {
    return report.points.filter(hasActivity).map((point) => rowOf(point.bucket, point));
  }
  const rows = report.groups.flatMap((group) =>
    group.points.filter(hasActivity).map((point) => rowOf(`${point.bucket}:${group.id}`, point, group.name)),
  );
  return rows.sort((a, b) => a.bucket.localeCompare(b.bucket));
}
