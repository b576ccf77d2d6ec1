// The markup a publisher pastes for one placement: embed.js from the serving API (it calls
// decide at its own origin) and a slot naming the placement key, as the serving README says.

/** Where the local stack serves embed.js: the dashboard's host, the serving API's port. */
export const DEFAULT_SERVING_PORT = 4100;

/** A placement's embed snippet; the key is escaped for an HTML attribute. */
export function embedSnippet(servingOrigin: string, placementKey: string): string {
  const origin = servingOrigin.trim().replace(/\/+$/, '');
  const key = placementKey.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<script async src="${origin}/embed.js"></script>\n<div data-ads-placement="${key}"></div>`;
}
