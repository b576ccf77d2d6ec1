import type { Campaign, Report } from '../api/entities';
import { ProblemBanner } from '../components/problem-banner';
import { ReportFreshness } from '../components/report-freshness';
import { hourAligned } from '../components/use-clock';
import { useLoader } from '../components/use-loader';
import { campaignDay } from '../domain/campaign-day';
import { formatMicros } from '../domain/money';
import { pacingStatus } from '../domain/pacing-status';
import { useSession } from '../session/session';

/** Today's spend against the daily budget, read in the campaign's time zone. */
export function PacingPanel({ campaign, now }: { campaign: Campaign; now: number }) {
  const { api } = useSession();
  const day = campaignDay(now, campaign.timeZone);
  const today = useLoader(
    (signal) =>
      api.get<Report>(
        `/reports/campaigns/${encodeURIComponent(campaign.id)}`,
        { from: new Date(day.startMs).toISOString(), to: new Date(hourAligned(now)).toISOString(), granularity: 'hour' },
        signal,
      ),
    `${campaign.id}:${day.startMs}:${hourAligned(now)}:${now}`,
  );
  const spentMicros = Number(today.data?.data.totals?.spendMicros ?? 0);
  const status = pacingStatus({
    status: campaign.status,
    pacing: campaign.pacing,
    dailyBudget: campaign.dailyBudget,
    todaySpentMicros: spentMicros,
    day,
    nowMs: now,
  });
  const percent = status.spentShare === null ? null : Math.min(100, Math.round(status.spentShare * 100));
  return (
    <section className="panel" aria-labelledby="pacing-heading" data-testid="pacing">
      <h2 id="pacing-heading">Pacing today ({campaign.timeZone})</h2>
      <ProblemBanner problem={today.problem} />
      <p className={`pacing-state pacing-${status.state}`} data-testid="pacing-state" data-state={status.state}>
        {status.summary}
      </p>
      <dl className="facts">
        <dt>Spent today</dt>
        <dd data-testid="pacing-spent">{formatMicros(spentMicros)}</dd>
        <dt>Daily budget</dt>
        <dd>{status.dailyTargetMicros === null ? 'none' : formatMicros(status.dailyTargetMicros)}</dd>
        {campaign.pacing === 'even' && status.expectedByNowMicros !== null && (
          <>
            <dt>Even pace by now</dt>
            <dd>{formatMicros(status.expectedByNowMicros)}</dd>
          </>
        )}
      </dl>
      {percent !== null && (
        <div
          className="meter"
          role="meter"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-label="share of the daily budget spent"
        >
          <div className="meter-fill" style={{ width: `${percent}%` }} />
          {campaign.pacing === 'even' && (
            <div className="meter-mark" style={{ left: `${Math.round(status.dayElapsedShare * 100)}%` }} title="even pace now" />
          )}
        </div>
      )}
      <ReportFreshness report={today.data?.data} testId="pacing-as-of" />
    </section>
  );
}
