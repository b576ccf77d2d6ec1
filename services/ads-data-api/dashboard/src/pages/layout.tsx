import { useEffect, useState, type ReactNode } from 'react';
import type { Advertiser } from '../api/entities';
import { useEntity } from '../components/use-entity';
import { Link, useLocation } from '../router/router';
import { useSession } from '../session/session';

interface NavItem {
  to: string;
  label: string;
  adminOnly?: boolean;
}

/** Pages in the left navigation; admin-only ones are hidden from advertiser keys. */
export const NAV_ITEMS: NavItem[] = [
  { to: '/advertisers', label: 'Advertisers' },
  { to: '/campaigns', label: 'Campaigns' },
  { to: '/ads', label: 'Ads' },
  { to: '/sites', label: 'Sites', adminOnly: true },
  { to: '/placements', label: 'Placements', adminOnly: true },
  { to: '/feature-switches', label: 'Feature switches', adminOnly: true },
  { to: '/imports', label: 'Imports', adminOnly: true },
  { to: '/api-keys', label: 'API keys', adminOnly: true },
];

export function Layout({ children }: { children: ReactNode }) {
  const { principal, isAdmin, signOut } = useSession();
  const { path } = useLocation();
  const advertiser = useEntity<Advertiser>(principal.advertiserId ? `/advertisers/${encodeURIComponent(principal.advertiserId)}` : null);
  // On a narrow screen the navigation folds behind a menu button; going to a page folds it again.
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [path]);
  return (
    <div className="shell">
      <nav className={`side-nav${menuOpen ? ' open' : ''}`} aria-label="main">
        <div className="nav-bar">
          <div className="brand">Ads dashboard</div>
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="main-nav-items"
            onClick={() => setMenuOpen((open) => !open)}
            data-testid="menu-button"
          >
            {menuOpen ? 'Close' : 'Menu'}
          </button>
        </div>
        <ul id="main-nav-items">
          {NAV_ITEMS.filter((item) => isAdmin || !item.adminOnly).map((item) => (
            <li key={item.to}>
              <Link
                to={item.to}
                aria-current={path === item.to || path.startsWith(`${item.to}/`) ? 'page' : undefined}
                data-testid={`nav-${item.to.slice(1)}`}
              >
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
        <div className="who" data-testid="who">
          <span className="badge">{principal.role}</span>
          {principal.advertiserId && (
            <span className="small" data-testid="who-advertiser">
              {advertiser.data?.data?.name ?? `advertiser ${principal.advertiserId.slice(0, 8)}…`}
            </span>
          )}
          <button type="button" className="button button-small" onClick={() => signOut()} data-testid="sign-out">
            Sign out
          </button>
        </div>
      </nav>
      <main className="content">{children}</main>
    </div>
  );
}
