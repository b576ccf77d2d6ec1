import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ChartRow } from '../domain/report-series';

type Metric = 'impressions' | 'clicks' | 'ctrPercent' | 'spend';

/**
 * One metric over time on its own chart, with one y-axis starting at zero: metrics of
 * different sizes (thousands of impressions, a handful of clicks) never share a plot, so that
 * their lines cannot be read against the wrong scale.
 */
export function MetricChart({
  rows,
  metric,
  caption,
  color,
  kind = 'line',
  unit,
}: {
  rows: ChartRow[];
  metric: Metric;
  caption: string;
  color: string;
  kind?: 'line' | 'bar';
  unit?: string;
}) {
  const axes = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
      <XAxis dataKey="label" minTickGap={24} fontSize={12} />
      <YAxis
        domain={[0, 'auto']}
        allowDecimals={metric === 'ctrPercent' || metric === 'spend'}
        fontSize={12}
        width={48}
        {...(unit === undefined ? {} : { unit })}
      />
      <Tooltip formatter={(value) => `${String(value)}${unit ?? ''}`} />
    </>
  );
  return (
    <figure className="chart" aria-label={`${caption} over time`} data-testid={`chart-${metric}`}>
      <figcaption>{caption}</figcaption>
      <ResponsiveContainer width="100%" height={180}>
        {kind === 'bar' ? (
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
            {axes}
            <Bar dataKey={metric} name={caption} fill={color} isAnimationActive={false} />
          </BarChart>
        ) : (
          <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
            {axes}
            <Line type="linear" dataKey={metric} name={caption} stroke={color} dot={false} isAnimationActive={false} />
          </LineChart>
        )}
      </ResponsiveContainer>
    </figure>
  );
}
