import type { WarmSummary } from '../app/time-series-warm';

const money = (micros: number) => (micros / 1_000_000).toFixed(2);

/** The human report of a warm: the window, the series written, the counters raised. */
export function renderWarmReport(summary: WarmSummary): string {
  const { series, reconciliation } = summary;
  const lines = [
    `warmed ${summary.window.days} days (${summary.window.from} to ${summary.window.to}) in ${summary.durationMs} ms`,
    `series: ${series.ad.hour}/${series.ad.day} ads, ${series.campaign.hour}/${series.campaign.day} campaigns, ` +
      `${series.advertiser.hour}/${series.advertiser.day} advertisers (hourly/daily), ${summary.points} buckets; ${summary.staleSeriesDeleted} stale series deleted`,
    `spend counters: ${reconciliation.campaigns} campaigns checked, ${reconciliation.raised} raised by ${money(reconciliation.raisedMicros)} in total`,
  ];
  for (const counter of reconciliation.counters.slice(0, 20)) {
    lines.push(`  ${counter.campaignId} ${counter.day}: ${money(counter.beforeMicros)} → ${money(counter.afterMicros)}`);
  }
  if (reconciliation.counters.length > 20) lines.push(`  … and ${reconciliation.counters.length - 20} more (see --json)`);
  return `${lines.join('\n')}\n`;
}
