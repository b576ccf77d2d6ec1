import type { z } from 'zod';
import type { Ad, Campaign } from '../contracts/inventory.js';
import type * as inventoryContracts from '../contracts/inventory.js';
import type * as rest from '../contracts/rest.js';
import type { ForecastRequest, ForecastResponse } from '../contracts/forecast.js';
import type {
  AdvertiserResource,
  ApiKey,
  ApiKeyCreated,
  AuditLogEntry,
  FeatureSwitchResource,
  ImportRunResource,
  Page,
  PlacementResource,
  Report,
  SiteResource,
} from '../contracts/rest.js';
import { DataApiProblemError, problemErrorOf } from './data-api-problem-error.js';

/** A row with the ETag the API sent (`W/"<version>"`); pass `etag` as `ifMatch` to change the row. */
export interface Tagged<T> {
  data: T;
  etag: string;
}

/** Options of a POST that creates or changes: the same key on a retry gets the first answer. */
export interface PostOptions {
  idempotencyKey?: string;
}

/** Options of a guarded write: the ETag read before, or `*` to overwrite whatever is current. */
export interface IfMatchOptions extends PostOptions {
  ifMatch: string;
}

/** A list query: every parameter optional (the API applies its defaults). */
export type ListQuery<Schema extends z.ZodType> = Partial<z.output<Schema>>;
type ReportQuery = Omit<ListQuery<typeof rest.reportQuery>, 'format'>;

