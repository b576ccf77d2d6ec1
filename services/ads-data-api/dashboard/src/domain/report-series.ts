import type { ReportPoint } from '../api/entities';

/** One row of the campaign charts. */
export interface ChartRow {
  bucket: string;
  label: string;
  impressions: number;
  viewableImpressions: number;
  clicks: number;
  /** Percent, e.g. 1.25 for 1.25%. */
  ctrPercent: number;
  /** Currency units. */
  spend: number;
}

export type Granularity = 'hour' | 'day';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function bucketLabel(epochMs: number, granularity: Granularity): string {
  const iso = new Date(epochMs).toISOString();
  return granularity === 'hour' ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : iso.slice(0, 10);
}

/**
 * Chart rows for [fromMs, toMs): one per UTC hour or day, zero where the API sent no point,
 * so that quiet hours show as zero instead of a line drawn across them. CTR is recomputed
 * from the counts so that every row and the totals agree.
 */
export function chartRows(points: ReportPoint[], fromMs: number, toMs: number, granularity: Granularity): ChartRow[] {
  const step = granularity === 'hour' ? HOUR_MS : DAY_MS;
  const byBucket = new Map<number, ReportPoint>();
  for (const point of points) {
    const at = Date.parse(point.bucket);
    if (Number.isFinite(at)) byBucket.set(Math.floor(at / step) * step, point);
  }
  const rows: ChartRow[] = [];
  const first = Math.floor(fromMs / step) * step;
  // Bounded: a year of hours at most, whatever range was asked.
  for (let at = first; at < toMs && rows.length < 9000; at += step) {
    const point = byBucket.get(at);
    const impressions = Number(point?.impressions ?? 0);
    const clicks = Number(point?.clicks ?? 0);
    rows.push({
      bucket: new Date(at).toISOString(),
      label: bucketLabel(at, granularity),
      impressions,
      viewableImpressions: Number(point?.viewableImpressions ?? 0),
      clicks,
      ctrPercent: impressions > 0 ? Math.round((clicks / impressions) * 10_000) / 100 : 0,
      spend: Number(point?.spendMicros ?? 0) / 1_000_000,
    });
  }
  return rows;
}
