import { lazy, memo, Suspense, useId, useMemo, useState } from 'react';
import type { ForecastResponse } from '@ads/ads-client/forecast';
import { forecastRequestOf } from '../domain/forecast-request';
import { forecastSummary, type ForecastSummary } from '../domain/forecast-summary';
import type { FieldSpec } from '../domain/form-values';
import { useFormValuesFeedValues, type FormValuesFeed } from './form-values-feed';
import { useForecast } from './use-forecast';

const ForecastChart = lazy(() => import('./forecast-chart'));

/**
 * The campaign form's inventory forecast: asks `POST /api/v1/forecasts` as the form changes
 * (debounced, stale requests aborted) and says what the campaign can expect. On edit,
 * `campaignId` leaves the campaign itself out of the competition.
 */
export function ForecastPanel({ fields, feed, campaignId }: { fields: FieldSpec[]; feed: FormValuesFeed; campaignId?: string }) {
  const values = useFormValuesFeedValues(feed);
  const [goalText, setGoalText] = useState('');
  const ask = useMemo(
    () =>
      values === null
        ? ({ ready: false, reason: 'Loading the form…' } as const)
        : forecastRequestOf(fields, values, { campaignId, goalText }),
    [fields, values, campaignId, goalText],
  );
  const forecast = useForecast(ask);
  const summary = useMemo(() => (forecast.answer === null ? null : forecastSummary(forecast.answer)), [forecast.answer]);
  const id = useId();
  const stale = forecast.loading || !ask.ready || forecast.answeredKey !== ask.key;
  const state = forecast.loading ? 'loading' : !ask.ready ? 'incomplete' : forecast.problem !== null ? 'error' : summary ? 'ready' : 'idle';

  return (
    <aside className="forecast-panel" aria-labelledby={`${id}-title`} data-testid="forecast-panel" data-state={state}>
      <h2 id={`${id}-title`}>Forecast</h2>
      <div className="form-row forecast-goal">
        <label htmlFor={`${id}-goal`}>Impression goal</label>
        <div className="form-control">
          <input
            id={`${id}-goal`}
            type="text"
            inputMode="numeric"
            placeholder="250,000"
            value={goalText}
            onChange={(event) => setGoalText(event.target.value)}
            aria-describedby={`${id}-goal-help`}
            data-testid="forecast-goal"
          />
          <p className="help" id={`${id}-goal-help`}>
            Optional: checks whether the campaign can reach it. Not saved with the campaign.
          </p>
        </div>
      </div>

      <p className="forecast-status muted small" role="status" aria-live="polite" data-testid="forecast-status">
        {!ask.ready ? `No forecast yet: ${ask.reason}.` : forecast.loading ? 'Updating the forecast…' : ''}
      </p>

      {forecast.problem !== null && !forecast.loading && ask.ready && (
        <div className="banner banner-error" role="alert" data-testid="forecast-problem">
          <strong>
            {forecast.problem.code === 'NETWORK'
              ? 'Could not reach the API'
              : forecast.problem.status === 0
                ? 'No forecast'
                : `No forecast (${forecast.problem.status} ${forecast.problem.code})`}
          </strong>
          <span>: {forecast.problem.detail}</span>
          {forecast.problem.fieldErrors.length > 0 && (
            <ul>
              {forecast.problem.fieldErrors.map((entry, index) => (
                <li key={index}>{entry.field === '' ? entry.message : `${entry.field}: ${entry.message}`}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      {forecast.answer !== null && summary !== null && (
        <ForecastAnswer answer={forecast.answer} summary={summary} stale={stale} loading={forecast.loading} id={id} />
      )}
    </aside>
  );
}

/**
 * One answer, shown. Memoised: typing in the form re-renders the panel on every keystroke, and
 * the chart must not be drawn again until the answer (or its dimming) changes.
 */
const ForecastAnswer = memo(function ForecastAnswer({
  answer,
  summary,
  stale,
  loading,
  id,
}: {
  answer: ForecastResponse;
  summary: ForecastSummary;
  stale: boolean;
  loading: boolean;
  id: string;
}) {
  const summaryId = `${id}-chart-summary`;
  return (
    <div className={`forecast-body${stale ? ' forecast-stale' : ''}`} aria-busy={loading} data-testid="forecast-body">
      {!summary.hasHistory ? (
        <p className="forecast-empty" data-testid="forecast-no-history">
          No recorded requests yet: forecasts start once serving has recorded traffic.
        </p>
      ) : (
        <>
          <dl className="forecast-figures">
            <div>
              <dt>Matching requests</dt>
              <dd data-testid="forecast-opportunities">{summary.opportunities}</dd>
            </div>
            <div>
              <dt>Expected impressions</dt>
              <dd data-testid="forecast-impressions">{summary.expectedImpressions}</dd>
            </div>
            <div>
              <dt>Expected spend</dt>
              <dd data-testid="forecast-spend">{summary.expectedSpend}</dd>
            </div>
            <div>
              <dt>Contested</dt>
              <dd
                data-testid="forecast-contested"
                title="Share of the matching requests expected to go to campaigns at the same or a higher priority"
              >
                {summary.contested}
              </dd>
            </div>
          </dl>
          <p className={summary.budget.reachable ? 'forecast-ok' : 'forecast-warn'} data-testid="forecast-budget">
            {summary.budget.sentence}
          </p>
          {summary.goal !== null && (
            <p className={summary.goal.reachable ? 'forecast-ok' : 'forecast-warn'} data-testid="forecast-goal-verdict">
              {summary.goal.sentence}
            </p>
          )}

          <section aria-labelledby={`${id}-competitors`} className="forecast-competitors">
            <h3 id={`${id}-competitors`}>Competing campaigns</h3>
            {summary.competitors.length === 0 ? (
              <p className="muted small">None at the same or a higher priority.</p>
            ) : (
              <ul data-testid="forecast-competitors">
                {summary.competitors.map((competitor) => (
                  <li key={competitor.key}>
                    {competitor.label} <span className="muted">({competitor.share} of these requests)</span>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <Suspense fallback={<p className="muted small">Loading the chart…</p>}>
            <ForecastChart rows={summary.rows} summaryId={summaryId} />
          </Suspense>
          <p id={summaryId} className="muted small" data-testid="forecast-chart-summary">
            {summary.chartSummary}
          </p>
          <details className="forecast-days">
            <summary>Forecast by day</summary>
            <div className="table-scroll">
              <table className="data-table" data-testid="forecast-days">
                <thead>
                  <tr>
                    <th scope="col">Day</th>
                    <th scope="col" className="number">
                      Requests
                    </th>
                    <th scope="col" className="number">
                      Contested
                    </th>
                    <th scope="col" className="number">
                      Impressions
                    </th>
                    <th scope="col" className="number">
                      Spend
                    </th>
                    <th scope="col">Limited by</th>
                  </tr>
                </thead>
                <tbody>
                  {summary.rows.map((row) => (
                    <tr key={row.date}>
                      <th scope="row">
                        <time dateTime={row.date}>{row.label}</time>
                      </th>
                      <td className="number">{row.opportunities.toLocaleString('en-US')}</td>
                      <td className="number">{row.contested}</td>
                      <td className="number">{row.expectedImpressions.toLocaleString('en-US')}</td>
                      <td className="number">{row.spend}</td>
                      <td>{row.limitedBy}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
      {summary.hasHistory && (
        <p className="muted small" data-testid="forecast-history">
          {summary.history} Sampling error of the requests: {summary.samplingError}.
        </p>
      )}
      <details className="forecast-assumptions">
        <summary>Assumptions ({answer.assumptions.length ?? 0})</summary>
        <p className="muted small">{answer.history.model}</p>
        <ul data-testid="forecast-assumptions">
          {answer.assumptions.map((assumption, index) => (
            <li key={index}>{assumption}</li>
          ))}
        </ul>
      </details>
    </div>
  );
});