export interface DataApiRestClientOptions {
  /** Where the data API listens, e.g. `http://127.0.0.1:4000` (the client adds `/api/v1`). */
  baseUrl: string;
  apiKey: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

/** Reads, creates, changes and removes one kind of row. */
export interface ResourceClient<Item, Create, Update, Query> {
  list(query?: Query): Promise<Page<Item>>;
  /** Every row matching the query, following the cursor page after page. */
  listAll(query?: Query): AsyncGenerator<Item, void, undefined>;
  get(id: string): Promise<Tagged<Item>>;
  create(body: Create, options?: PostOptions): Promise<Tagged<Item>>;
  update(id: string, patch: Update, options: IfMatchOptions): Promise<Tagged<Item>>;
  delete(id: string, options?: { ifMatch?: string }): Promise<void>;
}

type In<Schema extends z.ZodType> = z.input<Schema>;

/** The typed client of the ads-data-api REST API (`/api/v1`). */
export interface DataApiRestClient {
  me(): Promise<z.infer<typeof rest.principal>>;
  advertisers: ResourceClient<
    AdvertiserResource,
    In<typeof inventoryContracts.advertiserCreate>,
    In<typeof inventoryContracts.advertiserUpdate>,
    ListQuery<typeof rest.advertiserListQuery>
  > & { archive(id: string, options: IfMatchOptions): Promise<Tagged<AdvertiserResource>> };
  campaigns: ResourceClient<
    Campaign,
    In<typeof inventoryContracts.campaignCreate>,
    In<typeof inventoryContracts.campaignUpdate>,
    ListQuery<typeof rest.campaignListQuery>
  > & {
    activate(id: string, options: IfMatchOptions): Promise<Tagged<Campaign>>;
    pause(id: string, options: IfMatchOptions): Promise<Tagged<Campaign>>;
    resume(id: string, options: IfMatchOptions): Promise<Tagged<Campaign>>;
    archive(id: string, options: IfMatchOptions): Promise<Tagged<Campaign>>;
  };
  ads: ResourceClient<
    Ad,
    In<typeof inventoryContracts.adCreate>,
    In<typeof inventoryContracts.adUpdate>,
    ListQuery<typeof rest.adListQuery>
  > & {
    archive(id: string, options: IfMatchOptions): Promise<Tagged<Ad>>;
  };
  sites: ResourceClient<
    SiteResource,
    In<typeof inventoryContracts.siteCreate>,
    In<typeof inventoryContracts.siteUpdate>,
    ListQuery<typeof rest.siteListQuery>
  > & { archive(id: string, options: IfMatchOptions): Promise<Tagged<SiteResource>> };
  placements: ResourceClient<
    PlacementResource,
    In<typeof inventoryContracts.placementCreate>,
    In<typeof inventoryContracts.placementUpdate>,
    ListQuery<typeof rest.placementListQuery>
  > & { archive(id: string, options: IfMatchOptions): Promise<Tagged<PlacementResource>> };
  featureSwitches: ResourceClient<
    FeatureSwitchResource,
    In<typeof inventoryContracts.featureSwitchCreate>,
    In<typeof inventoryContracts.featureSwitchUpdate>,
    ListQuery<typeof rest.featureSwitchListQuery>
  >;
  apiKeys: {
    list(query?: ListQuery<typeof rest.apiKeyListQuery>): Promise<Page<ApiKey>>;
    get(id: string): Promise<ApiKey>;
    /** The answer holds the secret: it is shown this once. */
    create(body: In<typeof rest.apiKeyCreate>, options?: PostOptions): Promise<ApiKeyCreated>;
    revoke(id: string): Promise<ApiKey>;
  };
  auditLog: { list(query?: ListQuery<typeof rest.auditLogListQuery>): Promise<Page<AuditLogEntry>> };
  importRuns: {
    list(query?: ListQuery<typeof rest.importRunListQuery>): Promise<Page<ImportRunResource>>;
    get(id: string): Promise<ImportRunResource>;
  };
  /** JSON reports (`format=csv` is for downloads: fetch the URL directly). */
  reports: {
    advertiser(id: string, query?: ReportQuery): Promise<Report>;
    campaign(id: string, query?: ReportQuery): Promise<Report>;
    ad(id: string, query?: ReportQuery): Promise<Report>;
    site(id: string, query?: ReportQuery): Promise<Report>;
    placement(id: string, query?: ReportQuery): Promise<Report>;
  };
  /** `POST /forecasts`: a proposed campaign's expected opportunities, impressions and spend by day (nothing is written). */
  forecasts: { run(body: ForecastRequest): Promise<ForecastResponse> };
  /** The OpenAPI 3.1 document of the API. */
  openApi(): Promise<Record<string, unknown>>;
}

interface RequestOptions {
  query?: Record<string, unknown> | undefined;
  body?: unknown;
  ifMatch?: string | undefined;
  idempotencyKey?: string | undefined;
  authenticated?: boolean;
}

function queryValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return value instanceof Date ? value.toISOString() : JSON.stringify(value);
}

