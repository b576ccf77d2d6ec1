import { lazy, Suspense } from 'react';
import { ProblemBanner } from '../components/problem-banner';
import { REFRESH_MS, useClock } from '../components/use-clock';
import { useEntity } from '../components/use-entity';
import { Link } from '../router/router';
import type { ReportSubject } from './report-panel';

// The charts bring the charting library: loaded with the first report, not at sign-in.
const ReportPanel = lazy(() => import('./report-panel'));

const subjects: Record<string, { noun: string; subject: ReportSubject }> = {
  advertisers: { noun: 'Advertiser', subject: 'advertisers' },
  campaigns: { noun: 'Campaign', subject: 'campaigns' },
  ads: { noun: 'Ad', subject: 'ads' },
  sites: { noun: 'Site', subject: 'sites' },
  placements: { noun: 'Placement', subject: 'placements' },
};

/** `/reports/:kind/:id`: the full report of an advertiser, campaign, ad, site or placement. */
export function ReportPage({ kind, id }: { kind: string; id: string }) {
  const known = subjects[kind];
  const entity = useEntity<{ name?: string; title?: string }>(known === undefined ? null : `/${kind}/${encodeURIComponent(id)}`);
  const now = useClock(REFRESH_MS);
  if (known === undefined) return <p>There are reports of advertisers, campaigns, ads, sites and placements only.</p>;
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
      <Suspense fallback={<p className="panel report-placeholder muted">Loading charts…</p>}>
        <ReportPanel subject={known.subject} id={id} now={now} />
      </Suspense>
    </section>
  );
}
