// A report as CSV: one row per bucket (per group when broken down), every bucket included, so
// that summing a column gives the report's totals.

/** The counters of one bucket as the CSV shows them. */
interface CsvPoint {
  bucket: string;
  impressions: number;
  viewableImpressions: number;
  clicks: number;
  spendMicros: number;
  ctr: number;
}

/** What `reportCsvOf` needs of a report. */
export interface CsvReport {
  level: string;
  id: string;
  granularity: string;
  from: string;
  to: string;
  points: readonly CsvPoint[];
  groupBy?: 'ad' | 'campaign' | 'placement' | 'site' | undefined;
  groups?: ReadonlyArray<{ id: string; name: string; points: readonly CsvPoint[] }> | undefined;
}

const counterColumns = ['impressions', 'viewable_impressions', 'clicks', 'spend_micros', 'ctr'];

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a text that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) is prefixed with `'`.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function counterFields(point: CsvPoint): string[] {
  return [point.impressions, point.viewableImpressions, point.clicks, point.spendMicros, point.ctr].map(String);
}

/** The report as CSV text with a header row and CRLF line ends. */
export function reportCsvOf(report: CsvReport): string {
  const lines: string[][] = [];
  if (report.groupBy === undefined || report.groups === undefined) {
    lines.push(['bucket', ...counterColumns]);
    for (const point of report.points) lines.push([point.bucket, ...counterFields(point)]);
  } else {
    lines.push(['bucket', `${report.groupBy}_id`, `${report.groupBy}_name`, ...counterColumns]);
    for (const group of report.groups) {
      for (const point of group.points) lines.push([point.bucket, group.id, csvField(group.name), ...counterFields(point)]);
    }
  }
  return lines.map((fields) => `${fields.join(',')}\r\n`).join('');
}

/** A file name saying what the report holds, e.g. `campaign-<id>-2026-03-10-2026-03-12-day-by-ad.csv`. */
export function reportFileNameOf(report: CsvReport): string {
  const day = (iso: string) => iso.slice(0, report.granularity === 'hour' ? 13 : 10);
  const by = report.groupBy === undefined ? '' : `-by-${report.groupBy}`;
  return `${report.level}-${report.id}-${day(report.from)}-${day(report.to)}-${report.granularity}${by}.csv`;
}
