import { lazy, Suspense } from 'react';
import { ProblemBanner } from '../components/problem-banner';
import { REFRESH_MS, useClock } from '../components/use-clock';
import { useEntity } from '../components/use-entity';
import { Link } from '../router/router';
import type { ReportSubject } from './report-panel';

// The charts bring the charting library: loaded with the first report, not at sign-in.
const ReportPanel = lazy(() => import('./report-panel'));

const subjects: Record<string, { noun: string; subject: ReportSubject | null }> = {
  advertisers: { noun: 'Advertiser', subject: 'advertisers' },
  campaigns: { noun: 'Campaign', subject: 'campaigns' },
  ads: { noun: 'Ad', subject: 'ads' },
  sites: { noun: 'Site', subject: null },
  placements: { noun: 'Placement', subject: null },
};

/**
 * `/reports/:kind/:id`: the full report of an advertiser, campaign or ad. Sites and
 * placements have none: stats are counted per ad and hour, without where the ad was served.
 */
export function ReportPage({ kind, id }: { kind: string; id: string }) {
  const known = subjects[kind];
  const entity = useEntity<{ name?: string; title?: string }>(known === undefined ? null : `/${kind}/${encodeURIComponent(id)}`);
  const now = useClock(REFRESH_MS);
  if (known === undefined) return <p>There are reports of advertisers, campaigns and ads only.</p>;
  const name = entity.data?.data?.name ?? entity.data?.data?.title ?? id;
  return (
    <section className="report-page">
      <header className="page-header">
        <h1 data-testid="report-title">
          Report: {known.noun.toLowerCase()} {name}
        </h1>
        <Link to={`/${kind}/${encodeURIComponent(id)}`}>{known.noun} page</Link>
      </header>
      <ProblemBanner problem={entity.problem} />
      {known.subject === null ? (
        <p data-testid="report-unavailable">
          There is no {known.noun.toLowerCase()} report: stats are counted per ad and hour, without the site or placement that served the
          ad, so figures per {known.noun.toLowerCase()} cannot be derived from them.
        </p>
      ) : (
        <Suspense fallback={<p className="panel report-placeholder muted">Loading charts…</p>}>
          <ReportPanel subject={known.subject} id={id} now={now} />
        </Suspense>
      )}
    </section>
  );
}
