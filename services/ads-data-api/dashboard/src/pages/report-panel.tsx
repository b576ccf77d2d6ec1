import { useState } from 'react';
import type { Report, ReportGroupBy } from '../api/entities';
import { ApiProblem } from '../api/api-problem';
import { MetricChart } from '../components/metric-chart';
import { ProblemBanner } from '../components/problem-banner';
import { ReportFreshness } from '../components/report-freshness';
import { useLoader } from '../components/use-loader';
import { hourAligned } from '../components/use-clock';
import { formatMicros } from '../domain/money';
import { dayInputOf, reportRangeOf } from '../domain/report-range';
import { chartRows, type Granularity } from '../domain/report-series';
import { reportTableRows } from '../domain/report-table-rows';
import { useSession } from '../session/session';

/** What a report is about, as the API's paths name it. */
export type ReportSubject = 'advertisers' | 'campaigns' | 'ads' | 'sites' | 'placements';

const DAY_MS = 86_400_000;
const integer = new Intl.NumberFormat('en-US');

const breakdowns: Record<ReportSubject, ReportGroupBy[]> = {
  advertisers: ['campaign', 'ad', 'site', 'placement'],
  campaigns: ['ad', 'site', 'placement'],
  ads: ['site', 'placement'],
  sites: ['placement', 'campaign', 'ad'],
  placements: ['campaign', 'ad'],
};

const groupHeadings: Record<ReportGroupBy, string> = { ad: 'Ad', campaign: 'Campaign', placement: 'Placement', site: 'Site' };

/**
 * A report of an advertiser, campaign, ad, site or placement: a UTC date range, hour or day, a
 * breakdown by ad, campaign, site or placement, totals, one chart per metric, the rows as a table, and the API's CSV of the
 * same query. Loaded on demand (it brings the charting library), hence the default export.
 */
