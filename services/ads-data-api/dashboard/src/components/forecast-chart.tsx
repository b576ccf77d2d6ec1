import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ForecastChartRow } from '../domain/forecast-summary';
import { formatCount } from '../domain/forecast-summary';

/**
 * Matching requests against expected impressions, by day, as bars on one axis (both are
 * counts). Loaded lazily with the charting library; the panel gives its text alternative.
 */
export default function ForecastChart({ rows, summaryId }: { rows: ForecastChartRow[]; summaryId: string }) {
  return (
    <figure className="chart forecast-chart" aria-describedby={summaryId} data-testid="forecast-chart">
      <figcaption>Matching requests and expected impressions by day</figcaption>
      <ResponsiveContainer width="100%" height={170}>
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 0 }} barGap={0}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
          <XAxis dataKey="label" minTickGap={16} fontSize={11} />
          <YAxis
            domain={[0, 'auto']}
            allowDecimals={false}
            fontSize={11}
            width={52}
            tickFormatter={(value: number) => formatCount(value)}
          />
          <Tooltip formatter={(value) => formatCount(Number(value))} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="opportunities" name="Matching requests" fill="#9db4d6" isAnimationActive={false} />
          <Bar dataKey="expectedImpressions" name="Expected impressions" fill="#2b6cb0" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
