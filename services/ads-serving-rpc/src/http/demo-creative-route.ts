import { readdirSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { ServingError } from '../errors';
import { sendError } from './beacon-route';

/** The path under which the demo creatives are served; the seed's DEMO_CREATIVES_BASE_URL points here. */
export const DEMO_CREATIVES_PATH = '/demo/creatives/';

// SVG shown by an <img> runs no script, but one opened on its own would run it on serving's
// origin: the files hold none, and this policy would stop one that did.
const CREATIVE_HEADERS = {
  'content-type': 'image/svg+xml',
  'cache-control': 'public, max-age=3600',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
  // The demo page of another origin (a publisher's) shows them too.
  'cross-origin-resource-policy': 'cross-origin',
} as const;

/**
 * The creative images of the demo seed, shipped in `assets/demo-creatives` (next to this module
 * in src/, beside the bundle in dist/): file name to content, read once, so that only these
 * names are ever served.
 */
export function loadDemoCreatives(directory = new URL('./assets/demo-creatives/', import.meta.url)): ReadonlyMap<string, Buffer> {
  return new Map(
    readdirSync(directory)
      .filter((name) => name.endsWith('.svg'))
      .map((name) => [name, readFileSync(new URL(name, directory))]),
  );
}

/** GET /demo/creatives/<file>: one of the shipped demo creatives, or 404. */
export function handleDemoCreative(creatives: ReadonlyMap<string, Buffer>, path: string, response: ServerResponse): void {
  const name = path.slice(DEMO_CREATIVES_PATH.length);
  const creative = creatives.get(name);
  if (creative === undefined) return sendError(response, new ServingError('ROUTE_NOT_FOUND', `no demo creative ${name.slice(0, 200)}`));
  response.writeHead(200, { ...CREATIVE_HEADERS, 'content-length': creative.length });
  response.end(creative);
}
