import { useEffect, type ReactNode } from 'react';
import { matchPath, navigate, useLocation, Link } from './router/router';
import { SessionProvider, useSessionState } from './session/session';
import { Layout } from './pages/layout';
import { SignInPage } from './pages/sign-in-page';
import { AdvertiserCreatePage, AdvertiserListPage, AdvertiserPage } from './pages/advertiser-pages';
import { CampaignCreatePage, CampaignEditPage, CampaignListPage } from './pages/campaign-pages';
import { CampaignPage } from './pages/campaign-page';
import { AdCreatePage, AdListPage, AdPage } from './pages/ad-pages';
import { PlacementCreatePage, PlacementListPage, PlacementPage, SiteCreatePage, SiteListPage, SitePage } from './pages/inventory-pages';
import { FeatureSwitchCreatePage, FeatureSwitchListPage, FeatureSwitchPage } from './pages/feature-switch-pages';
import { ApiKeyCreatePage, ApiKeyListPage } from './pages/api-key-pages';
import { ImportListPage, ImportPage } from './pages/import-pages';
import { ReportPage } from './pages/report-page';

interface Route {
  pattern: string;
  adminOnly?: boolean;
  render(params: Record<string, string>): ReactNode;
}

// Literal paths ("/campaigns/new") come before patterns that would also match them.
const routes: Route[] = [
  { pattern: '/advertisers', render: () => <AdvertiserListPage /> },
  { pattern: '/advertisers/new', adminOnly: true, render: () => <AdvertiserCreatePage /> },
  { pattern: '/advertisers/:id', render: ({ id }) => <AdvertiserPage key={id} id={id!} /> },
  { pattern: '/campaigns', render: () => <CampaignListPage /> },
  { pattern: '/campaigns/new', render: () => <CampaignCreatePage /> },
  { pattern: '/campaigns/:id', render: ({ id }) => <CampaignPage key={id} id={id!} /> },
  { pattern: '/campaigns/:id/edit', render: ({ id }) => <CampaignEditPage key={id} id={id!} /> },
  { pattern: '/ads', render: () => <AdListPage /> },
  { pattern: '/ads/new', render: () => <AdCreatePage /> },
  { pattern: '/ads/:id', render: ({ id }) => <AdPage key={id} id={id!} /> },
  { pattern: '/sites', adminOnly: true, render: () => <SiteListPage /> },
  { pattern: '/sites/new', adminOnly: true, render: () => <SiteCreatePage /> },
  { pattern: '/sites/:id', adminOnly: true, render: ({ id }) => <SitePage key={id} id={id!} /> },
  { pattern: '/placements', adminOnly: true, render: () => <PlacementListPage /> },
  { pattern: '/placements/new', adminOnly: true, render: () => <PlacementCreatePage /> },
  { pattern: '/placements/:id', adminOnly: true, render: ({ id }) => <PlacementPage key={id} id={id!} /> },
  { pattern: '/feature-switches', adminOnly: true, render: () => <FeatureSwitchListPage /> },
  { pattern: '/feature-switches/new', adminOnly: true, render: () => <FeatureSwitchCreatePage /> },
  { pattern: '/feature-switches/:id', adminOnly: true, render: ({ id }) => <FeatureSwitchPage key={id} id={id!} /> },
  { pattern: '/imports', adminOnly: true, render: () => <ImportListPage /> },
  { pattern: '/imports/:id', adminOnly: true, render: ({ id }) => <ImportPage key={id} id={id!} /> },
  { pattern: '/api-keys', adminOnly: true, render: () => <ApiKeyListPage /> },
  { pattern: '/api-keys/new', adminOnly: true, render: () => <ApiKeyCreatePage /> },
  { pattern: '/reports/:kind/:id', render: ({ kind, id }) => <ReportPage key={`${kind}/${id}`} kind={kind!} id={id!} /> },
];

function NotFound({ path }: { path: string }) {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <Link to="/campaigns">Go to campaigns</Link>.
      </p>
    </section>
  );
}

function Pages() {
  const { session } = useSessionState();
  const { path } = useLocation();

  useEffect(() => {
    if (session !== null && (path === '/' || path === '')) {
      navigate(session.principal.role === 'advertiser' ? '/campaigns' : '/advertisers', { replace: true });
    }
  }, [session, path]);

  if (session === null) return <SignInPage />;
  for (const route of routes) {
    const params = matchPath(route.pattern, path);
    if (params === null) continue;
    if (route.adminOnly && !session.isAdmin) {
      return (
        <Layout>
          <section>
            <h1>Not available</h1>
            <p>This page is for admin keys only.</p>
          </section>
        </Layout>
      );
    }
    return <Layout>{route.render(params)}</Layout>;
  }
  return <Layout>{path === '/' ? null : <NotFound path={path} />}</Layout>;
}

export function App() {
  return (
    <SessionProvider>
      <Pages />
    </SessionProvider>
  );
}
