import { lazy, Suspense } from 'react';
import { formatFrequencyCap } from '../domain/frequency-cap';
import type { Advertiser, Campaign } from '../api/entities';
import { StatusBadge, formatDateTime } from '../components/data-table';
import { ProblemBanner } from '../components/problem-banner';
import { useEntity } from '../components/use-entity';
import { formatCents } from '../domain/money';
import { Link } from '../router/router';
import { AdList } from './ad-pages';
import { CampaignActions } from './campaign-pages';
import { PacingPanel } from './pacing-panel';
import { REFRESH_MS, useClock } from '../components/use-clock';

// The charts bring the charting library: loaded with the first campaign page, not at sign-in.
const ReportPanel = lazy(() => import('./report-panel'));

const weekdayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function listOrAny(values: Array<string | number>): string {
  return values.length === 0 ? 'any' : values.join(', ');
}

/** A campaign: its state with the transitions, pacing, performance charts and its ads. */
export function CampaignPage({ id }: { id: string }) {
  const loaded = useEntity<Campaign>(`/campaigns/${encodeURIComponent(id)}`);
  const advertiserId = loaded.data?.data.advertiserId;
  const advertiser = useEntity<Advertiser>(advertiserId ? `/advertisers/${encodeURIComponent(advertiserId)}` : null);
  const now = useClock(REFRESH_MS);
  if (loaded.problem && loaded.data === undefined) return <ProblemBanner problem={loaded.problem} />;
  if (loaded.data === undefined) return <p className="muted">Loading…</p>;
  const { data: campaign, etag } = loaded.data;
  const targeting = campaign.targeting;
  return (
    <section className="campaign-page">
      <header className="page-header">
        <h1 data-testid="campaign-name">{campaign.name}</h1>
        <Link to={`/reports/campaigns/${encodeURIComponent(campaign.id)}`} data-testid="campaign-report-link">
          Full report
        </Link>
        <span data-testid="campaign-status">
          <StatusBadge status={campaign.status} />
        </span>
      </header>
      <p className="muted">
        <Link to={`/advertisers/${campaign.advertiserId}`} data-testid="campaign-advertiser">
          {advertiser.data?.data?.name ?? 'Advertiser'}
        </Link>{' '}
        · created {formatDateTime(campaign.createdAt)}
      </p>
      <CampaignActions campaign={campaign} etag={etag} onDone={loaded.reload} />
      <div className="columns">
        <section className="panel" aria-labelledby="settings-heading">
          <h2 id="settings-heading">Settings</h2>
          <dl className="facts">
            <dt>Flight</dt>
            <dd>
              {formatDateTime(campaign.flightStart)} → {formatDateTime(campaign.flightEnd)}
            </dd>
            <dt>Time zone</dt>
            <dd>{campaign.timeZone}</dd>
            <dt>Budget</dt>
            <dd>
              {formatCents(campaign.totalBudget)} total,{' '}
              {campaign.dailyBudget === null ? 'no daily limit' : `${formatCents(campaign.dailyBudget)} a day`}
            </dd>
            <dt>Bid</dt>
            <dd>
              {formatCents(campaign.bidAmount)} {campaign.bidType} · {campaign.pacing} pacing · {campaign.priority}
            </dd>
            <dt>Frequency cap</dt>
            <dd>{formatFrequencyCap(campaign.frequencyCap)}</dd>
            <dt>Countries</dt>
            <dd>{listOrAny(targeting.countries)}</dd>
            <dt>Devices</dt>
            <dd>{listOrAny(targeting.devices)}</dd>
            <dt>Keywords</dt>
            <dd>{listOrAny(targeting.keywords)}</dd>
            <dt>Categories</dt>
            <dd>{listOrAny(targeting.categories)}</dd>
            <dt>Sites</dt>
            <dd>{targeting.siteIds.length === 0 ? 'any' : `${targeting.siteIds.length} site(s)`}</dd>
            <dt>Day-parting</dt>
            <dd>
              hours {listOrAny(targeting.hours)}; days {listOrAny(targeting.weekdays.map((day) => weekdayNames[day] ?? day))}
            </dd>
            <dt>Page properties</dt>
            <dd>
              {targeting.properties ? (
                <code className="property-expression" data-testid="campaign-properties">
                  {targeting.properties}
                </code>
              ) : (
                'any page'
              )}
            </dd>
            <dt>Exclusion label</dt>
            <dd>{campaign.exclusionLabel ?? 'none'}</dd>
          </dl>
        </section>
        <PacingPanel campaign={campaign} now={now} />
      </div>
      <Suspense fallback={<p className="panel report-placeholder muted">Loading charts…</p>}>
        <ReportPanel subject="campaigns" id={campaign.id} now={now} />
      </Suspense>
      <AdList campaignId={campaign.id} embedded />
    </section>
  );
}
