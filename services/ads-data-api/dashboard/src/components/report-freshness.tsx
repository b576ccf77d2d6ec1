import type { Report } from '../api/entities';
import { formatDateTime } from './data-table';

/**
 * How fresh a report's figures are: `asOf` is when the newest roll-up they include was applied
 * (events reach the database a minute or two after they happen). Shown next to every report.
 */
export function ReportFreshness({ report, testId }: { report: Report | undefined; testId: string }) {
  if (report === undefined || report.asOf === undefined) return null;
  return (
    <p className="muted small" data-testid={testId} title={report.source === undefined ? undefined : `read from: ${report.source}`}>
      {report.asOf === null
        ? 'No events rolled up in this range yet.'
        : `Figures as of ${formatDateTime(report.asOf)} (the latest roll-up they include).`}
    </p>
  );
}
