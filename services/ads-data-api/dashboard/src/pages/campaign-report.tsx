import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Campaign, Report } from '../api/entities';
import { ProblemBanner } from '../components/problem-banner';
import { ReportFreshness } from '../components/report-freshness';
import { useLoader } from '../components/use-loader';
import { formatMicros } from '../domain/money';
import { chartRows, type Granularity } from '../domain/report-series';
import { hourAligned } from '../components/use-clock';
import { useSession } from '../session/session';

const HOUR_MS = 3_600_000;
const RANGES = [
  { value: '24h', label: 'Last 24 hours', ms: 24 * HOUR_MS },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * HOUR_MS },
  { value: '30d', label: 'Last 30 days', ms: 30 * 24 * HOUR_MS },
] as const;
type RangeValue = (typeof RANGES)[number]['value'];


const integer = new Intl.NumberFormat('en-US');

/**
 * Charts of impressions, clicks, CTR and spend over time from the report endpoint. Loaded on
 * demand (it brings the charting library), hence the default export.
 */
export default function CampaignReport({ campaign, now }: { campaign: Campaign; now: number }) {
  const { api } = useSession();
  const [range, setRange] = useState<RangeValue>('7d');
  const [granularity, setGranularity] = useState<Granularity>('day');
  const rangeMs = RANGES.find((entry) => entry.value === range)!.ms;
  const to = hourAligned(now);
  const from = granularity === 'day' ? Math.floor((to - rangeMs) / (24 * HOUR_MS)) * 24 * HOUR_MS : to - rangeMs;
  const report = useLoader(
    (signal) =>
      api.get<Report>(
        `/reports/campaigns/${encodeURIComponent(campaign.id)}`,
        { from: new Date(from).toISOString(), to: new Date(to).toISOString(), granularity },
        signal,
      ),
    `${campaign.id}:${from}:${to}:${granularity}:${now}`,
  );
  const points = report.data?.data.points ?? [];
  const rows = chartRows(points, from, to, granularity);
  const totals = rows.reduce(
    (sum, row) => ({
      impressions: sum.impressions + row.impressions,
      viewable: sum.viewable + row.viewableImpressions,
      clicks: sum.clicks + row.clicks,
      spend: sum.spend + row.spend,
    }),
    { impressions: 0, viewable: 0, clicks: 0, spend: 0 },
  );
  const ctr = totals.impressions > 0 ? ((totals.clicks / totals.impressions) * 100).toFixed(2) : '0.00';

  return (
    <section className="panel" aria-labelledby="performance-heading" data-testid="performance">
      <header className="page-header">
        <h2 id="performance-heading">Performance</h2>
        <div className="toolbar">
          <label htmlFor="report-range">Range</label>
          <select id="report-range" value={range} onChange={(event) => setRange(event.target.value as RangeValue)} data-testid="report-range">
            {RANGES.map((entry) => (
              <option key={entry.value} value={entry.value}>
                {entry.label}
              </option>
            ))}
          </select>
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
          {report.loading && <span className="muted">loading…</span>}
        </div>
      </header>
      <ProblemBanner problem={report.problem} />
      <dl className="totals" data-testid="report-totals">
        <div>
          <dt>Impressions</dt>
          <dd data-testid="total-impressions">{integer.format(totals.impressions)}</dd>
        </div>
        <div>
          <dt>Viewable</dt>
          <dd data-testid="total-viewable">{integer.format(totals.viewable)}</dd>
        </div>
        <div>
          <dt>Clicks</dt>
          <dd data-testid="total-clicks">{integer.format(totals.clicks)}</dd>
        </div>
        <div>
          <dt>CTR</dt>
          <dd data-testid="total-ctr">{ctr}%</dd>
        </div>
        <div>
          <dt>Spend</dt>
          <dd data-testid="total-spend">{formatMicros(Math.round(totals.spend * 1_000_000))}</dd>
        </div>
      </dl>
      <ReportFreshness report={report.data?.data} testId="report-as-of" />
      <div className="charts">
        <figure className="chart" aria-label="impressions and clicks over time">
          <figcaption>Impressions and clicks</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
              <XAxis dataKey="label" minTickGap={24} fontSize={12} />
              <YAxis yAxisId="impressions" allowDecimals={false} fontSize={12} />
              <YAxis yAxisId="clicks" orientation="right" allowDecimals={false} fontSize={12} />
              <Tooltip />
              <Legend />
              <Line yAxisId="impressions" type="linear" dataKey="impressions" name="Impressions" stroke="#2463eb" dot={false} isAnimationActive={false} />
              <Line yAxisId="clicks" type="linear" dataKey="clicks" name="Clicks" stroke="#d9480f" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <figure className="chart" aria-label="click-through rate over time">
          <figcaption>CTR (%)</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
              <XAxis dataKey="label" minTickGap={24} fontSize={12} />
              <YAxis fontSize={12} unit="%" />
              <Tooltip formatter={(value) => `${String(value)}%`} />
              <Line type="linear" dataKey="ctrPercent" name="CTR" stroke="#2b8a3e" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <figure className="chart" aria-label="spend over time">
          <figcaption>Spend</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
              <XAxis dataKey="label" minTickGap={24} fontSize={12} />
              <YAxis fontSize={12} />
              <Tooltip formatter={(value) => Number(value).toFixed(2)} />
              <Bar dataKey="spend" name="Spend" fill="#7048e8" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      </div>
      <details>
        <summary>Data as a table</summary>
        <div className="table-wrap">
          <table className="data-table" data-testid="report-table">
            <thead>
              <tr>
                <th scope="col">{granularity === 'hour' ? 'Hour (UTC)' : 'Day (UTC)'}</th>
                <th scope="col" className="number">Impressions</th>
                <th scope="col" className="number">Viewable</th>
                <th scope="col" className="number">Clicks</th>
                <th scope="col" className="number">CTR</th>
                <th scope="col" className="number">Spend</th>
              </tr>
            </thead>
            <tbody>
              {rows
                .filter((row) => row.impressions > 0 || row.clicks > 0 || row.spend > 0)
                .map((row) => (
                  <tr key={row.bucket}>
                    <td>{row.label}</td>
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
      </details>
    </section>
  );
}
