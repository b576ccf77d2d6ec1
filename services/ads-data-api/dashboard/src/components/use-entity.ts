import type { Answer } from '../api/api-client';
import type { Advertiser, Campaign, Site } from '../api/entities';
import { useSession } from '../session/session';
import { useLoader, type Loaded } from './use-loader';

/** One entity with its ETag (for If-Match); the API path is e.g. "/campaigns/123". */
export function useEntity<T>(path: string | null): Loaded<Answer<T>> {
  const { api } = useSession();
  return useLoader<Answer<T>>(
    (signal) => (path === null ? Promise.resolve({ data: undefined as T, etag: null }) : api.get<T>(path, undefined, signal)),
    path ?? '',
  );
}

// Choosers list at most this many: enough for a person to pick from; larger sets are searched
// on the list pages.
const CHOOSER_LIMIT = 100;

export interface Choice {
  value: string;
  label: string;
}

function useChoices<T extends { id: string }>(path: string, label: (row: T) => string, query: Record<string, string> = {}): Choice[] {
  const { api } = useSession();
  const loaded = useLoader((signal) => api.list<T>(path, { limit: CHOOSER_LIMIT, ...query }, signal), `${path}${JSON.stringify(query)}`);
  return (loaded.data?.items ?? []).map((row) => ({ value: row.id, label: label(row) }));
}

export function useAdvertiserChoices(): Choice[] {
  return useChoices<Advertiser>('/advertisers', (row) => row.name);
}

export function useCampaignChoices(advertiserId?: string): Choice[] {
  return useChoices<Campaign>('/campaigns', (row) => `${row.name} (${row.status})`, advertiserId ? { advertiserId } : {});
}

export function useSiteChoices(): Choice[] {
  return useChoices<Site>('/sites', (row) => `${row.name} — ${row.domain}`);
}

/** Names by id, for tables that show an advertiser or site id. */
export function namesOf(choices: Choice[]): Map<string, string> {
  return new Map(choices.map((choice) => [choice.value, choice.label]));
}
