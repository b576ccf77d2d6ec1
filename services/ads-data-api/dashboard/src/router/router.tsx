// A small client-side router: the dashboard has a dozen pages and needs no more than
// history.pushState, a path matcher and links that do not reload the page.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

/** The mount point of the dashboard, as Vite's `base` (without the trailing slash). */
export const BASE_PATH = import.meta.env.BASE_URL.replace(/\/$/, '');

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

function currentLocation(): string {
  return window.location.pathname + window.location.search;
}

/** The app path (without the base) and the query of the current location. */
export function useLocation(): { path: string; query: URLSearchParams } {
  const location = useSyncExternalStore(subscribe, currentLocation);
  const [pathname, search = ''] = location.split('?');
  const path = pathname!.startsWith(BASE_PATH) ? pathname!.slice(BASE_PATH.length) || '/' : pathname!;
  return { path, query: new URLSearchParams(search) };
}

export function hrefOf(appPath: string): string {
  return `${BASE_PATH}${appPath.startsWith('/') ? appPath : `/${appPath}`}`;
}

/** Goes to an app path ("/campaigns/123") without reloading. */
export function navigate(appPath: string, options: { replace?: boolean } = {}): void {
  const href = hrefOf(appPath);
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

/** Matches "/campaigns/:id" against a path; the named segments, or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const patternSegments = pattern.split('/').filter(Boolean);
  const pathSegments = path.split('/').filter(Boolean);
  if (patternSegments.length !== pathSegments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, segment] of patternSegments.entries()) {
    const actual = pathSegments[index]!;
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(actual);
    else if (segment !== actual) return null;
  }
  return params;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; children: ReactNode };

/** An <a> to an app path that navigates in place (and still opens in a new tab with a modifier). */
export function Link({ to, children, onClick, ...rest }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  return (
    <a href={hrefOf(to)} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}