function queryString(query: Record<string, unknown> | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    // Query parameters are scalars (the list queries' schemas); Dates go as ISO instants.
    params.set(name, queryValue(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

async function bodyOf(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Creates the typed REST client of ads-data-api. Every refusal is raised as a
 * {@link DataApiProblemError} carrying the status, the stable code and the bad fields.
 */
export function createDataApiRestClient(options: DataApiRestClientOptions): DataApiRestClient {
  const root = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const fetchImpl = options.fetch ?? fetch;

  async function call(method: string, path: string, request: RequestOptions = {}): Promise<{ body: unknown; etag: string | null }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.authenticated !== false) headers.authorization = `Bearer ${options.apiKey}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch;
    if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
    let response: Response;
    try {
      response = await fetchImpl(`${root}${path}${queryString(request.query)}`, {
        method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new DataApiProblemError(
        0,
        timedOut ? 'TIMEOUT' : 'UNAVAILABLE',
        timedOut ? `no answer from ${root} within ${timeoutMs} ms` : `cannot reach ${root}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const body = await bodyOf(response);
    if (!response.ok) throw problemErrorOf(response.status, response.statusText, body);
    return { body, etag: response.headers.get('etag') };
  }

  async function tagged<T>(method: string, path: string, request: RequestOptions = {}): Promise<Tagged<T>> {
    const { body, etag } = await call(method, path, request);
    // Versioned rows always carry an ETag; an empty one (never `*`) makes a guarded write fail
    // safe with 428 instead of overwriting.
    return { data: body as T, etag: etag ?? '' };
  }

  async function plain<T>(method: string, path: string, request: RequestOptions = {}): Promise<T> {
    return (await call(method, path, request)).body as T;
  }

  function resource<Item, Create, Update, Query extends object>(path: string): ResourceClient<Item, Create, Update, Query> {
    const list = (query?: Query) => plain<Page<Item>>('GET', path, { query: query as Record<string, unknown> | undefined });
    return {
      list,
      async *listAll(query?: Query) {
        let cursor: string | undefined;
        do {
          const page = await list({ ...query, cursor } as Query);
          yield* page.items;
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
      },
      get: (id) => tagged<Item>('GET', `${path}/${encodeURIComponent(id)}`),
      create: (body, post = {}) => tagged<Item>('POST', path, { body, idempotencyKey: post.idempotencyKey }),
      update: (id, patch, guard) => tagged<Item>('PATCH', `${path}/${encodeURIComponent(id)}`, { body: patch, ifMatch: guard.ifMatch }),
      delete: async (id, guard = {}) => {
        await call('DELETE', `${path}/${encodeURIComponent(id)}`, { ifMatch: guard.ifMatch });
      },
    };
  }

  function transition<Item>(path: string, verb: string) {
    return (id: string, guard: IfMatchOptions) =>
      tagged<Item>('POST', `${path}/${encodeURIComponent(id)}/${verb}`, { ifMatch: guard.ifMatch, idempotencyKey: guard.idempotencyKey });
  }

  return {
    me: () => plain('GET', '/me'),
    advertisers: { ...resource('/advertisers'), archive: transition<AdvertiserResource>('/advertisers', 'archive') },
    campaigns: {
      ...resource('/campaigns'),
      activate: transition<Campaign>('/campaigns', 'activate'),
      pause: transition<Campaign>('/campaigns', 'pause'),
      resume: transition<Campaign>('/campaigns', 'resume'),
      archive: transition<Campaign>('/campaigns', 'archive'),
    },
    ads: { ...resource('/ads'), archive: transition<Ad>('/ads', 'archive') },
    sites: { ...resource('/sites'), archive: transition<SiteResource>('/sites', 'archive') },
    placements: { ...resource('/placements'), archive: transition<PlacementResource>('/placements', 'archive') },
    featureSwitches: resource('/feature-switches'),
    apiKeys: {
      list: (query) => plain('GET', '/api-keys', { query }),
      get: (id) => plain('GET', `/api-keys/${encodeURIComponent(id)}`),
      create: (body, post = {}) => plain('POST', '/api-keys', { body, idempotencyKey: post.idempotencyKey }),
      revoke: (id) => plain('POST', `/api-keys/${encodeURIComponent(id)}/revoke`),
    },
    auditLog: { list: (query) => plain('GET', '/audit-log', { query }) },
    importRuns: {
      list: (query) => plain('GET', '/import-runs', { query }),
      get: (id) => plain('GET', `/import-runs/${encodeURIComponent(id)}`),
    },
    reports: {
      advertiser: (id, query) => plain('GET', `/reports/advertisers/${encodeURIComponent(id)}`, { query }),
      campaign: (id, query) => plain('GET', `/reports/campaigns/${encodeURIComponent(id)}`, { query }),
      ad: (id, query) => plain('GET', `/reports/ads/${encodeURIComponent(id)}`, { query }),
      site: (id, query) => plain('GET', `/reports/sites/${encodeURIComponent(id)}`, { query }),
      placement: (id, query) => plain('GET', `/reports/placements/${encodeURIComponent(id)}`, { query }),
    },
    forecasts: { run: (body) => plain('POST', '/forecasts', { body }) },
    openApi: () => plain('GET', '/openapi.json', { authenticated: false }),
  };
}