export default function ReportPanel({ subject, id, now }: { subject: ReportSubject; id: string; now: number }) {
  const { api } = useSession();
  const lastDay = hourAligned(now) - 1;
  const [fromDay, setFromDay] = useState(() => dayInputOf(lastDay - 6 * DAY_MS));
  const [toDay, setToDay] = useState(() => dayInputOf(lastDay));
  const [granularity, setGranularity] = useState<Granularity>('day');
  const [groupBy, setGroupBy] = useState<ReportGroupBy | ''>('');
  const [exportProblem, setExportProblem] = useState<ApiProblem | null>(null);
  const range = reportRangeOf(fromDay, toDay, granularity);
  const rangeProblem = 'problem' in range ? range.problem : null;
  const query =
    'problem' in range
      ? null
      : {
          from: new Date(range.fromMs).toISOString(),
          to: new Date(range.toMs).toISOString(),
          granularity,
          groupBy: groupBy === '' ? undefined : groupBy,
        };
  const path = `/reports/${subject}/${encodeURIComponent(id)}`;
  const report = useLoader(
    (signal) => (query === null ? Promise.resolve(undefined) : api.get<Report>(path, query, signal).then((answer) => answer.data)),
    `${path}:${JSON.stringify(query)}:${now}`,
  );
  const data = report.data;
  const rows = 'problem' in range ? [] : chartRows(data?.points ?? [], range.fromMs, range.toMs, granularity);
  const tableRows = data === undefined ? [] : reportTableRows(data);
  const totals = data?.totals;
  const impressions = Number(totals?.impressions ?? 0);
  const clicks = Number(totals?.clicks ?? 0);
  const ctr = impressions > 0 ? ((clicks / impressions) * 100).toFixed(2) : '0.00';

  async function exportCsv() {
    if (query === null) return;
    setExportProblem(null);
    try {
      const { file, fileName } = await api.download(path, { ...query, format: 'csv' });
      const link = document.createElement('a');
      link.href = URL.createObjectURL(file);
      link.download = fileName;
      link.click();
      // The browser has started the download once click() returns.
      setTimeout(() => URL.revokeObjectURL(link.href), 0);
    } catch (error) {
      setExportProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'CLIENT', (error as Error).message));
    }
  }

  return (
    <section className="panel" aria-labelledby="performance-heading" data-testid="performance">
      <header className="page-header">
        <h2 id="performance-heading">Performance</h2>
        <button type="button" onClick={() => void exportCsv()} disabled={query === null} data-testid="export-csv">
          Export CSV
        </button>
      </header>
      <div className="toolbar report-controls">
        <label className="toolbar-item">
          From
          <input type="date" value={fromDay} max={toDay} onChange={(event) => setFromDay(event.target.value)} data-testid="report-from" />
        </label>
        <label className="toolbar-item">
          To
          <input type="date" value={toDay} min={fromDay} onChange={(event) => setToDay(event.target.value)} data-testid="report-to" />
        </label>
        <span className="segmented" role="group" aria-label="granularity">
          {(['hour', 'day'] as const).map((value) => (
            <button
              key={value}
              type="button"
              aria-pressed={granularity === value}
              className={granularity === value ? 'active' : undefined}
              onClick={() => setGranularity(value)}
              data-testid={`granularity-${value}`}
            >
              by {value}
            </button>
          ))}
        </span>
        {breakdowns[subject].length > 0 && (
          <label className="toolbar-item">
            Breakdown
            <select
              value={groupBy}
              onChange={(event) => setGroupBy(event.target.value as ReportGroupBy | '')}
              data-testid="report-group-by"
            >
              <option value="">none</option>
              {breakdowns[subject].map((value) => (
                <option key={value} value={value}>
                  by {value}
                </option>
              ))}
            </select>
          </label>
        )}
        {report.loading && <span className="muted">loading…</span>}
      </div>
      {rangeProblem !== null && (
        <p className="field-error" role="alert" data-testid="report-range-problem">
          {rangeProblem}
        </p>
      )}
      <ProblemBanner problem={report.problem ?? exportProblem} />
      <dl className="totals" data-testid="report-totals">
        <div>
          <dt>Impressions</dt>
          <dd data-testid="total-impressions">{integer.format(impressions)}</dd>
        </div>
        <div>
          <dt>Viewable</dt>
          <dd data-testid="total-viewable">{integer.format(Number(totals?.viewableImpressions ?? 0))}</dd>
        </div>
        <div>
          <dt>Clicks</dt>
          <dd data-testid="total-clicks">{integer.format(clicks)}</dd>
        </div>
        <div>
          <dt>CTR</dt>
          <dd data-testid="total-ctr">{ctr}%</dd>
        </div>
        <div>
          <dt>Spend</dt>
          <dd data-testid="total-spend">{formatMicros(Number(totals?.spendMicros ?? 0))}</dd>
        </div>
      </dl>
      <ReportFreshness report={data} testId="report-as-of" />
      <div className="charts">
        <MetricChart rows={rows} metric="impressions" caption="Impressions" color="#2463eb" />
        <MetricChart rows={rows} metric="clicks" caption="Clicks" color="#d9480f" />
        <MetricChart rows={rows} metric="ctrPercent" caption="CTR" color="#2b8a3e" unit="%" />
        <MetricChart rows={rows} metric="spend" caption="Spend" color="#7048e8" kind="bar" />
      </div>
      <h3>Rows</h3>
      <div className="table-wrap">
        <table className="data-table" data-testid="report-table">
          <thead>
            <tr>
              <th scope="col">{granularity === 'hour' ? 'Hour (UTC)' : 'Day (UTC)'}</th>
              {data?.groupBy !== undefined && <th scope="col">{groupHeadings[data.groupBy]}</th>}
              {['Impressions', 'Viewable', 'Clicks', 'CTR', 'Spend'].map((heading) => (
                <th key={heading} scope="col" className="number">
                  {heading}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {tableRows.length === 0 && (
              <tr>
                <td colSpan={7} className="muted">
                  No impressions, clicks or spend in this range.
                </td>
              </tr>
            )}
            {tableRows.map((row) => (
              <tr key={row.key}>
                <td>{granularity === 'hour' ? `${row.bucket.slice(0, 10)} ${row.bucket.slice(11, 13)}h` : row.bucket.slice(0, 10)}</td>
                {row.group !== undefined && <td>{row.group}</td>}
                <td className="number">{integer.format(row.impressions)}</td>
                <td className="number">{integer.format(row.viewableImpressions)}</td>
                <td className="number">{integer.format(row.clicks)}</td>
                <td className="number">{row.ctrPercent.toFixed(2)}%</td>
                <td className="number">{row.spend.toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
